import { chain, type ChainState } from '../core/chain.js'
import { elementwise } from '../core/elementwise.js'
import { buffersLike, bufferSizes, type FloatArray } from '../core/leaves.js'
import { numberRule, positive, resolveOptions } from '../core/options.js'
import { scale } from '../transforms/scale.js'
import type { GradientTransformation, Optimizer } from '../core/transform.js'

/** Options of {@link rprop}. Defaults are PyTorch's. */
export interface RpropOptions {
  /** Initial step size of every element. Default 0.01. */
  learningRate?: number
  /** Step shrink factor on a sign change, in (0, 1). Default 0.5. */
  etaMinus?: number
  /** Step growth factor while the sign holds, > 1. Default 1.2. */
  etaPlus?: number
  /** Default 1e-6. */
  stepSizeMin?: number
  /** Default 50. */
  stepSizeMax?: number
}

/** State of {@link scaleByRprop}: the previous (masked) gradient and each element's step size. */
export interface RpropState {
  readonly prev: FloatArray[]
  readonly step: FloatArray[]
}

/**
 * Rprop's step (Riedmiller & Braun; iRprop− as PyTorch), giving the magnitude of the move; the
 * gradient only gives its sign:
 *
 * ```
 * s = g · g_prev
 * s > 0: Δ ← min(Δ η₊, Δmax)     s < 0: Δ ← max(Δ η₋, Δmin), g ← 0     s = 0: Δ kept
 * u = sign(g) · Δ,   g_prev ← g
 * ```
 *
 * @see https://doi.org/10.1109/ICNN.1993.298623
 * @example
 * ```ts
 * import { chain, scale, scaleByRprop } from '@gd/optimizers'
 * const opt = chain(scaleByRprop(), scale(-1))
 * ```
 */
export function scaleByRprop(options?: RpropOptions): GradientTransformation<RpropState> {
  const fn = 'scaleByRprop'
  const o = resolveOptions(
    fn,
    options,
    { learningRate: 0.01, etaMinus: 0.5, etaPlus: 1.2, stepSizeMin: 1e-6, stepSizeMax: 50 },
    {
      learningRate: numberRule(positive),
      etaMinus: numberRule({ min: 0, max: 1, minOpen: true, maxOpen: true }),
      etaPlus: numberRule({ min: 1, minOpen: true }),
      stepSizeMin: numberRule({ min: 0 }),
      stepSizeMax: numberRule(positive),
    },
  )
  if (o.stepSizeMin > o.stepSizeMax) {
    throw new Error(`${fn}: stepSizeMin must be <= stepSizeMax, got ${o.stepSizeMin} > ${o.stepSizeMax}`)
  }
  return elementwise<RpropState>(
    fn,
    (params) => ({ prev: buffersLike(fn, params), step: buffersLike(fn, params, o.learningRate) }),
    (state) => ({
      state,
      kernel: (k, g, out, base, factor) =>
        rpropLoop(
          g,
          state.prev[k]!,
          state.step[k]!,
          out,
          base,
          factor,
          o.etaPlus,
          o.etaMinus,
          o.stepSizeMin,
          o.stepSizeMax,
        ),
    }),
    { sizes: (s) => bufferSizes(s.prev) },
  )
}

/**
 * Rprop: full-batch, sign-based, with per-element step sizes (see {@link scaleByRprop});
 * `chain(scaleByRprop(options), scale(-1))`. The learning rate is the initial step size, so it
 * takes no schedule.
 *
 * @see https://doi.org/10.1109/ICNN.1993.298623
 * @throws Error `rprop: etaPlus must be > 1, got 0.9`.
 * @example
 * ```ts
 * import { rprop } from '@gd/optimizers'
 * const opt = rprop({ learningRate: 0.01 })
 * ```
 */
export function rprop(options?: RpropOptions): Optimizer<ChainState> {
  try {
    return chain(scaleByRprop(options), scale(-1))
  } catch (e) {
    throw new Error(String((e as Error).message).replace(/^scaleByRprop:/, 'rprop:'))
  }
}

/** One leaf of Rprop. Top-level so V8 keeps it optimized. */
function rpropLoop(
  g: FloatArray,
  prev: FloatArray,
  step: FloatArray,
  out: FloatArray,
  base: FloatArray | null,
  factor: number,
  etaPlus: number,
  etaMinus: number,
  min: number,
  max: number,
): void {
  for (let i = 0; i < g.length; i++) {
    let gi = g[i]!
    const s = gi * prev[i]!
    if (s > 0) step[i] = Math.min(step[i]! * etaPlus, max)
    else if (s < 0) {
      step[i] = Math.max(step[i]! * etaMinus, min)
      gi = 0
    }
    prev[i] = gi
    const u = Math.sign(gi) * step[i]!
    out[i] = base === null ? u : base[i]! + factor * u
  }
}
