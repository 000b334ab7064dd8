import { addDecayedWeights } from '../transforms/addDecayedWeights.js'
import { chain, type ChainState } from '../core/chain.js'
import { anyRule, hyperRule, nonNegative, numberRule, positive, resolveOptions, unitInterval } from '../core/options.js'
import { scaleByAdam } from '../transforms/scaleByAdam.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import { scaleByTrustRatio } from '../transforms/scaleByTrustRatio.js'
import type { Hyper } from '../core/hyper.js'
import type { Mask } from '../core/mask.js'
import type { Optimizer } from '../core/transform.js'

/** Options of {@link lamb}. The paper's defaults. */
export interface LambOptions {
  /** Default 1e-3. */
  learningRate?: Hyper
  beta1?: number
  beta2?: number
  /** Default 1e-6. */
  eps?: number
  /** Decoupled decay, inside the trust ratio. Default 0. */
  weightDecay?: Hyper
  mask?: Mask
}

/**
 * LAMB (You et al., Algorithm 2): per layer, an Adam direction plus decoupled decay, rescaled by
 * the trust ratio ‖θ‖ / ‖r‖:
 *
 * ```
 * r = m̂ / (√v̂ + ε) + λ θ
 * θ ← θ − η · (‖θ‖ / ‖r‖) · r
 * ```
 *
 * `chain(scaleByAdam({ eps }), addDecayedWeights, scaleByTrustRatio(), scaleByLearningRate)`, as Optax.
 *
 * @see https://arxiv.org/abs/1904.00962
 * @throws Error `lamb: eps must be > 0, got -1`.
 * @example
 * ```ts
 * import { lamb } from '@gd/optimizers'
 * const opt = lamb({ learningRate: 1e-3, weightDecay: 0.01 })
 * ```
 */
export function lamb(options?: LambOptions): Optimizer<ChainState> {
  const o = resolveOptions(
    'lamb',
    options,
    { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0, mask: true },
    {
      learningRate: hyperRule(nonNegative),
      beta1: numberRule(unitInterval),
      beta2: numberRule(unitInterval),
      eps: numberRule(positive),
      weightDecay: hyperRule(nonNegative),
      mask: anyRule,
    },
  )
  return chain(
    scaleByAdam({ beta1: o.beta1, beta2: o.beta2, eps: o.eps }),
    addDecayedWeights({ weightDecay: o.weightDecay, mask: o.mask }),
    scaleByTrustRatio(),
    scaleByLearningRate(o.learningRate),
  )
}
