import { buffersLike, bufferSizes, type FloatArray } from '../core/leaves.js'
import { elementwise } from '../core/elementwise.js'
import { closedUnit, numberRule, positive, resolveOptions } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'

/** Options of {@link scaleByAdadelta}. PyTorch's defaults. */
export interface ScaleByAdadeltaOptions {
  /** ρ, decay of both running averages. Default 0.9. */
  rho?: number
  /** Inside both square roots. Default 1e-6. */
  eps?: number
}

/** State of {@link scaleByAdadelta}: running means of g² and of Δ². */
export interface AdadeltaState {
  readonly squareAvg: FloatArray[]
  readonly deltaAvg: FloatArray[]
}

/**
 * Adadelta (Zeiler, Algorithm 1):
 *
 * ```
 * v ← ρ v + (1 − ρ) g²
 * Δ = √(a + eps) / √(v + eps) · g
 * a ← ρ a + (1 − ρ) Δ²
 * u = Δ
 * ```
 *
 * @see https://arxiv.org/abs/1212.5701
 * @example
 * ```ts
 * import { chain, scaleByAdadelta, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(scaleByAdadelta(), scaleByLearningRate(1))
 * ```
 */
export function scaleByAdadelta(options?: ScaleByAdadeltaOptions): GradientTransformation<AdadeltaState> {
  const fn = 'scaleByAdadelta'
  const { rho, eps } = resolveOptions(
    fn,
    options,
    { rho: 0.9, eps: 1e-6 },
    { rho: numberRule(closedUnit), eps: numberRule(positive) },
  )
  return elementwise<AdadeltaState>(
    fn,
    (params) => ({ squareAvg: buffersLike(fn, params), deltaAvg: buffersLike(fn, params) }),
    (state) => ({
      state,
      kernel: (k, g, out, base, factor) =>
        adadeltaLoop(g, state.squareAvg[k]!, state.deltaAvg[k]!, out, base, factor, rho, eps),
    }),
    { sizes: (s) => bufferSizes(s.squareAvg) },
  )
}

/** One leaf of Adadelta. Top-level so V8 keeps it optimized. */
function adadeltaLoop(
  g: FloatArray,
  v: FloatArray,
  a: FloatArray,
  out: FloatArray,
  base: FloatArray | null,
  factor: number,
  rho: number,
  eps: number,
): void {
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!
    v[i] = rho * v[i]! + (1 - rho) * gi * gi
    const delta = (Math.sqrt(a[i]! + eps) / Math.sqrt(v[i]! + eps)) * gi
    a[i] = rho * a[i]! + (1 - rho) * delta * delta
    out[i] = base === null ? delta : base[i]! + factor * delta
  }
}
