import { addDecayedWeights } from '../transforms/addDecayedWeights.js'
import { chain, type ChainState } from '../core/chain.js'
import { hyperRule, nonNegative, numberRule, positive, resolveOptions, unitInterval } from '../core/options.js'
import { scaleByBelief } from '../transforms/scaleByBelief.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation, Optimizer } from '../core/transform.js'

/** Options of {@link adabelief}. The paper's defaults. */
export interface AdabeliefOptions {
  /** Default 1e-3. */
  learningRate?: Hyper
  beta1?: number
  beta2?: number
  /** Default 1e-16. */
  eps?: number
  /** Decoupled decay (the paper's default `weight_decouple`). Default 0. */
  weightDecay?: Hyper
}

/**
 * AdaBelief (Zhuang et al.): θ ← θ − η m̂ / (√ŝ + ε) with s the EMA of (g − m)² (see
 * {@link scaleByBelief}); `chain(scaleByBelief, addDecayedWeights?, scaleByLearningRate)`.
 *
 * @see https://arxiv.org/abs/2010.07468
 * @throws Error `adabelief: beta1 must be in [0, 1), got -1`.
 * @example
 * ```ts
 * import { adabelief } from '@gd/optimizers'
 * const opt = adabelief({ learningRate: 1e-3 })
 * ```
 */
export function adabelief(options?: AdabeliefOptions): Optimizer<ChainState> {
  const o = resolveOptions(
    'adabelief',
    options,
    { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-16, weightDecay: 0 },
    {
      learningRate: hyperRule(nonNegative),
      beta1: numberRule(unitInterval),
      beta2: numberRule(unitInterval),
      eps: numberRule(positive),
      weightDecay: hyperRule(nonNegative),
    },
  )
  const links: GradientTransformation<any>[] = [scaleByBelief({ beta1: o.beta1, beta2: o.beta2, eps: o.eps })]
  if (o.weightDecay !== 0) links.push(addDecayedWeights({ weightDecay: o.weightDecay }))
  links.push(scaleByLearningRate(o.learningRate))
  return chain(...links)
}
