import { buffersLike, bufferSizes, type FloatArray } from '../core/leaves.js'
import { elementwise } from '../core/elementwise.js'
import { numberRule, resolveOptions, unitInterval } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'

/** Options of {@link scaleByLion}. The paper's defaults. */
export interface ScaleByLionOptions {
  /** Interpolation for the update's sign. Default 0.9. */
  beta1?: number
  /** Decay of the momentum. Default 0.99. */
  beta2?: number
}

/** State of {@link scaleByLion}: the momentum. */
export interface LionState {
  readonly mu: FloatArray[]
}

/**
 * Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms", Program 1):
 *
 * ```
 * u = sign(β₁ m + (1 − β₁) g)
 * m ← β₂ m + (1 − β₂) g
 * ```
 *
 * sign(0) = 0, so a zero gradient on zero momentum gives a zero update.
 *
 * @see https://arxiv.org/abs/2302.06675
 * @example
 * ```ts
 * import { chain, scaleByLion, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(scaleByLion(), scaleByLearningRate(1e-4))
 * ```
 */
export function scaleByLion(options?: ScaleByLionOptions): GradientTransformation<LionState> {
  const fn = 'scaleByLion'
  const { beta1: b1, beta2: b2 } = resolveOptions(
    fn,
    options,
    { beta1: 0.9, beta2: 0.99 },
    {
      beta1: numberRule(unitInterval),
      beta2: numberRule(unitInterval),
    },
  )
  return elementwise<LionState>(
    fn,
    (params) => ({ mu: buffersLike(fn, params) }),
    (state) => ({
      state,
      kernel: (k, g, out, base, factor) => lionLoop(g, state.mu[k]!, out, base, factor, b1, b2),
    }),
    { sizes: (s) => bufferSizes(s.mu) },
  )
}

/** One leaf of Lion. Top-level so V8 keeps it optimized. */
function lionLoop(
  g: FloatArray,
  m: FloatArray,
  out: FloatArray,
  base: FloatArray | null,
  factor: number,
  b1: number,
  b2: number,
): void {
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!
    const u = Math.sign(b1 * m[i]! + (1 - b1) * gi)
    m[i] = b2 * m[i]! + (1 - b2) * gi
    out[i] = base === null ? u : base[i]! + factor * u
  }
}
