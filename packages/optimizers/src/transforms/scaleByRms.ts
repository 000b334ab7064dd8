import { fusedKernels } from '@gd/tensor'
import { buffersLike, bufferSizes, type FloatArray } from '../core/leaves.js'
import { elementwise } from '../core/elementwise.js'
import { booleanRule, nonNegative, numberRule, positive, resolveOptions, unitInterval } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'

/** Options of {@link scaleByRms}. PyTorch's RMSprop defaults and names. */
export interface ScaleByRmsOptions {
  /** α, decay of the mean square (Optax calls it `decay`). Default 0.99. */
  alpha?: number
  /** Outside the square root. Default 1e-8. */
  eps?: number
  /** Divide by an estimate of the variance instead of the raw second moment. Default false. */
  centered?: boolean
  /** Initial value of the mean square (PyTorch: 0; Optax: `initial_scale`). Default 0. */
  initialScale?: number
}

/** State of {@link scaleByRms}: mean square and (centered) mean of g. */
export interface RmsState {
  readonly nu: FloatArray[]
  readonly mu: FloatArray[]
}

/**
 * RMSprop's scaling (Hinton's lecture 6e), as PyTorch's `RMSprop` documents it:
 *
 * ```
 * v ← α v + (1 − α) g²
 * ḡ ← α ḡ + (1 − α) g                       (centered only)
 * u = g / (√(v − ḡ²) + eps)   (centered)    or   g / (√v + eps)
 * ```
 *
 * Optax's `scale_by_rms` puts eps inside the root; PyTorch's placement is used here.
 *
 * Speed: float32 leaves of 96 elements or more run a WebAssembly SIMD128 loop once @gd/tensor has
 * loaded Wasm (see `fusedKernels` there); results then differ in the last float32 bits.
 *
 * @see https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf
 * @example
 * ```ts
 * import { chain, scaleByRms, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(scaleByRms({ centered: true }), scaleByLearningRate(0.01))
 * ```
 */
export function scaleByRms(options?: ScaleByRmsOptions): GradientTransformation<RmsState> {
  const fn = 'scaleByRms'
  const o = resolveOptions(
    fn,
    options,
    { alpha: 0.99, eps: 1e-8, centered: false, initialScale: 0 },
    {
      alpha: numberRule(unitInterval),
      eps: numberRule(positive),
      centered: booleanRule,
      initialScale: numberRule(nonNegative),
    },
  )
  const { alpha: a, eps, centered } = o
  return elementwise<RmsState>(
    fn,
    (params) => ({
      nu: buffersLike(fn, params, o.initialScale),
      mu: centered ? buffersLike(fn, params) : [],
    }),
    (state) => ({
      state,
      kernel: (k, g, out, base, factor) => {
        const v = state.nu[k]!
        const m = state.mu[k] ?? null
        if (fusedKernels()?.rms(g, v, m, out, base !== null, factor, a, eps)) return
        rmsLoop(g, v, m, out, base, factor, a, eps)
      },
    }),
    { sizes: (s) => bufferSizes(s.nu) },
  )
}

/**
 * One leaf of RMSprop's scaling (m = null when not centered). Top-level so V8 keeps it optimized.
 * Float32 leaves of 96 elements or more run @gd/tensor's WebAssembly kernel instead when it is
 * loaded (`fusedKernels`).
 */
function rmsLoop(
  g: FloatArray,
  v: FloatArray,
  m: FloatArray | null,
  out: FloatArray,
  base: FloatArray | null,
  factor: number,
  a: number,
  eps: number,
): void {
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!
    v[i] = a * v[i]! + (1 - a) * gi * gi
    let ms = v[i]!
    if (m !== null) {
      m[i] = a * m[i]! + (1 - a) * gi
      ms -= m[i]! * m[i]!
    }
    const u = gi / (Math.sqrt(ms) + eps)
    out[i] = base === null ? u : base[i]! + factor * u
  }
}
