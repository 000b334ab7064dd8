import { buffersLike, sizes, type FloatArray } from './leaves.js'
import { elementwise } from './elementwise.js'
import { resolveOptions } from './options.js'
import { adamDefaults, adamRules, type ScaleByAdamOptions } from './scaleByAdam.js'
import type { GradientTransformation } from './transform.js'

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
 * in the first steps.
 *
 * @see https://openreview.net/forum?id=ryQu7f-RZ
 * @example
 * ```ts
 * import { chain, scaleByAmsgrad, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(scaleByAmsgrad(), scaleByLearningRate(1e-3))
 * ```
 */
export function scaleByAmsgrad(options?: ScaleByAdamOptions): GradientTransformation<AmsgradState> {
  const fn = 'scaleByAmsgrad'
  const { beta1: b1, beta2: b2, eps, epsRoot } = resolveOptions(fn, options, adamDefaults, adamRules)
  return elementwise<AmsgradState>(
    fn,
    (params) => ({
      count: 0,
      mu: buffersLike(fn, params),
      nu: buffersLike(fn, params),
      nuMax: buffersLike(fn, params),
    }),
    (state) => {
      const t = state.count + 1
      const c1 = 1 / (1 - b1 ** t)
      const c2 = 1 / (1 - b2 ** t)
      return {
        state: { ...state, count: t },
        kernel: (k, g, out, base, factor) =>
          amsgradLoop(g, state.mu[k]!, state.nu[k]!, state.nuMax[k]!, out, base, factor, b1, b2, c1, c2, eps, epsRoot),
      }
    },
    { sizes: (s) => sizes(s.mu) },
  )
}

/** One leaf of AMSGrad: out = u, or out = base + factor · u (fused). Top-level so V8 keeps it optimized. */
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
