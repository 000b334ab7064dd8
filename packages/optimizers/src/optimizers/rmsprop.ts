import { coupledL2 } from '../transforms/addL2.js'
import { chain, type ChainState } from '../core/chain.js'
import {
  booleanRule,
  hyperRule,
  nonNegative,
  numberRule,
  positive,
  resolveOptions,
  unitInterval,
} from '../core/options.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import { scaleByRms } from '../transforms/scaleByRms.js'
import { trace } from '../transforms/trace.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation, Optimizer } from '../core/transform.js'

/** Options of {@link rmsprop}. Defaults are PyTorch's. */
export interface RmspropOptions {
  /** Default 0.01. */
  learningRate?: Hyper
  /** Decay of the mean square. Default 0.99. */
  alpha?: number
  /** Default 1e-8. */
  eps?: number
  /** Coupled L2. Default 0. */
  weightDecay?: Hyper
  /** Momentum on the scaled gradient. Default 0. */
  momentum?: number
  /** Divide by the variance estimate. Default false. */
  centered?: boolean
}

/**
 * RMSprop (Hinton), as PyTorch: v ← α v + (1 − α) g²; b ← μ b + g / (√v + ε); θ ← θ − η b
 * (b = g / (√v + ε) without momentum). `chain(addL2?, scaleByRms, trace?, scaleByLearningRate)`.
 *
 * @see https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf
 * @throws Error `rmsprop: alpha must be in [0, 1), got 1`.
 * @example
 * ```ts
 * import { rmsprop } from '@gd/optimizers'
 * const opt = rmsprop({ learningRate: 1e-3, momentum: 0.9, centered: true })
 * ```
 */
export function rmsprop(options?: RmspropOptions): Optimizer<ChainState> {
  const o = resolveOptions(
    'rmsprop',
    options,
    { learningRate: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false },
    {
      learningRate: hyperRule(nonNegative),
      alpha: numberRule(unitInterval),
      eps: numberRule(positive),
      weightDecay: hyperRule(nonNegative),
      momentum: numberRule(unitInterval),
      centered: booleanRule,
    },
  )
  const links: GradientTransformation<any>[] = []
  if (o.weightDecay !== 0) links.push(coupledL2(o.weightDecay))
  links.push(scaleByRms({ alpha: o.alpha, eps: o.eps, centered: o.centered }))
  if (o.momentum > 0) links.push(trace({ momentum: o.momentum }))
  links.push(scaleByLearningRate(o.learningRate))
  return chain(...links)
}
