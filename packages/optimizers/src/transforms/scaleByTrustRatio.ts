import { elementwise, type Kernel } from '../core/elementwise.js'
import { nonNegative, numberRule, positive, resolveOptions } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'

/** Options of {@link scaleByTrustRatio}. */
export interface ScaleByTrustRatioOptions {
  /** Multiplies the ratio (LARS's η). Default 1. */
  trustCoefficient?: number
  /** Added to the update's norm. Default 0. */
  eps?: number
  /** Norms below this count as this. Default 0. */
  minNorm?: number
}

/**
 * Layer-wise trust ratio (LARS, You et al.; LAMB): each leaf's update is rescaled by
 *
 * ```
 * r = c · ‖θ‖ / (‖u‖ + eps)     (r = 1 when either norm is 0)
 * u ← r · u
 * ```
 *
 * with ‖·‖ the Euclidean norm over the leaf, both floored at `minNorm` (as Optax).
 *
 * @see https://arxiv.org/abs/1708.03888
 * @see https://arxiv.org/abs/1904.00962
 * @example
 * ```ts
 * import { chain, scaleByAdam, scaleByTrustRatio, scaleByLearningRate } from '@gd/optimizers'
 * const lambLike = chain(scaleByAdam(), scaleByTrustRatio(), scaleByLearningRate(1e-3))
 * ```
 */
export function scaleByTrustRatio(options?: ScaleByTrustRatioOptions): GradientTransformation<Record<string, never>> {
  const fn = 'scaleByTrustRatio'
  const o = resolveOptions(
    fn,
    options,
    { trustCoefficient: 1, eps: 0, minNorm: 0 },
    {
      trustCoefficient: numberRule(positive),
      eps: numberRule(nonNegative),
      minNorm: numberRule(nonNegative),
    },
  )
  // created once, so V8 keeps its optimized loop across steps
  const kernel: Kernel = (k, g, out, base, factor, p) => {
    let pp = 0
    let uu = 0
    for (let i = 0; i < g.length; i++) {
      pp += p![i]! * p![i]!
      uu += g[i]! * g[i]!
    }
    const pNorm = Math.max(Math.sqrt(pp), o.minNorm)
    const uNorm = Math.max(Math.sqrt(uu), o.minNorm)
    const r = pNorm === 0 || uNorm === 0 ? 1 : (o.trustCoefficient * pNorm) / (uNorm + o.eps)
    for (let i = 0; i < g.length; i++) {
      const u = r * g[i]!
      out[i] = base === null ? u : base[i]! + factor * u
    }
  }
  return elementwise<Record<string, never>>(
    fn,
    () => ({}),
    (state) => ({ state, kernel }),
    { needsParams: true },
  )
}
