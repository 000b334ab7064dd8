import { addDecayedWeights } from '../transforms/addDecayedWeights.js'
import { chain, type ChainState } from '../core/chain.js'
import {
  anyRule,
  booleanRule,
  hyperRule,
  nonNegative,
  numberRule,
  positive,
  resolveOptions,
  unitInterval,
} from '../core/options.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import { scaleByTrustRatio } from '../transforms/scaleByTrustRatio.js'
import { trace } from '../transforms/trace.js'
import type { Hyper } from '../core/hyper.js'
import type { Mask } from '../core/mask.js'
import type { GradientTransformation, Optimizer } from '../core/transform.js'

/** Options of {@link lars}. */
export interface LarsOptions {
  /** Global η. Default 1. */
  learningRate?: Hyper
  /** Decoupled decay β, inside the trust ratio. Default 0. */
  weightDecay?: Hyper
  /** The paper's trust coefficient η_LARS. Default 0.001. */
  trustCoefficient?: number
  /** Added to the update norm. Default 0. */
  eps?: number
  /** Default 0.9. */
  momentum?: number
  nesterov?: boolean
  mask?: Mask
}

/**
 * LARS (You, Gitman & Ginsburg, Algorithm 1): layer-wise local learning rates,
 *
 * ```
 * r = g + β θ,   λ_local = c · ‖θ‖ / (‖r‖ + eps)
 * b ← μ b + λ_local r,   θ ← θ − η b
 * ```
 *
 * `chain(addDecayedWeights, scaleByTrustRatio({ trustCoefficient }), trace({ momentum }), scaleByLearningRate)`, as Optax.
 *
 * @see https://arxiv.org/abs/1708.03888
 * @throws Error `lars: trustCoefficient must be > 0, got 0`.
 * @example
 * ```ts
 * import { lars } from '@gd/optimizers'
 * const opt = lars({ learningRate: 1, momentum: 0.9, weightDecay: 1e-4 })
 * ```
 */
export function lars(options?: LarsOptions): Optimizer<ChainState> {
  const o = resolveOptions(
    'lars',
    options,
    { learningRate: 1, weightDecay: 0, trustCoefficient: 0.001, eps: 0, momentum: 0.9, nesterov: false, mask: true },
    {
      learningRate: hyperRule(nonNegative),
      weightDecay: hyperRule(nonNegative),
      trustCoefficient: numberRule(positive),
      eps: numberRule(nonNegative),
      momentum: numberRule(unitInterval),
      nesterov: booleanRule,
      mask: anyRule,
    },
  )
  const links: GradientTransformation<any>[] = [
    addDecayedWeights({ weightDecay: o.weightDecay, mask: o.mask }),
    scaleByTrustRatio({ trustCoefficient: o.trustCoefficient, eps: o.eps }),
  ]
  if (o.momentum > 0) links.push(trace({ momentum: o.momentum, nesterov: o.nesterov }))
  links.push(scaleByLearningRate(o.learningRate))
  return chain(...links)
}
