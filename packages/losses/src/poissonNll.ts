import { add, exp, log, mul, sub, type Input, type Var } from '@gd/autograd'
import * as T from '@gd/tensor'
import { boolean, nonNegative, readOptions, withDefault, type Spec } from '@gd/check'
import { atLeastZero, everyValue, lossSpec } from './internal/checks.js'
import { pair, reduceLoss, type LossOptions } from './reduction.js'

/** Options of {@link poissonNll}. */
export interface PoissonNllOptions extends LossOptions {
  /** Predictions are log-rates log λ (default true), else rates λ ≥ 0. */
  logInput?: boolean
  /** Add the Stirling term of log(y!) so the loss is the full negative log-likelihood (default false). */
  full?: boolean
  /** Added to λ inside the log when `logInput` is false (default 1e-8). */
  eps?: number
}

/**
 * Negative log-likelihood of counts y under a Poisson distribution with rate λ (PyTorch's
 * `poisson_nll_loss`), dropping the constant log(y!):
 *
 *   logInput (predictions s = log λ):  ℓ = eˢ − y·s
 *   rates   (predictions λ):           ℓ = λ − y·log(λ + eps)
 *
 * With `full`, adds Stirling's approximation of log(y!), y·log y − y + ½log(2πy), where y > 1
 * (0 elsewhere). The log-input form is the stable one: no log of a rate that may reach 0.
 *
 * @throws Error when the shapes differ, a target (a count) is negative, a rate is negative
 *   (with `logInput: false`), or for bad options.
 * @example
 * ```ts
 * import { poissonNll } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // s = 0, y = 2: e⁰ − 2·0 = 1
 * poissonNll(tensor([0]), tensor([2])).item() // 1
 * // λ = 2, y = 2: 2 − 2·log(2 + 1e-8) = 0.6137…
 * poissonNll(tensor([2]), tensor([2]), { logInput: false }).item() // 0.6137…
 * ```
 */
export function poissonNll(predictions: Input, targets: Input, options: PoissonNllOptions = {}): Var {
  const fn = 'poissonNll'
  const { logInput, full, eps, ...reduce } = readOptions(fn, options, {
    ...lossSpec,
    logInput: withDefault(boolean, true),
    full: withDefault(boolean, false),
    eps: withDefault(nonNegative, 1e-8),
  } satisfies Spec<PoissonNllOptions>)
  const [p, y] = pair(fn, predictions, targets)
  // counts are ≥ 0, and so are rates (a log-rate may be anything)
  everyValue(fn, 'targets', y, atLeastZero, '>= 0')
  if (!logInput) everyValue(fn, 'predictions', p, atLeastZero, '>= 0 (rates, as logInput is false)')
  let perSample = logInput ? sub(exp(p), mul(y, p)) : sub(p, mul(y, log(add(p, eps))))
  if (full) {
    // Stirling's term is a constant of the targets; where y ≤ 1 it is 0 (log(y!) is 0 at 0 and 1).
    const big = T.greater(y.value, 1)
    const safe = T.where(big, y.value, 1)
    const stirling = T.add(T.sub(T.mul(safe, T.log(safe)), safe), T.mul(T.log(T.mul(safe, 2 * Math.PI)), 0.5))
    perSample = add(perSample, T.where(big, stirling, 0))
  }
  return reduceLoss(fn, perSample, reduce)
}
