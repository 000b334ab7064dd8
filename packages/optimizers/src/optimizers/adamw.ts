import { addDecayedWeights } from '../transforms/addDecayedWeights.js'
import { chain, type ChainState } from '../core/chain.js'
import { anyRule, resolveOptions } from '../core/options.js'
import { adamOptionRules } from './adam.js'
import { adamDefaults, scaleByAdam } from '../transforms/scaleByAdam.js'
import { scaleByAmsgrad } from '../transforms/scaleByAmsgrad.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import type { Hyper } from '../core/hyper.js'
import type { Mask } from '../core/mask.js'
import type { Optimizer } from '../core/transform.js'

/** Options of {@link adamw}. Defaults are PyTorch's. */
export interface AdamwOptions {
  /** Default 1e-3. */
  learningRate?: Hyper
  beta1?: number
  beta2?: number
  eps?: number
  epsRoot?: number
  /** Decoupled decay λ. Default 0.01 (Optax: 1e-4). */
  weightDecay?: Hyper
  amsgrad?: boolean
  /** Which parameters decay. Default: all. */
  mask?: Mask
}

/**
 * AdamW (Loshchilov & Hutter, Algorithm 2): Adam with decoupled weight decay,
 * θ ← θ − η (m̂ / (√v̂ + ε) + λ θ), i.e.
 * `chain(scaleByAdam, addDecayedWeights({ weightDecay, mask }), scaleByLearningRate(η))`.
 *
 * Defaults: learningRate 1e-3, beta1 0.9, beta2 0.999, eps 1e-8, weightDecay 0.01.
 *
 * @see https://arxiv.org/abs/1711.05101
 * @throws Error `adamw: weightDecay must be >= 0 (or a schedule), got -0.1`.
 * @example
 * ```ts
 * import { adamw } from '@gd/optimizers'
 * const opt = adamw({ learningRate: 3e-4, weightDecay: 0.05, mask: { w: true, b: false } })
 * ```
 */
export function adamw(options?: AdamwOptions): Optimizer<ChainState> {
  const o = resolveOptions(
    'adamw',
    options,
    { learningRate: 1e-3, ...adamDefaults, weightDecay: 0.01, amsgrad: false, mask: true },
    { ...adamOptionRules, mask: anyRule },
  )
  const { beta1, beta2, eps, epsRoot } = o
  return chain(
    (o.amsgrad ? scaleByAmsgrad : scaleByAdam)({ beta1, beta2, eps, epsRoot }),
    addDecayedWeights({ weightDecay: o.weightDecay, mask: o.mask }),
    scaleByLearningRate(o.learningRate),
  )
}
