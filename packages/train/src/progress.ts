import { fail, isPlainObject, oneOf, optional, positiveInteger, readOptions, rule, withDefault } from '@gd/check'
import type { Callback } from './callback.js'
import type { EpochLogs } from './epochLogs.js'

/** Where {@link progress} writes: `process.stdout` or anything with `write` (and `isTTY`). */
export interface ProgressStream {
  write(text: string): unknown
  readonly isTTY?: boolean
}

/** Options for {@link progress}. */
export interface ProgressOptions {
  /** Default `process.stdout`. */
  stream?: ProgressStream
  /** 'bar': one line redrawn in place; 'lines': a line per epoch; 'auto' (default): bar on a TTY unless `CI` is set. */
  mode?: 'auto' | 'bar' | 'lines'
  /** Characters in the bar; default 24. */
  width?: number
}

/**
 * Reports training progress. In a terminal it draws one line, redrawn in place as batches go by
 * (`epoch 2/5 ████████░░░░ 12/40 loss 0.2134`), and leaves the epoch's summary behind; when the
 * output is not a terminal (a file, a pipe, CI logs) it writes one plain line per epoch.
 *
 * @throws Error for an unknown mode or a width that is not a positive integer.
 * @example
 * ```ts
 * import { progress } from '@gd/train'
 * // fit({ ..., callbacks: [progress()] })
 * // epoch 1/3  loss 0.4412  accuracy 0.8710  valLoss 0.3120  valAccuracy 0.9000
 * ```
 */
export function progress(given?: ProgressOptions): Callback {
  const fn = 'progress'
  const options = readOptions(fn, given, {
    stream: optional(
      rule<ProgressStream>(
        'a stream (an object with a write function)',
        (v) => typeof v === 'object' && v !== null && typeof (v as ProgressStream).write === 'function',
      ),
    ),
    mode: withDefault(oneOf(['auto', 'bar', 'lines'] as const), 'auto'),
    width: withDefault(positiveInteger, 24),
  })
  const { mode, width } = options
  const stream = options.stream ?? defaultStream()
  const bar = mode === 'bar' || (mode === 'auto' && stream.isTTY === true && !underCI())
  let lossSum = 0
  let seen = 0
  let drawn = -1
  const draw = (epoch: number, epochs: number, done: number, total: number): void => {
    const filled = Math.round((width * done) / Math.max(total, 1))
    const loss = seen === 0 ? '' : `  loss ${(lossSum / seen).toFixed(4)}`
    const line = `epoch ${epoch + 1}/${epochs} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${done}/${total}${loss}`
    stream.write(`\r\x1b[2K${line}`)
  }
  return {
    name: fn,
    onEpochBegin(ctx) {
      lossSum = 0
      seen = 0
      drawn = -1
      if (bar) draw(ctx.epoch, ctx.epochs, ctx.batchInEpoch, ctx.stepsPerEpoch)
    },
    onStepEnd(ctx, info) {
      if (!bar) return
      if (!info.skipped) {
        lossSum += info.loss
        seen += 1
      }
      // Redraw when the bar or the count in hundredths moves, so long epochs do not flood the terminal.
      const mark = Math.floor((100 * ctx.batchInEpoch) / ctx.stepsPerEpoch)
      if (mark !== drawn || ctx.batchInEpoch === ctx.stepsPerEpoch) {
        drawn = mark
        draw(ctx.epoch, ctx.epochs, ctx.batchInEpoch, ctx.stepsPerEpoch)
      }
    },
    onEpochEnd(ctx, logs) {
      const line = `epoch ${logs.epoch + 1}/${ctx.epochs}  ${formatLogs(logs)}`
      stream.write(bar ? `\r\x1b[2K${line}\n` : `${line}\n`)
    },
  }
}

/**
 * An epoch's logs as `name value` pairs: losses and metrics to 4 decimals, the learning rate in
 * exponent form, counters as integers (epoch and step are left out).
 *
 * @example
 * ```ts
 * import { formatLogs } from '@gd/train'
 * formatLogs({ epoch: 0, step: 10, loss: 0.25, learningRate: 0.001 }) // 'loss 0.2500  learningRate 1.00e-3'
 * ```
 */
export function formatLogs(logs: EpochLogs): string {
  if (!isPlainObject(logs) || !Object.values(logs).every((v) => typeof v === 'number'))
    fail('formatLogs', 'logs', 'an object of numbers', logs)
  return Object.entries(logs)
    .filter(([k]) => k !== 'epoch' && k !== 'step')
    .map(([k, v]) => `${k} ${k === 'learningRate' ? v.toExponential(2) : k === 'skipped' ? v : v.toFixed(4)}`)
    .join('  ')
}

function underCI(): boolean {
  const env = typeof process === 'undefined' ? undefined : process.env
  return env?.CI !== undefined && env.CI !== '' && env.CI !== 'false'
}

function defaultStream(): ProgressStream {
  if (typeof process !== 'undefined' && process.stdout !== undefined) return process.stdout
  let pending = ''
  return {
    write: (text: string) => {
      pending += text
      const lines = pending.split('\n')
      pending = lines.pop()!
      for (const l of lines) console.log(l)
    },
  }
}
