import { adamMoments } from '../internal/adamMoments.js'
import type { FloatArray } from '../core/leaves.js'
import { numberRule, positive, nonNegative, resolveOptions, unitInterval } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'

/** Options of {@link scaleByAdam}. PyTorch's defaults. */
export interface ScaleByAdamOptions {
  /** Decay of the first moment (mean of g). Default 0.9. */
  beta1?: number
  /** Decay of the second moment (mean of g²). Default 0.999. */
  beta2?: number
  /** Added outside the square root, as PyTorch does. Default 1e-8. */
  eps?: number
  /** Added inside the square root (Optax's `eps_root`). Default 0. */
  epsRoot?: number
}

/** State of {@link scaleByAdam}: step count and the two moment buffers, one per leaf. */
export interface AdamState {
  readonly count: number
  readonly mu: FloatArray[]
  readonly nu: FloatArray[]
}

/**
 * The Adam family's moment defaults (PyTorch's).
 *
 * @example
 * ```ts
 * import { adamDefaults } from '@gd/optimizers/extend'
 * adamDefaults.beta2 // 0.999
 * ```
 */
export const adamDefaults = { beta1: 0.9, beta2: 0.999, eps: 1e-8, epsRoot: 0 }

/**
 * The Adam family's moment option rules: betas in [0, 1), eps > 0, epsRoot >= 0.
 *
 * @example
 * ```ts
 * import { adamDefaults, adamRules, resolveOptions } from '@gd/optimizers/extend'
 * resolveOptions('myAdam', { beta1: 0.8 }, adamDefaults, adamRules).beta1 // 0.8
 * ```
 */
export const adamRules = {
  beta1: numberRule(unitInterval),
  beta2: numberRule(unitInterval),
  eps: numberRule(positive),
  epsRoot: numberRule(nonNegative),
}

/**
 * Adam's per-parameter scaling (Kingma & Ba, Algorithm 1), at step t = k + 1:
 *
 * ```
 * m ← β₁ m + (1 − β₁) g
 * v ← β₂ v + (1 − β₂) g²
 * m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)
 * u = m̂ / (√(v̂ + epsRoot) + eps)
 * ```
 *
 * PyTorch puts eps outside the root (the default here); Optax's `scale_by_adam` also defaults to
 * that, and offers `eps_root` inside it, here `epsRoot`. Chain with {@link scaleByLearningRate}.
 * (The loops live in `internal/adamMoments.ts`, shared with `scaleByAmsgrad`, `adam` and `adamw`.)
 *
 * Speed: float32 leaves of 96 elements or more run a WebAssembly SIMD128 loop once @gd/tensor has
 * loaded Wasm (the first large float32 matmul, or `await initWasm()`); results then differ from the
 * JavaScript loop in the last float32 bits. `useWasm(false)` from @gd/tensor turns it off.
 *
 * @see https://arxiv.org/abs/1412.6980
 * @throws Error `scaleByAdam: beta1 must be in [0, 1), got 1.2` and the like.
 * @example
 * ```ts
 * import { chain, scaleByAdam, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(scaleByAdam({ beta2: 0.99 }), scaleByLearningRate(1e-3))
 * ```
 */
export function scaleByAdam(options?: ScaleByAdamOptions): GradientTransformation<AdamState> {
  return adamMoments('scaleByAdam', resolveOptions('scaleByAdam', options, adamDefaults, adamRules), false)
}
