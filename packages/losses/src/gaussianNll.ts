import { add, div, log, maximum, mul, square, sub, toVar, type Input, type Var } from '@gd/autograd'
import * as T from '@gd/tensor'
import { formatList } from '@gd/tensor/internal'
import { boolean, positive, readOptions, withDefault, type Spec } from '@gd/check'
import { checkValues, floatInput, lossSpec } from './internal/checks.js'
import { pair, reduceLoss, type LossOptions } from './reduction.js'

/** Options of {@link gaussianNll}. */
export interface GaussianNllOptions extends LossOptions {
  /** Add the constant ½log(2π), making the loss the full negative log-likelihood (default false). */
  full?: boolean
  /** Variances are clamped below at eps for stability (default 1e-6). */
  eps?: number
}

/**
 * Negative log-likelihood of targets y under a Gaussian with predicted mean μ and variance σ²
 * (PyTorch's `gaussian_nll_loss`), the cost of a network that predicts its own uncertainty:
 *
 *   ℓ = ½(log max(σ², eps) + (μ − y)² / max(σ², eps))   (+ ½log 2π with `full`)
 *
 * `variance` must broadcast to the predictions' shape (one shared variance, one per feature, or
 * one per element). Where σ² < eps the clamp holds it at eps and it gets no gradient (the
 * subgradient of max); PyTorch instead passes the gradient through its clamp unchanged.
 *
 * @throws Error when the shapes differ, the variance does not broadcast, a variance is negative,
 *   or for bad options.
 * @example
 * ```ts
 * import { gaussianNll } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // μ = 1, y = 3, σ² = 4: ½(log 4 + 4/4) = 1.1931…
 * gaussianNll(tensor([1]), tensor([3]), tensor([4])).item() // 1.1931…
 * ```
 */
export function gaussianNll(
  predictions: Input,
  targets: Input,
  variance: Input,
  options: GaussianNllOptions = {},
): Var {
  const { full, eps, ...reduce } = readOptions('gaussianNll', options, {
    ...lossSpec,
    full: withDefault(boolean, false),
    eps: withDefault(positive, 1e-6),
  } satisfies Spec<GaussianNllOptions>)
  const [mu, y] = pair('gaussianNll', predictions, targets)
  const v = toVar('gaussianNll', floatInput('gaussianNll', 'variance', variance), mu.dtype)
  const fits = v.rank <= mu.rank && v.shape.every((d, i) => d === 1 || d === mu.shape[mu.rank - v.rank + i])
  if (!fits)
    throw new Error(
      `gaussianNll: variance ${formatList(v.shape)} does not broadcast to predictions ${formatList(mu.shape)}`,
    )
  checkValues(v.value, (s) => {
    if (!(s >= 0)) throw new Error(`gaussianNll: variance must be >= 0, got ${s}`)
  })
  const clamped = maximum(v, T.scalar(eps, { dtype: mu.dtype }))
  let perSample = mul(add(log(clamped), div(square(sub(mu, y)), clamped)), 0.5)
  if (full) perSample = add(perSample, 0.5 * Math.log(2 * Math.PI))
  return reduceLoss('gaussianNll', perSample, reduce)
}
