import { plainObject, string } from '@gd/check'

/**
 * One epoch's numbers: the mean training loss and metrics over the epoch's (unskipped) examples,
 * the validation loss and metrics as `valLoss`, `valAccuracy`..., and the learning rate.
 */
export interface EpochLogs {
  readonly epoch: number
  readonly step: number
  readonly loss: number
  readonly [name: string]: number
}

/**
 * The value named `name` in an epoch's logs, for callbacks that watch one (early stopping, plateau).
 *
 * @throws Error `<fn>: logs have no valLoss; available: epoch, step, loss` when it is missing.
 * @example
 * ```ts
 * import { logValue } from '@gd/train'
 * logValue('myCallback', { epoch: 0, step: 10, loss: 0.5 }, 'loss') // 0.5
 * ```
 */
export function logValue(fn: string, logs: EpochLogs, name: string): number {
  string('logValue', 'fn', fn)
  plainObject(fn, 'logs', logs)
  string(fn, 'name', name)
  const value = Object.hasOwn(logs, name) ? logs[name] : undefined
  if (typeof value !== 'number') {
    throw new Error(`${fn}: logs have no ${name}; available: ${Object.keys(logs).join(', ')}`)
  }
  return value
}
