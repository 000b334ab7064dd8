import { coupledL2 } from '../transforms/addL2.js'
import { chain, type ChainState } from '../core/chain.js'
import { hyperRule, hyperAt, nonNegative, numberRule, positive, resolveOptions } from '../core/options.js'
import { scaleByAdagrad } from '../transforms/scaleByAdagrad.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation, Optimizer } from '../core/transform.js'

/** Options of {@link adagrad}. Defaults are PyTorch's. */
export interface AdagradOptions {
  /** Default 0.01. */
  learningRate?: Hyper
  /** η_k = η / (1 + k · lrDecay). Default 0. */
  lrDecay?: number
  /** Coupled L2. Default 0. */
  weightDecay?: Hyper
  /** Default 0. */
  initialAccumulatorValue?: number
  /** Default 1e-10. */
  eps?: number
}

/**
 * Adagrad (Duchi et al.), as PyTorch: s ← s + g², θ ← θ − η / (1 + k·lrDecay) · g / (√s + ε),
 * with k the number of earlier steps; `chain(addL2?, scaleByAdagrad, scaleByLearningRate)`.
 *
 * @see https://jmlr.org/papers/v12/duchi11a.html
 * @throws Error `adagrad: lrDecay must be >= 0, got -1`.
 * @example
 * ```ts
 * import { adagrad } from '@gd/optimizers'
 * const opt = adagrad({ learningRate: 0.1 })
 * ```
 */
export function adagrad(options?: AdagradOptions): Optimizer<ChainState> {
  const fn = 'adagrad'
  const o = resolveOptions(
    fn,
    options,
    { learningRate: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 },
    {
      learningRate: hyperRule(nonNegative),
      lrDecay: numberRule(nonNegative),
      weightDecay: hyperRule(nonNegative),
      initialAccumulatorValue: numberRule(nonNegative),
      eps: numberRule(positive),
    },
  )
  const lr = o.learningRate
  const decayed: Hyper =
    o.lrDecay === 0 ? lr : (k) => hyperAt(fn, 'learningRate', lr, k, nonNegative) / (1 + k * o.lrDecay)
  const links: GradientTransformation<any>[] = []
  if (o.weightDecay !== 0) links.push(coupledL2(o.weightDecay))
  links.push(scaleByAdagrad({ initialAccumulatorValue: o.initialAccumulatorValue, eps: o.eps }))
  links.push(scaleByLearningRate(decayed))
  return chain(...links)
}
