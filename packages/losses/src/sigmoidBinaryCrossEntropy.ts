import { add, mul, softplus, sub, type Input, type Var } from '@gd/autograd'
import { positive, readOptions, withDefault, type Spec } from '@gd/check'
import { everyValue, inUnit, lossSpec } from './internal/checks.js'
import { pair, reduceLoss, type LossOptions } from './reduction.js'

/** Options of {@link sigmoidBinaryCrossEntropy}. */
export interface SigmoidBinaryCrossEntropyOptions extends LossOptions {
  /** Weight of the positive term, > 0 (PyTorch's `pos_weight`, default 1): > 1 favours recall. */
  positiveWeight?: number
}

/**
 * Binary cross-entropy from logits z (the pre-sigmoid values) and targets y ∈ [0, 1]: the
 * maximum-likelihood cost of a sigmoid (Bernoulli) output unit,
 *
 *   ℓ = −(y·log σ(z) + (1 − y)·log(1 − σ(z))) = softplus(z) − y·z
 *
 * with softplus(z) = max(z, 0) + log1p(e^−|z|), so no exp overflows and no log sees 0: finite for
 * any finite z, with gradient σ(z) − y. With a positive weight k:
 * ℓ = k·y·softplus(−z) + (1 − y)·softplus(z).
 *
 * @throws Error when the shapes differ, a target lies outside [0, 1], or for bad options.
 * @example
 * ```ts
 * import { sigmoidBinaryCrossEntropy } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // z = 0: softplus(0) = log 2 = 0.6931… whatever y is
 * sigmoidBinaryCrossEntropy(tensor([0]), tensor([1])).item() // 0.6931…
 * // z = −1000, y = 1: softplus(−1000) + 1000 = 1000 (the naive form gives −log 0 = Infinity)
 * sigmoidBinaryCrossEntropy(tensor([-1000]), tensor([1])).item() // 1000
 * ```
 */
export function sigmoidBinaryCrossEntropy(
  logits: Input,
  targets: Input,
  options: SigmoidBinaryCrossEntropyOptions = {},
): Var {
  const fn = 'sigmoidBinaryCrossEntropy'
  const { positiveWeight: k, ...reduce } = readOptions(fn, options, {
    ...lossSpec,
    positiveWeight: withDefault(positive, 1),
  } satisfies Spec<SigmoidBinaryCrossEntropyOptions>)
  const [z, y] = pair(fn, logits, targets)
  everyValue(fn, 'targets', y, inUnit, 'in [0, 1]')
  const perSample =
    k === 1 ? sub(softplus(z), mul(y, z)) : add(mul(mul(y, k), softplus(mul(z, -1))), mul(sub(1, y), softplus(z)))
  return reduceLoss(fn, perSample, reduce)
}
