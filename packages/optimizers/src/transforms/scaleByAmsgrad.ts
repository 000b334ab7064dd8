import type { FloatArray } from '../core/leaves.js'
import { resolveOptions } from '../core/options.js'
import { adamMoments } from '../internal/adamMoments.js'
import { adamDefaults, adamRules, type ScaleByAdamOptions } from './scaleByAdam.js'
import type { GradientTransformation } from '../core/transform.js'

/** State of {@link scaleByAmsgrad}: Adam's plus the running maximum of v. */
export interface AmsgradState {
  readonly count: number
  readonly mu: FloatArray[]
  readonly nu: FloatArray[]
  readonly nuMax: FloatArray[]
}

/**
 * AMSGrad (Reddi et al.), Adam with a non-decreasing second moment, as PyTorch's `amsgrad=True`:
 *
 * ```
 * m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,  v_max ← max(v_max, v)
 * u = (m / (1 − β₁ᵗ)) / (√(v_max / (1 − β₂ᵗ) + epsRoot) + eps)
 * ```
 *
 * Optax's `scale_by_amsgrad` takes the maximum of the bias-corrected v̂ instead; they differ only
 * in the first steps. (The loop lives beside Adam's, in `internal/adamMoments.ts`.)
 *
 * @see https://openreview.net/forum?id=ryQu7f-RZ
 * @example
 * ```ts
 * import { chain, scaleByAmsgrad, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(scaleByAmsgrad(), scaleByLearningRate(1e-3))
 * ```
 */
export function scaleByAmsgrad(options?: ScaleByAdamOptions): GradientTransformation<AmsgradState> {
  const o = resolveOptions('scaleByAmsgrad', options, adamDefaults, adamRules)
  return adamMoments('scaleByAmsgrad', o, true) as GradientTransformation<AmsgradState>
}
