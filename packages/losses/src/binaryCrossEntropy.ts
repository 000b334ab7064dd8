import { add, clip, log, mul, neg, sub, type Input, type Var } from '@gd/autograd'
import { readOptions, within, withDefault, type Spec } from '@gd/check'
import { everyValue, inUnit, lossSpec } from './internal/checks.js'
import { pair, reduceLoss, type LossOptions } from './reduction.js'

/** Options of {@link binaryCrossEntropy}. */
export interface BinaryCrossEntropyOptions extends LossOptions {
  /** Probabilities are clamped to [eps, 1 − eps] before the logs; in (0, 0.5), default 1e-7 (as Keras). */
  eps?: number
}

/**
 * Binary cross-entropy from probabilities p ∈ [0, 1] and targets y ∈ [0, 1]:
 *
 *   ℓ = −(y·log p̃ + (1 − y)·log(1 − p̃)),   p̃ = clip(p, eps, 1 − eps)
 *
 * The clamp keeps the loss finite (at most −log eps ≈ 16.1 for the default eps) and the gradient
 * finite when p is exactly 0 or 1; where p lies outside [eps, 1 − eps] the gradient is 0 (the
 * clamp's subgradient). PyTorch clamps each log at −100 instead. Prefer
 * {@link sigmoidBinaryCrossEntropy} on logits: it needs no clamp and loses no precision.
 *
 * @throws Error when the shapes differ, a probability or target is outside [0, 1], eps is outside
 *   (0, 0.5), or for bad options.
 * @example
 * ```ts
 * import { binaryCrossEntropy } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // −log 0.8 = 0.2231…
 * binaryCrossEntropy(tensor([0.8]), tensor([1])).item() // 0.2231…
 * // p = 0 with y = 1: clamped to 1e-7, −log 1e-7 = 16.118…
 * binaryCrossEntropy(tensor([0], { dtype: 'float64' }), tensor([1], { dtype: 'float64' })).item() // 16.118…
 * ```
 */
export function binaryCrossEntropy(probabilities: Input, targets: Input, options: BinaryCrossEntropyOptions = {}): Var {
  const fn = 'binaryCrossEntropy'
  const { eps, ...reduce } = readOptions(fn, options, {
    ...lossSpec,
    eps: withDefault(within({ min: 0, max: 0.5, minOpen: true, maxOpen: true }), 1e-7),
  } satisfies Spec<BinaryCrossEntropyOptions>)
  const [p, y] = pair(fn, probabilities, targets)
  everyValue(fn, 'probabilities', p, inUnit, 'in [0, 1]')
  everyValue(fn, 'targets', y, inUnit, 'in [0, 1]')
  const q = clip(p, eps, 1 - eps)
  const perSample = neg(add(mul(y, log(q)), mul(sub(1, y), log(sub(1, q)))))
  return reduceLoss(fn, perSample, reduce)
}
