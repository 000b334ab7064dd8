import { coupledL2 } from '../transforms/addL2.js'
import { chain, type ChainState } from '../core/chain.js'
import { hyperRule, nonNegative, numberRule, positive, resolveOptions, unitInterval } from '../core/options.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import { scaleByRadam } from '../transforms/scaleByRadam.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation, Optimizer } from '../core/transform.js'

/** Options of {@link radam}. Defaults are PyTorch's. */
export interface RadamOptions {
  /** Default 1e-3. */
  learningRate?: Hyper
  beta1?: number
  beta2?: number
  eps?: number
  /** Coupled L2. Default 0. */
  weightDecay?: Hyper
}

/**
 * RAdam (Liu et al.): Adam whose adaptive step is switched on and rectified once the variance of
 * the adaptive rate is tractable (see {@link scaleByRadam});
 * `chain(addL2?, scaleByRadam, scaleByLearningRate)`.
 *
 * @see https://arxiv.org/abs/1908.03265
 * @throws Error `radam: eps must be > 0, got 0`.
 * @example
 * ```ts
 * import { radam } from '@gd/optimizers'
 * const opt = radam({ learningRate: 1e-3 })
 * ```
 */
export function radam(options?: RadamOptions): Optimizer<ChainState> {
  const o = resolveOptions(
    'radam',
    options,
    { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
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
  links.push(scaleByRadam({ beta1: o.beta1, beta2: o.beta2, eps: o.eps }), scaleByLearningRate(o.learningRate))
  return chain(...links)
}
