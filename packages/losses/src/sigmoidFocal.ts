import { add, exp, logSumExp, mul, softplus, stack, stopGradient, sub, type Input, type Var } from '@gd/autograd'
import * as T from '@gd/tensor'
import { nonNegative, optional, readOptions, within, withDefault, type Spec } from '@gd/check'
import { everyValue, inUnit, lossSpec } from './internal/checks.js'
import { pair, reduceLoss, type LossOptions } from './reduction.js'

/** Options of {@link sigmoidFocal}. */
export interface SigmoidFocalOptions extends LossOptions {
  /** Focusing exponent γ ≥ 0 (default 2); 0 gives plain {@link sigmoidBinaryCrossEntropy}. */
  gamma?: number
  /** Balance α ∈ [0, 1] between positives (α) and negatives (1 − α); unset means no balancing. */
  alpha?: number
}

/**
 * The focal loss of Lin et al. (2017) on logits z and targets y ∈ [0, 1] (Optax's
 * `sigmoid_focal_loss`, torchvision's `sigmoid_focal_loss`): cross-entropy scaled down on
 * examples that are already well classified,
 *
 *   ℓ = α_t · (1 − p_t)^γ · CE(z, y),   p_t = y·σ(z) + (1 − y)·(1 − σ(z)),   α_t = α·y + (1 − α)(1 − y)
 *
 * with CE the stable {@link sigmoidBinaryCrossEntropy}. For stability the modulating factor is
 * computed in log space: 1 − p_t = y·σ(−z) + (1 − y)·σ(z), and log σ(±z) = −softplus(∓z), so
 * (1 − p_t)^γ = exp(γ · logaddexp(log y − softplus(z), log(1 − y) − softplus(−z))), finite with a
 * finite gradient for any γ ≥ 0 and any logit. Targets get no gradient.
 *
 * @see https://arxiv.org/abs/1708.02002
 * @throws Error when the shapes differ, targets lie outside [0, 1], or for bad options.
 * @example
 * ```ts
 * import { sigmoidFocal } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // z = 0, y = 1, γ = 2: (1 − ½)² · log 2 ≈ 0.1733
 * sigmoidFocal(tensor([0]), tensor([1])).item() // ≈ 0.1733
 * ```
 */
export function sigmoidFocal(logits: Input, targets: Input, options: SigmoidFocalOptions = {}): Var {
  const fn = 'sigmoidFocal'
  const { gamma, alpha, ...reduce } = readOptions(fn, options, {
    ...lossSpec,
    gamma: withDefault(nonNegative, 2),
    alpha: optional(within({ min: 0, max: 1 })),
  } satisfies Spec<SigmoidFocalOptions>)
  const [z, target] = pair(fn, logits, targets)
  everyValue(fn, 'targets', target, inUnit, 'in [0, 1]')
  const y = stopGradient(target)
  const ce = sub(softplus(z), mul(y, z))
  let perSample = ce
  if (gamma !== 0) {
    // log y and log(1 − y) are constants (−∞ at 0 or 1, which logSumExp handles).
    const logY = T.log(y.value)
    const log1mY = T.log(T.sub(1, y.value))
    const terms = stack([sub(logY, softplus(z)), sub(log1mY, softplus(mul(z, -1)))], -1)
    perSample = mul(exp(mul(logSumExp(terms, { axis: -1 }), gamma)), ce)
  }
  if (alpha !== undefined) perSample = mul(perSample, add(mul(y, 2 * alpha - 1), 1 - alpha))
  return reduceLoss(fn, perSample, reduce)
}
