import { buffersLike, bufferSizes, type FloatArray } from '../core/leaves.js'
import { elementwise } from '../core/elementwise.js'
import { numberRule, positive, resolveOptions, unitInterval } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'

/** Options of {@link scaleByRadam}. PyTorch's defaults. */
export interface ScaleByRadamOptions {
  beta1?: number
  beta2?: number
  eps?: number
  /** Rectify only when ρₜ exceeds this. Default 5. */
  threshold?: number
}

/** State of {@link scaleByRadam}: Adam's. */
export interface RadamState {
  readonly count: number
  readonly mu: FloatArray[]
  readonly nu: FloatArray[]
}

/**
 * Rectified Adam (Liu et al., Algorithm 2), as PyTorch's `RAdam`:
 *
 * ```
 * m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,   m̂ = m / (1 − β₁ᵗ)
 * ρ∞ = 2 / (1 − β₂) − 1,   ρₜ = ρ∞ − 2 t β₂ᵗ / (1 − β₂ᵗ)
 * if ρₜ > 5:  r = √((ρₜ − 4)(ρₜ − 2) ρ∞ / ((ρ∞ − 4)(ρ∞ − 2) ρₜ)),
 *             u = m̂ · r · √(1 − β₂ᵗ) / (√v + eps)
 * else:       u = m̂
 * ```
 *
 * @see https://arxiv.org/abs/1908.03265
 * @example
 * ```ts
 * import { chain, scaleByRadam, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(scaleByRadam(), scaleByLearningRate(1e-3))
 * ```
 */
export function scaleByRadam(options?: ScaleByRadamOptions): GradientTransformation<RadamState> {
  const fn = 'scaleByRadam'
  const o = resolveOptions(
    fn,
    options,
    { beta1: 0.9, beta2: 0.999, eps: 1e-8, threshold: 5 },
    {
      beta1: numberRule(unitInterval),
      beta2: numberRule(unitInterval),
      eps: numberRule(positive),
      threshold: numberRule({ min: 4, minOpen: true }),
    },
  )
  const { beta1: b1, beta2: b2, eps } = o
  const rhoInf = 2 / (1 - b2) - 1
  return elementwise<RadamState>(
    fn,
    (params) => ({ count: 0, mu: buffersLike(fn, params), nu: buffersLike(fn, params) }),
    (state) => {
      const t = state.count + 1
      const bc1 = 1 - b1 ** t
      const bc2 = 1 - b2 ** t
      const rho = rhoInf - (2 * t * b2 ** t) / bc2
      const rectify = rho > o.threshold
      const r = rectify ? Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho)) : 0
      const adaptive = r * Math.sqrt(bc2)
      return {
        state: { ...state, count: t },
        kernel: (k, g, out, base, factor) =>
          radamLoop(g, state.mu[k]!, state.nu[k]!, out, base, factor, b1, b2, bc1, rectify, adaptive, eps),
      }
    },
    { sizes: (s) => bufferSizes(s.mu) },
  )
}

/** One leaf of RAdam. Top-level so V8 keeps it optimized. */
function radamLoop(
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  out: FloatArray,
  base: FloatArray | null,
  factor: number,
  b1: number,
  b2: number,
  bc1: number,
  rectify: boolean,
  adaptive: number,
  eps: number,
): void {
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!
    m[i] = b1 * m[i]! + (1 - b1) * gi
    v[i] = b2 * v[i]! + (1 - b2) * gi * gi
    const mHat = m[i]! / bc1
    const u = rectify ? (mHat * adaptive) / (Math.sqrt(v[i]!) + eps) : mHat
    out[i] = base === null ? u : base[i]! + factor * u
  }
}
