import { func, optional, positiveInteger, readOptions } from '@gd/check'
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
export function checkpoints(given: CheckpointsOptions): Callback {
  const options = readOptions('checkpoints', given, {
    save: func as (fn: string, key: string, value: unknown) => (checkpoint: Checkpoint) => void,
    everySteps: optional(positiveInteger),
    everyEpochs: optional(positiveInteger),
  })
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
