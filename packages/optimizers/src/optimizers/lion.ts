import { addDecayedWeights } from '../transforms/addDecayedWeights.js'
import { chain, type ChainState } from '../core/chain.js'
import { anyRule, hyperRule, nonNegative, numberRule, resolveOptions, unitInterval } from '../core/options.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import { scaleByLion } from '../transforms/scaleByLion.js'
import type { Hyper } from '../core/hyper.js'
import type { Mask } from '../core/mask.js'
import type { GradientTransformation, Optimizer } from '../core/transform.js'

/** Options of {@link lion}. The paper's defaults. */
export interface LionOptions {
  /** Default 1e-4 (3–10× smaller than AdamW's, as the paper advises). */
  learningRate?: Hyper
  beta1?: number
  beta2?: number
  /** Decoupled decay. Default 0. */
  weightDecay?: Hyper
  mask?: Mask
}

/**
 * Lion (Chen et al.): θ ← θ − η (sign(β₁ m + (1 − β₁) g) + λ θ), m ← β₂ m + (1 − β₂) g;
 * `chain(scaleByLion, addDecayedWeights?, scaleByLearningRate)`.
 *
 * @see https://arxiv.org/abs/2302.06675
 * @throws Error `lion: beta2 must be in [0, 1), got 1`.
 * @example
 * ```ts
 * import { lion } from '@gd/optimizers'
 * const opt = lion({ learningRate: 1e-4, weightDecay: 0.1 })
 * ```
 */
export function lion(options?: LionOptions): Optimizer<ChainState> {
  const o = resolveOptions(
    'lion',
    options,
    { learningRate: 1e-4, beta1: 0.9, beta2: 0.99, weightDecay: 0, mask: true },
    {
      learningRate: hyperRule(nonNegative),
      beta1: numberRule(unitInterval),
      beta2: numberRule(unitInterval),
      weightDecay: hyperRule(nonNegative),
      mask: anyRule,
    },
  )
  const links: GradientTransformation<any>[] = [scaleByLion({ beta1: o.beta1, beta2: o.beta2 })]
  if (o.weightDecay !== 0) links.push(addDecayedWeights({ weightDecay: o.weightDecay, mask: o.mask }))
  links.push(scaleByLearningRate(o.learningRate))
  return chain(...links)
}
