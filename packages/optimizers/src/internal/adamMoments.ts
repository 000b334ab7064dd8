import { fusedKernels } from '@gd/tensor'
import { elementwise } from '../core/elementwise.js'
import { buffersLike, bufferSizes, type FloatArray } from '../core/leaves.js'
import type { GradientTransformation } from '../core/transform.js'

// Adam's and AMSGrad's moment updates (the rules are in the TSDoc of scaleByAdam and scaleByAmsgrad),
// in one builder so that `adam` alone bundles one transform, not two.

/** Adam's state: step count and moment buffers (one per leaf), plus AMSGrad's running maximum of v. */
export interface Moments {
  readonly count: number
  readonly mu: FloatArray[]
  readonly nu: FloatArray[]
  readonly nuMax?: FloatArray[]
}

/**
 * The moment scaling behind `scaleByAdam` (`amsgrad` false) and `scaleByAmsgrad` (true: the state
 * also holds `nuMax`), for options already checked; `fn` names it in messages. `adam` and `adamw`
 * check their own options and build their link with it directly.
 */
export function adamMoments(
  fn: string,
  o: { readonly beta1: number; readonly beta2: number; readonly eps: number; readonly epsRoot: number },
  amsgrad: boolean,
): GradientTransformation<Moments> {
  const { beta1: b1, beta2: b2, eps, epsRoot } = o
  return elementwise<Moments>(
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
        // a method, not a named arrow: a source run through tsx (esbuild's keepNames) renames each named
        // closure with a defineProperty, here once a step
        kernel(k, g, out, base, factor) {
          const m = state.mu[k]!
          const v = state.nu[k]!
          if (amsgrad) return amsgradLoop(g, m, v, state.nuMax![k]!, out, base, factor, b1, b2, c1, c2, eps, epsRoot)
          if (fusedKernels()?.adam(g, m, v, out, base !== null, factor, b1, b2, c1, c2, eps, epsRoot)) return
          if (base === null) adamUpdate(g, m, v, out, b1, b2, c1, c2, eps, epsRoot)
          else adamApply(g, m, v, base, factor, b1, b2, c1, c2, eps, epsRoot)
        },
      }
    },
    { sizes: (s) => bufferSizes(s.mu) },
  )
}

// The loops live in top-level functions, one per purpose, so V8 compiles each once and keeps the
// optimized code across steps (a loop inside a per-step closure runs ~2x slower). Float32 leaves of
// 96 elements or more run @gd/tensor's WebAssembly SIMD kernel instead when it is loaded (see
// `fusedKernels`): same formula in float32, so the last bits may differ from these loops.

/** u = m̂ / (√(v̂ + epsRoot) + eps), updating m and v in place. */
function adamUpdate(
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  out: FloatArray,
  b1: number,
  b2: number,
  c1: number,
  c2: number,
  eps: number,
  epsRoot: number,
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
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  p: FloatArray,
  factor: number,
  b1: number,
  b2: number,
  c1: number,
  c2: number,
  eps: number,
  epsRoot: number,
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
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  vmax: FloatArray,
  out: FloatArray,
  base: FloatArray | null,
  factor: number,
  b1: number,
  b2: number,
  c1: number,
  c2: number,
  eps: number,
  epsRoot: number,
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
