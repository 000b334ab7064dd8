import { coupledL2 } from '../transforms/addL2.js'
import { chain, type ChainState } from '../core/chain.js'
import {
  booleanRule,
  closedUnit,
  hyperRule,
  nonNegative,
  numberRule,
  resolveOptions,
  unitInterval,
} from '../core/options.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import { trace } from '../transforms/trace.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation, Optimizer } from '../core/transform.js'

/** Options of {@link sgd}. Defaults are PyTorch's. */
export interface SgdOptions {
  /** η. Default 1e-3. */
  learningRate?: Hyper
  /** μ. Default 0 (plain gradient descent). */
  momentum?: number
  /** τ. Default 0. */
  dampening?: number
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov?: boolean
  /** Coupled L2 weight decay λ (g ← g + λθ). Default 0. */
  weightDecay?: Hyper
}

/**
 * Stochastic gradient descent, θ ← θ − η u, with u from {@link trace} when momentum is on:
 * `chain(addL2(weightDecay)?, trace({ momentum, dampening, nesterov })?, scaleByLearningRate(η))`.
 *
 * Defaults: learningRate 1e-3, momentum 0, dampening 0, nesterov false, weightDecay 0.
 *
 * @see https://pytorch.org/docs/stable/generated/torch.optim.SGD.html
 * @throws Error `sgd: nesterov needs momentum > 0 and dampening 0, got momentum 0 and dampening 0`.
 * @example
 * ```ts
 * import { sgd } from '@gd/optimizers'
 * const opt = sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true })
 * ```
 */
export function sgd(options?: SgdOptions): Optimizer<ChainState> {
  const fn = 'sgd'
  const o = resolveOptions(
    fn,
    options,
    { learningRate: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
    {
      learningRate: hyperRule(nonNegative),
      momentum: numberRule(unitInterval),
      dampening: numberRule(closedUnit),
      nesterov: booleanRule,
      weightDecay: hyperRule(nonNegative),
    },
  )
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    throw new Error(
      `${fn}: nesterov needs momentum > 0 and dampening 0, got momentum ${o.momentum} and dampening ${o.dampening}`,
    )
  }
  const links: GradientTransformation<any>[] = []
  if (o.weightDecay !== 0) links.push(coupledL2(o.weightDecay))
  if (o.momentum > 0) links.push(trace({ momentum: o.momentum, dampening: o.dampening, nesterov: o.nesterov }))
  links.push(scaleByLearningRate(o.learningRate))
  return chain(...links)
}
