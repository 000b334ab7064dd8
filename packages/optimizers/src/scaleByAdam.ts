import { fusedKernels } from '@gd/tensor'
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

/**
 * The moment scaling behind {@link scaleByAdam} (`amsgrad` false) and `scaleByAmsgrad` (true, the
 * state then also holds `nuMax`), for options already checked; `fn` names it in messages. Named
 * optimizers that check their own options (`adam`, `adamw`) build their link with it.
 *
 * @example
 * ```ts
 * import { adamDefaults, adamMoments } from '@gd/optimizers'
 * const amsgrad = adamMoments('scaleByAmsgrad', { ...adamDefaults, beta2: 0.99 }, true)
 * ```
 */
export function adamMoments(
  fn: string,
  o: Required<ScaleByAdamOptions>,
  amsgrad: boolean,
): GradientTransformation<AdamState & { readonly nuMax?: FloatArray[] }> {
  const { beta1: b1, beta2: b2, eps, epsRoot } = o
  return elementwise<AdamState & { readonly nuMax?: FloatArray[] }>(
    fn,
    (params) => {
      const s = { count: 0, mu: buffersLike(fn, params), nu: buffersLike(fn, params) }
      return amsgrad ? { ...s, nuMax: buffersLike(fn, params) } : s
    },
    (state) => {
      const t = state.count + 1
      const c1 = 1 / (1 - b1 ** t)
      const c2 = 1 / (1 - b2 ** t)
      return {
        state: { ...state, count: t },
        kernel: (k, g, out, base, factor) => {
          const m = state.mu[k]!
          const v = state.nu[k]!
          if (amsgrad) return amsgradLoop(g, m, v, state.nuMax![k]!, out, base, factor, b1, b2, c1, c2, eps, epsRoot)
          if (fusedKernels()?.adam(g, m, v, out, base !== null, factor, b1, b2, c1, c2, eps, epsRoot)) return
          if (base === null) adamUpdate(g, m, v, out, b1, b2, c1, c2, eps, epsRoot)
          else adamApply(g, m, v, base, factor, b1, b2, c1, c2, eps, epsRoot)
        },
      }
    },
    { sizes: (s) => sizes(s.mu) },
  )
}

// The loops live in top-level functions, one per purpose, so V8 compiles each once and keeps the
// optimized code across steps (a loop inside a per-step closure runs ~2x slower). Float32 leaves of
// 96 elements or more run @gd/tensor's WebAssembly SIMD kernel instead when it is loaded (see
// `fusedKernels`): same formula in float32, so the last bits may differ from these loops.

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

/** One leaf of AMSGrad (see `scaleByAmsgrad`): out = u, or out = base + factor · u (fused). */
function amsgradLoop(
  g: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray, out: FloatArray, base: FloatArray | null, factor: number,
  b1: number, b2: number, c1: number, c2: number, eps: number, epsRoot: number,
): void {
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!
    m[i] = b1 * m[i]! + (1 - b1) * gi
    v[i] = b2 * v[i]! + (1 - b2) * gi * gi
    if (v[i]! > vmax[i]!) vmax[i] = v[i]!
    const u = (m[i]! * c1) / (Math.sqrt(vmax[i]! * c2 + epsRoot) + eps)
    out[i] = base === null ? u : base[i]! + factor * u
  }
}
