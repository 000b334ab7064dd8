import { coupledL2 } from '../transforms/addL2.js'
import { chain, type ChainState } from '../core/chain.js'
import { hyperRule, nonNegative, numberRule, positive, resolveOptions, unitInterval } from '../core/options.js'
import { scaleByAdamax } from '../transforms/scaleByAdamax.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation, Optimizer } from '../core/transform.js'

/** Options of {@link adamax}. Defaults are PyTorch's. */
export interface AdamaxOptions {
  /** Default 2e-3. */
  learningRate?: Hyper
  beta1?: number
  beta2?: number
  eps?: number
  /** Coupled L2. Default 0. */
  weightDecay?: Hyper
}

/**
 * Adamax (Kingma & Ba, §7.1): Adam with the ∞-norm, θ ← θ − η / (1 − β₁ᵗ) · m / u∞ (see
 * {@link scaleByAdamax}); `chain(addL2?, scaleByAdamax, scaleByLearningRate)`.
 *
 * @see https://arxiv.org/abs/1412.6980
 * @throws Error `adamax: beta2 must be in [0, 1), got 1`.
 * @example
 * ```ts
 * import { adamax } from '@gd/optimizers'
 * const opt = adamax({ learningRate: 2e-3 })
 * ```
 */
export function adamax(options?: AdamaxOptions): Optimizer<ChainState> {
  const o = resolveOptions(
    'adamax',
    options,
    { learningRate: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
    {
      learningRate: hyperRule(nonNegative),
      beta1: numberRule(unitInterval),
      beta2: numberRule(unitInterval),
      eps: numberRule(positive),
      weightDecay: hyperRule(nonNegative),
    },
  )
  const links: GradientTransformation<any>[] = []
  if (o.weightDecay !== 0) links.push(coupledL2(o.weightDecay))
  links.push(scaleByAdamax({ beta1: o.beta1, beta2: o.beta2, eps: o.eps }), scaleByLearningRate(o.learningRate))
  return chain(...links)
}
