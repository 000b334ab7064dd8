import type { Callback } from './callback.js'
import type { Checkpoint } from './checkpoint.js'

/** Options for {@link checkpoints}. */
export interface CheckpointsOptions {
  /** Receives each checkpoint (write it to a file, keep it in memory...). */
  save: (checkpoint: Checkpoint) => void
  /** Save after every `everySteps` steps. */
  everySteps?: number
  /** Save after every `everyEpochs` epochs; 1 unless `everySteps` is given. */
  everyEpochs?: number
}

/**
 * A callback that hands a {@link Checkpoint} to `save` every few steps or epochs. Resume with
 * `fit({ ..., resume: checkpoint })`.
 *
 * @throws Error for a period that is not a positive integer.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs'
 * import { checkpoints } from '@gd/train'
 * const saver = checkpoints({ everyEpochs: 1, save: (c) => writeFileSync('run.json', JSON.stringify(c)) })
 * ```
 */
export function checkpoints(options: CheckpointsOptions): Callback {
  if (typeof options?.save !== 'function') {
    throw new Error(`checkpoints: save must be a function, got ${typeof options?.save}`)
  }
  for (const what of ['everySteps', 'everyEpochs'] as const) {
    const n = options[what]
    if (n !== undefined && (!Number.isInteger(n) || n < 1)) {
      throw new Error(`checkpoints: ${what} must be a positive integer, got ${n}`)
    }
  }
  const everyEpochs = options.everyEpochs ?? (options.everySteps === undefined ? 1 : undefined)
  return {
    name: 'checkpoints',
    onStepEnd(ctx) {
      if (options.everySteps !== undefined && ctx.step % options.everySteps === 0) options.save(ctx.checkpoint())
    },
    onEpochEnd(ctx, logs) {
      if (everyEpochs !== undefined && (logs.epoch + 1) % everyEpochs === 0) options.save(ctx.checkpoint())
    },
  }
}
