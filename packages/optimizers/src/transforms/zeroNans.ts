import { elementwise } from '../core/elementwise.js'
import type { FloatArray } from '../core/leaves.js'
import type { GradientTransformation } from '../core/transform.js'

/** State of {@link zeroNans}: per leaf, whether the last update held a NaN. */
export interface ZeroNansState {
  readonly foundNan: readonly boolean[]
}

/**
 * Replaces NaN elements of the updates with 0 and records, per leaf, whether any were found.
 * (±Infinity passes through; see {@link applyIfFinite} to skip such steps.)
 *
 * @example
 * ```ts
 * import { chain, zeroNans, sgd } from '@gd/optimizers'
 * const opt = chain(zeroNans(), sgd({ learningRate: 0.1 }))
 * ```
 */
export function zeroNans(): GradientTransformation<ZeroNansState> {
  return elementwise<ZeroNansState>(
    'zeroNans',
    () => ({ foundNan: [] }),
    () => {
      const found: boolean[] = []
      return {
        state: { foundNan: found },
        kernel: (k, g, out, base, factor) => {
          found[k] = zeroNansLoop(g, out, base, factor)
        },
      }
    },
  )
}

/** Copies g with NaN → 0 (fused: base + factor · u); true when a NaN was seen. Top-level so V8 keeps it optimized. */
function zeroNansLoop(g: FloatArray, out: FloatArray, base: FloatArray | null, factor: number): boolean {
  let any = false
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!
    const nan = gi !== gi
    any ||= nan
    const u = nan ? 0 : gi
    out[i] = base === null ? u : base[i]! + factor * u
  }
  return any
}
