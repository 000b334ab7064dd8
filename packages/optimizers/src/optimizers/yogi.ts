import { chain, type ChainState } from '../core/chain.js'
import { hyperRule, nonNegative, numberRule, positive, resolveOptions, unitInterval } from '../core/options.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import { scaleByYogi } from '../transforms/scaleByYogi.js'
import type { Hyper } from '../core/hyper.js'
import type { Optimizer } from '../core/transform.js'

/** Options of {@link yogi}. The paper's defaults. */
export interface YogiOptions {
  /** Default 1e-2. */
  learningRate?: Hyper
  beta1?: number
  beta2?: number
  /** Default 1e-3. */
  eps?: number
  /** Default 1e-6. */
  initialAccumulatorValue?: number
}

/**
 * Yogi (Zaheer et al.): θ ← θ − η m / (√v + ε) with the additive second-moment rule of
 * {@link scaleByYogi}; `chain(scaleByYogi, scaleByLearningRate)`.
 *
 * @see https://papers.nips.cc/paper/8186-adaptive-methods-for-nonconvex-optimization
 * @throws Error `yogi: eps must be > 0, got 0`.
 * @example
 * ```ts
 * import { yogi } from '@gd/optimizers'
 * const opt = yogi({ learningRate: 1e-2 })
 * ```
 */
export function yogi(options?: YogiOptions): Optimizer<ChainState> {
  const o = resolveOptions(
    'yogi',
    options,
    { learningRate: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-3, initialAccumulatorValue: 1e-6 },
    {
      learningRate: hyperRule(nonNegative),
      beta1: numberRule(unitInterval),
      beta2: numberRule(unitInterval),
      eps: numberRule(positive),
      initialAccumulatorValue: numberRule(nonNegative),
    },
  )
  return chain(
    scaleByYogi({ beta1: o.beta1, beta2: o.beta2, eps: o.eps, initialAccumulatorValue: o.initialAccumulatorValue }),
    scaleByLearningRate(o.learningRate),
  )
}
