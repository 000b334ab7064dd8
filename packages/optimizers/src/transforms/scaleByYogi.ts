import { buffersLike, bufferSizes, type FloatArray } from '../core/leaves.js'
import { elementwise } from '../core/elementwise.js'
import { nonNegative, numberRule, positive, resolveOptions, unitInterval } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'

/** Options of {@link scaleByYogi}. The paper's defaults. */
export interface ScaleByYogiOptions {
  beta1?: number
  beta2?: number
  /** Default 1e-3. */
  eps?: number
  /** Starting value of v. Default 1e-6. */
  initialAccumulatorValue?: number
}

/** State of {@link scaleByYogi}: m and v. */
export interface YogiState {
  readonly mu: FloatArray[]
  readonly nu: FloatArray[]
}

/**
 * Yogi (Zaheer et al., NeurIPS 2018, Algorithm 2): v moves additively toward g², so it cannot
 * grow as fast as Adam's when gradients are rare:
 *
 * ```
 * m ← β₁ m + (1 − β₁) g
 * v ← v − (1 − β₂) sign(v − g²) g²
 * u = m / (√v + eps)
 * ```
 *
 * Without bias correction, as the paper and Optax.
 *
 * @see https://papers.nips.cc/paper/8186-adaptive-methods-for-nonconvex-optimization
 * @example
 * ```ts
 * import { chain, scaleByYogi, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(scaleByYogi(), scaleByLearningRate(1e-2))
 * ```
 */
export function scaleByYogi(options?: ScaleByYogiOptions): GradientTransformation<YogiState> {
  const fn = 'scaleByYogi'
  const o = resolveOptions(
    fn,
    options,
    { beta1: 0.9, beta2: 0.999, eps: 1e-3, initialAccumulatorValue: 1e-6 },
    {
      beta1: numberRule(unitInterval),
      beta2: numberRule(unitInterval),
      eps: numberRule(positive),
      initialAccumulatorValue: numberRule(nonNegative),
    },
  )
  const { beta1: b1, beta2: b2, eps } = o
  return elementwise<YogiState>(
    fn,
    (params) => ({ mu: buffersLike(fn, params), nu: buffersLike(fn, params, o.initialAccumulatorValue) }),
    (state) => ({
      state,
      kernel: (k, g, out, base, factor) => yogiLoop(g, state.mu[k]!, state.nu[k]!, out, base, factor, b1, b2, eps),
    }),
    { sizes: (s) => bufferSizes(s.mu) },
  )
}

/** One leaf of Yogi. Top-level so V8 keeps it optimized. */
function yogiLoop(
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  out: FloatArray,
  base: FloatArray | null,
  factor: number,
  b1: number,
  b2: number,
  eps: number,
): void {
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!
    const g2 = gi * gi
    m[i] = b1 * m[i]! + (1 - b1) * gi
    v[i] = v[i]! - (1 - b2) * Math.sign(v[i]! - g2) * g2
    const u = m[i]! / (Math.sqrt(v[i]!) + eps)
    out[i] = base === null ? u : base[i]! + factor * u
  }
}
