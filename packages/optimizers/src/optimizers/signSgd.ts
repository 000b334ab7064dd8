import { chain, type ChainState } from '../core/chain.js'
import { hyperRule, nonNegative, numberRule, resolveOptions, unitInterval } from '../core/options.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import { scaleBySign } from '../transforms/scaleBySign.js'
import { trace } from '../transforms/trace.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation, Optimizer } from '../core/transform.js'

/** Options of {@link signSgd}. */
export interface SignSgdOptions {
  /** Default 1e-3. */
  learningRate?: Hyper
  /** β of Signum's momentum m ← β m + (1 − β) g (m₀ = 0). Default 0 (plain signSGD). */
  momentum?: number
}

/**
 * signSGD and Signum (Bernstein et al. 2018, Algorithms 1 and 2): θ ← θ − η sign(m), where m = g
 * (signSGD, `momentum` 0) or, for Signum, the moving average
 *
 * ```
 * m₀ = 0,   m ← β m + (1 − β) g
 * ```
 *
 * as in the paper (the buffer starts at 0, not at g; from the second step on the two differ in sign
 * when the gradient turns). As a composition:
 * `chain(trace({ momentum: β, dampening: β, startAtZero: true })?, scaleBySign(), scaleByLearningRate(η))`.
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
  const o = resolveOptions(
    'signSgd',
    options,
    { learningRate: 1e-3, momentum: 0 },
    {
      learningRate: hyperRule(nonNegative),
      momentum: numberRule(unitInterval),
    },
  )
  const links: GradientTransformation<any>[] = []
  const beta = o.momentum
  if (beta > 0) links.push(trace({ momentum: beta, dampening: beta, startAtZero: true }))
  links.push(scaleBySign(), scaleByLearningRate(o.learningRate))
  return chain(...links)
}
