import { chain, type ChainState } from './chain.js'
import { hyper, nonNegative, num, resolveOptions, unitInterval } from './options.js'
import { scaleByLearningRate } from './scaleByLearningRate.js'
import { scaleBySign } from './scaleBySign.js'
import { trace } from './trace.js'
import type { Hyper } from './hyper.js'
import type { GradientTransformation, Optimizer } from './transform.js'

/** Options of {@link signSgd}. */
export interface SignSgdOptions {
  /** Default 1e-3. */
  learningRate?: Hyper
  /** β of Signum's momentum m ← β m + (1 − β) g. Default 0 (plain signSGD). */
  momentum?: number
}

/**
 * signSGD and Signum (Bernstein et al., Algorithms 1 and 2): θ ← θ − η sign(m), with m = g or its
 * moving average; `chain(trace({ momentum, dampening: momentum })?, scaleBySign, scaleByLearningRate)`.
 * (The trace starts at m = g rather than (1 − β) g; the sign is the same.)
 *
 * @see https://arxiv.org/abs/1802.04434
 * @throws Error `signSgd: momentum must be in [0, 1), got 1`.
 * @example
 * ```ts
 * import { signSgd } from '@gd/optimizers'
 * const signum = signSgd({ learningRate: 1e-3, momentum: 0.9 })
 * ```
 */
export function signSgd(options?: SignSgdOptions): Optimizer<ChainState> {
  const o = resolveOptions('signSgd', options, { learningRate: 1e-3, momentum: 0 }, {
    learningRate: hyper(nonNegative),
    momentum: num(unitInterval),
  })
  const links: GradientTransformation<any>[] = []
  if (o.momentum > 0) links.push(trace({ momentum: o.momentum, dampening: o.momentum }))
  links.push(scaleBySign(), scaleByLearningRate(o.learningRate))
  return chain(...links)
}
