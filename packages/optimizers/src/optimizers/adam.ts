import { coupledL2 } from '../transforms/addL2.js'
import { chain, type ChainState } from '../core/chain.js'
import { booleanRule, hyperRule, nonNegative, resolveOptions } from '../core/options.js'
import { adamDefaults, adamRules, scaleByAdam } from '../transforms/scaleByAdam.js'
import { scaleByAmsgrad } from '../transforms/scaleByAmsgrad.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation, Optimizer } from '../core/transform.js'

/** Options of {@link adam}. Defaults are PyTorch's. */
export interface AdamOptions {
  /** η, a number or a schedule. Default 1e-3. */
  learningRate?: Hyper
  /** Default 0.9. */
  beta1?: number
  /** Default 0.999. */
  beta2?: number
  /** Outside the square root. Default 1e-8. */
  eps?: number
  /** Inside the square root (Optax's `eps_root`). Default 0. */
  epsRoot?: number
  /** Coupled L2 weight decay (g ← g + λθ first), as PyTorch's Adam. Default 0. See {@link adamw}. */
  weightDecay?: Hyper
  /** Use AMSGrad's running maximum of v. Default false. */
  amsgrad?: boolean
}

/**
 * The option rules of {@link adam} (shared with {@link index.adamw | adamw}): learning rate and weight decay as
 * numbers or schedules, plus {@link adamRules} and `amsgrad`.
 *
 * @example
 * ```ts
 * import { adamOptionRules, resolveOptions } from '@gd/optimizers/extend'
 * Object.keys(adamOptionRules) // ['learningRate', 'beta1', 'beta2', 'eps', 'epsRoot', 'weightDecay', 'amsgrad']
 * ```
 */
export const adamOptionRules = {
  learningRate: hyperRule(nonNegative),
  ...adamRules,
  weightDecay: hyperRule(nonNegative),
  amsgrad: booleanRule,
}

/**
 * Adam (Kingma & Ba): θ ← θ − η m̂ / (√v̂ + ε), with m̂, v̂ the bias-corrected moving averages of g
 * and g² (see {@link scaleByAdam}). As a composition:
 * `chain(addL2(weightDecay)?, scaleByAdam | scaleByAmsgrad, scaleByLearningRate(learningRate))`.
 *
 * Defaults: learningRate 1e-3, beta1 0.9, beta2 0.999, eps 1e-8, weightDecay 0, amsgrad false.
 *
 * @see https://arxiv.org/abs/1412.6980
 * @throws Error `adam: beta1 must be in [0, 1), got 1.2`, `adam: unknown option lr, ...`.
 * @example
 * ```ts
 * import { adam } from '@gd/optimizers'
 * const opt = adam({ learningRate: 3e-4, amsgrad: true })
 * ```
 */
export function adam(options?: AdamOptions): Optimizer<ChainState> {
  const o = resolveOptions(
    'adam',
    options,
    { learningRate: 1e-3, ...adamDefaults, weightDecay: 0, amsgrad: false },
    adamOptionRules,
  )
  const { beta1, beta2, eps, epsRoot } = o
  const links: GradientTransformation<any>[] = o.weightDecay === 0 ? [] : [coupledL2(o.weightDecay)]
  links.push((o.amsgrad ? scaleByAmsgrad : scaleByAdam)({ beta1, beta2, eps, epsRoot }))
  links.push(scaleByLearningRate(o.learningRate))
  return chain(...links)
}
