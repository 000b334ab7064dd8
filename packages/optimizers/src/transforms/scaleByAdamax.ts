import { buffersLike, bufferSizes, type FloatArray } from '../core/leaves.js'
import { elementwise } from '../core/elementwise.js'
import { numberRule, positive, resolveOptions, unitInterval } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'

/** Options of {@link scaleByAdamax}. PyTorch's defaults. */
export interface ScaleByAdamaxOptions {
  /** Default 0.9. */
  beta1?: number
  /** Decay of the infinity norm. Default 0.999. */
  beta2?: number
  /** Default 1e-8. */
  eps?: number
}

/** State of {@link scaleByAdamax}: count, first moment and the exponentially weighted ∞-norm. */
export interface AdamaxState {
  readonly count: number
  readonly mu: FloatArray[]
  readonly norm: FloatArray[]
}

/**
 * Adamax (Kingma & Ba, §7.1), as PyTorch documents it:
 *
 * ```
 * m ← β₁ m + (1 − β₁) g
 * u∞ ← max(β₂ u∞, |g| + eps)
 * u = m / ((1 − β₁ᵗ) u∞)
 * ```
 *
 * Optax's `scale_by_adamax` takes max(β₂ u∞, |g|) and adds eps to the divisor instead.
 *
 * @see https://arxiv.org/abs/1412.6980
 * @example
 * ```ts
 * import { chain, scaleByAdamax, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(scaleByAdamax(), scaleByLearningRate(2e-3))
 * ```
 */
export function scaleByAdamax(options?: ScaleByAdamaxOptions): GradientTransformation<AdamaxState> {
  const fn = 'scaleByAdamax'
  const {
    beta1: b1,
    beta2: b2,
    eps,
  } = resolveOptions(
    fn,
    options,
    { beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    {
      beta1: numberRule(unitInterval),
      beta2: numberRule(unitInterval),
      eps: numberRule(positive),
    },
  )
  return elementwise<AdamaxState>(
    fn,
    (params) => ({ count: 0, mu: buffersLike(fn, params), norm: buffersLike(fn, params) }),
    (state) => {
      const t = state.count + 1
      const c1 = 1 / (1 - b1 ** t)
      return {
        state: { ...state, count: t },
        kernel: (k, g, out, base, factor) =>
          adamaxLoop(g, state.mu[k]!, state.norm[k]!, out, base, factor, b1, b2, c1, eps),
      }
    },
    { sizes: (s) => bufferSizes(s.mu) },
  )
}

/** One leaf of Adamax: out = u, or base + factor · u (fused). Top-level so V8 keeps it optimized. */
function adamaxLoop(
  g: FloatArray,
  m: FloatArray,
  w: FloatArray,
  out: FloatArray,
  base: FloatArray | null,
  factor: number,
  b1: number,
  b2: number,
  c1: number,
  eps: number,
): void {
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!
    m[i] = b1 * m[i]! + (1 - b1) * gi
    w[i] = Math.max(b2 * w[i]!, Math.abs(gi) + eps)
    const u = (m[i]! * c1) / w[i]!
    out[i] = base === null ? u : base[i]! + factor * u
  }
}
