import { oneOf, positiveInteger, readOptions, string, withDefault } from '@gd/check'
import { treeLeaves } from '@gd/tensor'
import type { Callback } from './callback.js'

/** Options for {@link nanGuard}. */
export interface NanGuardOptions {
  /** 'stop' the run (default) or 'skip' the update and go on. */
  action?: 'stop' | 'skip'
  /** With 'skip', stop anyway after this many non-finite steps in a row; default 10. */
  maxConsecutive?: number
  /**
   * The name its state is saved under in checkpoints; default 'nanGuard'. Two nanGuard callbacks in one run
   * need different names (e.g. one per monitored value).
   */
  name?: string
}

/** The {@link nanGuard} callback, with the steps it caught. */
export interface NanGuard extends Callback {
  /** Steps whose loss or gradient was NaN or infinite. */
  readonly caught: number[]
}

/**
 * Keeps NaN and ±∞ out of the parameters: before each update it checks the loss and every gradient
 * element, and on a non-finite value either stops the run or skips that update (the parameters and
 * optimizer state stay as they were). Put it after any monitor that should still see the step.
 *
 * @throws Error for an unknown action or a bad `maxConsecutive`.
 * @example
 * ```ts
 * import { nanGuard } from '@gd/train'
 * const guard = nanGuard({ action: 'skip', maxConsecutive: 3 })
 * // fit({ ..., callbacks: [guard] }); guard.caught lists the skipped steps
 * ```
 */
export function nanGuard(options?: NanGuardOptions): NanGuard {
  const fn = 'nanGuard'
  const { action, maxConsecutive, name } = readOptions(fn, options, {
    action: withDefault(oneOf(['stop', 'skip'] as const), 'stop'),
    maxConsecutive: withDefault(positiveInteger, 10),
    name: withDefault(string, fn),
  })
  const caught: number[] = []
  let run = 0
  return {
    name,
    caught,
    onGradients(ctx, info) {
      const finite = Number.isFinite(info.loss) && treeLeaves(info.grads).every((g) => g.data.every(Number.isFinite))
      if (finite) {
        run = 0
        return undefined
      }
      caught.push(ctx.step)
      run += 1
      if (action === 'skip' && run < maxConsecutive) return 'skip'
      ctx.stop(`${fn}: non-finite ${Number.isFinite(info.loss) ? 'gradient' : 'loss'} at step ${ctx.step}`)
      return 'stop'
    },
    save: () => ({ run }),
    load: (s) => (run = (s as { run: number }).run),
  }
}
