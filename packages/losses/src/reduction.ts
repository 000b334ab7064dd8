import { Tensor } from '@gd/tensor'

/**
 * How a loss turns per-sample values into its result: their `'mean'` (the default everywhere),
 * their `'sum'`, or `'none'` to keep one value per sample.
 *
 * @example
 * ```ts
 * import type { Reduction } from '@gd/losses'
 * const r: Reduction = 'sum'
 * ```
 */
export type Reduction = 'mean' | 'sum' | 'none'

/** Every valid {@link Reduction}. */
export const reductions: readonly Reduction[] = ['mean', 'sum', 'none']

/**
 * Returns `reduction`, or throws an Error naming the loss and the valid choices.
 *
 * @example
 * ```ts
 * import { checkReduction } from '@gd/losses'
 * checkReduction('mse', 'sum') // 'sum'
 * checkReduction('mse', 'avg' as never) // throws "mse: reduction must be one of mean, sum, none, got \"avg\""
 * ```
 */
export function checkReduction(loss: string, reduction: unknown): Reduction {
  if (!reductions.includes(reduction as Reduction)) {
    throw new Error(`${loss}: reduction must be one of ${reductions.join(', ')}, got ${JSON.stringify(reduction)}`)
  }
  return reduction as Reduction
}

/**
 * Checks that a loss's predictions and targets are tensors of one shape.
 *
 * @example
 * ```ts
 * import { checkPair } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * checkPair('mse', tensor([1]), tensor([1, 2])) // throws "mse: predictions [1] and targets [2] differ in shape"
 * ```
 */
export function checkPair(loss: string, predictions: Tensor, targets: Tensor): void {
  const same =
    predictions.shape.length === targets.shape.length &&
    predictions.shape.every((d, i) => d === targets.shape[i])
  if (!same) {
    throw new Error(
      `${loss}: predictions [${predictions.shape.join(',')}] and targets [${targets.shape.join(',')}] differ in shape`,
    )
  }
}
