import { toVar, type Input, type Var } from '@gd/autograd'
import { fail, readOptions, string } from '@gd/check'
import { Tensor, type Shape } from '@gd/tensor'
import { formatList, sameShape } from '@gd/tensor/internal'
import { floatInput, input, lossSpec, shaped } from './internal/checks.js'
import { reduced } from './internal/reduce.js'

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

/**
 * Every valid {@link Reduction}.
 *
 * @example
 * ```ts
 * import { reductions } from '@gd/losses'
 * reductions.includes('sum') // true
 * ```
 */
export const reductions: readonly Reduction[] = ['mean', 'sum', 'none']

/**
 * The options every loss takes.
 *
 * Weighted-mean semantics (one rule for every loss): with per-sample weights wᵢ ≥ 0,
 * - `'none'` gives wᵢℓᵢ,
 * - `'sum'` gives Σ wᵢℓᵢ,
 * - `'mean'` gives the weighted average Σ wᵢℓᵢ / Σ wᵢ (0 when every weight is 0, and 0 for an
 *   empty batch: a mean over no samples is never a silent NaN).
 *
 * The weighted average is what PyTorch's `cross_entropy` does with class weights, and it makes an
 * ignored sample (weight 0) drop out of both sums. It is not Keras's `sample_weight`, which divides
 * by the sample count N: for that, use `'sum'` and divide by N. Without weights, `'mean'` is the
 * plain mean, so `sum = mean × count`; with weights, `sum = mean × Σwᵢ`.
 *
 * @example
 * ```ts
 * import { mse, type LossOptions } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * const options: LossOptions = { reduction: 'mean', weights: tensor([1, 3]) }
 * // ℓ = [1, 4]: (1·1 + 3·4) / (1 + 3) = 3.25
 * mse(tensor([1, 2]), tensor([0, 0]), options).item() // 3.25
 * ```
 */
export interface LossOptions {
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: Reduction | undefined
  /**
   * Non-negative per-sample weights, a constant tensor whose shape is a leading part of the
   * unreduced loss's shape (`[]`, `[N]`, …, or the whole shape); it is broadcast over the
   * remaining trailing axes, so `[N]` weights each row of an `[N, D]` mse.
   */
  weights?: Tensor | undefined
}

/**
 * The option names of {@link LossOptions}, for `checkOptions` in a loss that adds its own.
 * @deprecated The losses read their options with @gd/check's `readOptions`; this list stays for
 * code that calls `checkOptions`.
 *
 * @example
 * ```ts
 * import { checkOptions, lossOptionNames } from '@gd/losses'
 * checkOptions('myLoss', { reduction: 'sum', margin: 2 }, [...lossOptionNames, 'margin']) // ok
 * ```
 */
export const lossOptionNames: readonly string[] = ['reduction', 'weights']

/**
 * Returns `reduction`, or throws an Error naming the loss and the valid choices.
 *
 * @example
 * ```ts
 * import { checkReduction } from '@gd/losses'
 * checkReduction('mse', 'sum') // 'sum'
 * checkReduction('mse', 'avg' as never) // throws 'mse: reduction must be "mean", "sum" or "none", got "avg"'
 * ```
 */
export function checkReduction(loss: string, reduction: unknown): Reduction {
  return lossSpec.reduction(string('checkReduction', 'loss', loss), 'reduction', reduction)
}

/**
 * Checks that a loss's predictions and targets (tensors or traced values) have one shape.
 *
 * @example
 * ```ts
 * import { checkPair } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * checkPair('mse', tensor([1]), tensor([1, 2])) // throws "mse: predictions [1] and targets [2] differ in shape"
 * ```
 */
export function checkPair(loss: string, predictions: { shape: Shape }, targets: { shape: Shape }): void {
  string('checkPair', 'loss', loss)
  shaped(loss, 'predictions', predictions)
  shaped(loss, 'targets', targets)
  if (!sameShape(predictions.shape, targets.shape)) {
    throw new Error(
      `${loss}: predictions ${formatList(predictions.shape)} and targets ${formatList(targets.shape)} differ in shape`,
    )
  }
}

/**
 * Wraps a loss's two inputs as traced values and checks them: each a Tensor, a Var or a number,
 * the predictions float32 or float64 (targets of another dtype, such as int32 counts or 0/1 bool
 * labels, are promoted by the ops as in any mixed-dtype op), and one shape for both.
 *
 * @throws Error `<fn>: predictions must be a Tensor, a Var or a number, got …`,
 *   `<fn>: predictions' dtype must be float32 or float64, got "int32"` or
 *   `<fn>: predictions [..] and targets [..] differ in shape`.
 * @example
 * ```ts
 * import { pair } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * const [p, t] = pair('mse', tensor([1, 2]), tensor([0, 0]))
 * p.shape // [2]
 * ```
 */
export function pair(loss: string, predictions: Input, targets: Input): [Var, Var] {
  string('pair', 'loss', loss)
  floatInput(loss, 'predictions', predictions)
  input(loss, 'targets', targets)
  const p = toVar(loss, predictions)
  const t = toVar(loss, targets, p.dtype)
  checkPair(loss, p, t)
  return [p, t]
}

/**
 * Applies a loss's weights and reduction to its unreduced values `perSample`, following the
 * weighted-mean semantics of {@link LossOptions}. `extra` (same shape as `perSample`) multiplies
 * the user's weights; losses use it for class weights and ignored labels.
 *
 * @throws Error for an unknown or misspelt option, an unknown reduction, or weights that are not a
 *   Tensor, of the wrong shape, negative or not finite.
 * @example
 * ```ts
 * import { reduceLoss } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * reduceLoss('mine', tensor([1, 2, 3]), { reduction: 'sum' }).item() // 6
 * ```
 */
export function reduceLoss(loss: string, perSample: Input, options: LossOptions = {}, extra?: Tensor): Var {
  string('reduceLoss', 'loss', loss)
  input(loss, 'perSample', perSample)
  const { reduction, weights } = readOptions(loss, options, lossSpec)
  if (extra !== undefined && !(extra instanceof Tensor)) fail(loss, 'extra', 'a Tensor', extra)
  return reduced(loss, toVar(loss, perSample), reduction, weights, extra)
}
