import { buffersLike, bufferSizes, type FloatArray } from '../core/leaves.js'
import { elementwise } from '../core/elementwise.js'
import { numberRule, positive, resolveOptions, unitInterval } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'

/** Options of {@link scaleByBelief}. The paper's defaults. */
export interface ScaleByBeliefOptions {
  beta1?: number
  beta2?: number
  /** Added to s every step and outside the root. Default 1e-16. */
  eps?: number
}

/** State of {@link scaleByBelief}: count, m and the "belief" s (variance of g around m). */
export interface BeliefState {
  readonly count: number
  readonly mu: FloatArray[]
  readonly nu: FloatArray[]
}

/**
 * AdaBelief (Zhuang et al., Algorithm 2): Adam with the second moment taken around the prediction m:
 *
 * ```
 * m ← β₁ m + (1 − β₁) g
 * s ← β₂ s + (1 − β₂)(g − m)² + eps
 * u = (m / (1 − β₁ᵗ)) / (√(s / (1 − β₂ᵗ)) + eps)
 * ```
 *
 * Optax's `scale_by_belief` adds `eps_root` (default 1e-16) in the same place.
 *
 * @see https://arxiv.org/abs/2010.07468
 * @example
 * ```ts
 * import { chain, scaleByBelief, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(scaleByBelief(), scaleByLearningRate(1e-3))
 * ```
 */
export function scaleByBelief(options?: ScaleByBeliefOptions): GradientTransformation<BeliefState> {
  const fn = 'scaleByBelief'
  const {
    beta1: b1,
    beta2: b2,
    eps,
  } = resolveOptions(
    fn,
    options,
    { beta1: 0.9, beta2: 0.999, eps: 1e-16 },
    {
      beta1: numberRule(unitInterval),
      beta2: numberRule(unitInterval),
      eps: numberRule(positive),
    },
  )
  return elementwise<BeliefState>(
    fn,
    (params) => ({ count: 0, mu: buffersLike(fn, params), nu: buffersLike(fn, params) }),
    (state) => {
      const t = state.count + 1
      const bc1 = 1 - b1 ** t
      const bc2 = 1 - b2 ** t
      return {
        state: { ...state, count: t },
        kernel: (k, g, out, base, factor) =>
          beliefLoop(g, state.mu[k]!, state.nu[k]!, out, base, factor, b1, b2, bc1, bc2, eps),
      }
    },
    { sizes: (s) => bufferSizes(s.mu) },
  )
}

/** One leaf of AdaBelief. Top-level so V8 keeps it optimized. */
function beliefLoop(
  g: FloatArray,
  m: FloatArray,
  s: FloatArray,
  out: FloatArray,
  base: FloatArray | null,
  factor: number,
  b1: number,
  b2: number,
  bc1: number,
  bc2: number,
  eps: number,
): void {
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!
    m[i] = b1 * m[i]! + (1 - b1) * gi
    const r = gi - m[i]!
    s[i] = b2 * s[i]! + (1 - b2) * r * r + eps
    const u = m[i]! / bc1 / (Math.sqrt(s[i]! / bc2) + eps)
    out[i] = base === null ? u : base[i]! + factor * u
  }
}
