import { buffersLike, sizes, type FloatArray } from './leaves.js'
import { elementwise } from './elementwise.js'
import { num, positive, nonNegative, resolveOptions, unitInterval } from './options.js'
import type { GradientTransformation } from './transform.js'

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
 * import { adamDefaults } from '@gd/optimizers'
 * adamDefaults.beta2 // 0.999
 * ```
 */
export const adamDefaults = { beta1: 0.9, beta2: 0.999, eps: 1e-8, epsRoot: 0 }

/**
 * The Adam family's moment option rules: betas in [0, 1), eps > 0, epsRoot >= 0.
 *
 * @example
 * ```ts
 * import { adamDefaults, adamRules, resolveOptions } from '@gd/optimizers'
 * resolveOptions('myAdam', { beta1: 0.8 }, adamDefaults, adamRules).beta1 // 0.8
 * ```
 */
export const adamRules = {
  beta1: num(unitInterval),
  beta2: num(unitInterval),
  eps: num(positive),
  epsRoot: num(nonNegative),
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
  const fn = 'scaleByAdam'
  const { beta1: b1, beta2: b2, eps, epsRoot } = resolveOptions(fn, options, adamDefaults, adamRules)
  return elementwise<AdamState>(
    fn,
    (params) => ({ count: 0, mu: buffersLike(fn, params), nu: buffersLike(fn, params) }),
    (state) => {
      const t = state.count + 1
      const c1 = 1 / (1 - b1 ** t)
      const c2 = 1 / (1 - b2 ** t)
      const next = { count: t, mu: state.mu, nu: state.nu }
      return {
        state: next,
        kernel: (k, g, out, base, factor) => {
          if (base === null) adamUpdate(g, state.mu[k]!, state.nu[k]!, out, b1, b2, c1, c2, eps, epsRoot)
          else adamApply(g, state.mu[k]!, state.nu[k]!, base, factor, b1, b2, c1, c2, eps, epsRoot)
        },
      }
    },
    { sizes: (s) => sizes(s.mu) },
  )
}

// The loops live in top-level functions, one per purpose, so V8 compiles each once and keeps the
// optimized code across steps (a loop inside a per-step closure runs ~2x slower). A WebAssembly
// SIMD kernel can replace these two functions without touching the rest.

/** u = m̂ / (√(v̂ + epsRoot) + eps), updating m and v in place. */
function adamUpdate(
  g: FloatArray, m: FloatArray, v: FloatArray, out: FloatArray,
  b1: number, b2: number, c1: number, c2: number, eps: number, epsRoot: number,
): void {
  const a1 = 1 - b1
  const a2 = 1 - b2
  const n = g.length
  for (let i = 0; i < n; i++) {
    const gi = g[i]!
    const mi = b1 * m[i]! + a1 * gi
    const vi = b2 * v[i]! + a2 * gi * gi
    m[i] = mi
    v[i] = vi
    out[i] = (mi * c1) / (Math.sqrt(vi * c2 + epsRoot) + eps)
  }
}

/** θ ← θ + factor · u, the fused step (factor = −η when followed by the learning rate). */
function adamApply(
  g: FloatArray, m: FloatArray, v: FloatArray, p: FloatArray, factor: number,
  b1: number, b2: number, c1: number, c2: number, eps: number, epsRoot: number,
): void {
  const a1 = 1 - b1
  const a2 = 1 - b2
  const n = g.length
  for (let i = 0; i < n; i++) {
    const gi = g[i]!
    const mi = b1 * m[i]! + a1 * gi
    const vi = b2 * v[i]! + a2 * gi * gi
    m[i] = mi
    v[i] = vi
    p[i] = p[i]! + factor * ((mi * c1) / (Math.sqrt(vi * c2 + epsRoot) + eps))
  }
}
