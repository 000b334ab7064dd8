import { buffersLike, bufferSizes, type FloatArray } from '../core/leaves.js'
import { elementwise } from '../core/elementwise.js'
import { nonNegative, numberRule, positive, resolveOptions } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'

/** Options of {@link scaleByAdagrad}. PyTorch's defaults. */
export interface ScaleByAdagradOptions {
  /** Starting value of the sum of squares. Default 0 (Optax: 0.1). */
  initialAccumulatorValue?: number
  /** Outside the square root. Default 1e-10 (Optax: 1e-7). */
  eps?: number
}

/** State of {@link scaleByAdagrad}: the running sum of g². */
export interface AdagradState {
  readonly sum: FloatArray[]
}

/**
 * Adagrad's scaling (Duchi, Hazan & Singer): s ← s + g²,  u = g / (√s + eps).
 *
 * @see https://jmlr.org/papers/v12/duchi11a.html
 * @example
 * ```ts
 * import { chain, scaleByAdagrad, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(scaleByAdagrad(), scaleByLearningRate(0.01))
 * ```
 */
export function scaleByAdagrad(options?: ScaleByAdagradOptions): GradientTransformation<AdagradState> {
  const fn = 'scaleByAdagrad'
  const o = resolveOptions(
    fn,
    options,
    { initialAccumulatorValue: 0, eps: 1e-10 },
    {
      initialAccumulatorValue: numberRule(nonNegative),
      eps: numberRule(positive),
    },
  )
  return elementwise<AdagradState>(
    fn,
    (params) => ({ sum: buffersLike(fn, params, o.initialAccumulatorValue) }),
    (state) => ({
      state,
      kernel: (k, g, out, base, factor) => adagradLoop(g, state.sum[k]!, out, base, factor, o.eps),
    }),
    { sizes: (s) => bufferSizes(s.sum) },
  )
}

/** One leaf of Adagrad's scaling. Top-level so V8 keeps it optimized. */
function adagradLoop(
  g: FloatArray,
  s: FloatArray,
  out: FloatArray,
  base: FloatArray | null,
  factor: number,
  eps: number,
): void {
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!
    s[i] = s[i]! + gi * gi
    const u = gi / (Math.sqrt(s[i]!) + eps)
    out[i] = base === null ? u : base[i]! + factor * u
  }
}
