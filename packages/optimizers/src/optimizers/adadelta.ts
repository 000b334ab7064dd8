import { coupledL2 } from '../transforms/addL2.js'
import { chain, type ChainState } from '../core/chain.js'
import { closedUnit, hyperRule, nonNegative, numberRule, positive, resolveOptions } from '../core/options.js'
import { scaleByAdadelta } from '../transforms/scaleByAdadelta.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation, Optimizer } from '../core/transform.js'

/** Options of {@link adadelta}. Defaults are PyTorch's. */
export interface AdadeltaOptions {
  /** Scales Δ. Default 1. */
  learningRate?: Hyper
  /** Default 0.9. */
  rho?: number
  /** Default 1e-6. */
  eps?: number
  /** Coupled L2. Default 0. */
  weightDecay?: Hyper
}

/**
 * Adadelta (Zeiler): θ ← θ − η Δ with Δ = √(E[Δ²] + ε) / √(E[g²] + ε) · g (see
 * {@link scaleByAdadelta}); `chain(addL2?, scaleByAdadelta, scaleByLearningRate)`.
 *
 * @see https://arxiv.org/abs/1212.5701
 * @throws Error `adadelta: rho must be in [0, 1], got 2`.
 * @example
 * ```ts
 * import { adadelta } from '@gd/optimizers'
 * const opt = adadelta({ learningRate: 1 })
 * ```
 */
export function adadelta(options?: AdadeltaOptions): Optimizer<ChainState> {
  const o = resolveOptions(
    'adadelta',
    options,
    { learningRate: 1, rho: 0.9, eps: 1e-6, weightDecay: 0 },
    {
      learningRate: hyperRule(nonNegative),
      rho: numberRule(closedUnit),
      eps: numberRule(positive),
      weightDecay: hyperRule(nonNegative),
    },
  )
  const links: GradientTransformation<any>[] = []
  if (o.weightDecay !== 0) links.push(coupledL2(o.weightDecay))
  links.push(scaleByAdadelta({ rho: o.rho, eps: o.eps }), scaleByLearningRate(o.learningRate))
  return chain(...links)
}
