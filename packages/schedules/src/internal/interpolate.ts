// Interpolation between anchor values. Internal.
import { countAtOrBelow } from './search.js'

/** How a schedule moves between two anchor values: along a straight line or half a cosine. */
export type Interpolation = 'linear' | 'cosine'

export const interpolations: readonly Interpolation[] = ['linear', 'cosine']

/**
 * `start` at pct = 0, `end` at pct = 1, both returned exactly. In between, the two formulas are
 * written as PyTorch's OneCycleLR and Optax's piecewise_interpolate_schedule write them:
 * linear: (end − start)·pct + start; cosine: end + (start − end)/2 · (1 + cos(π·pct)).
 * (At pct = 0 the cosine formula can land an ulp off `start`; the anchors are exact here instead.)
 */
export function interpolate(kind: Interpolation, start: number, end: number, pct: number): number {
  if (pct <= 0) return start
  if (pct >= 1) return end
  if (kind === 'linear') return (end - start) * pct + start
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1)
}

/**
 * The value at `step` of the curve through the points (steps[i], values[i]): `steps` rise strictly
 * from 0 and end with Infinity, so the last value holds for good (its pct is 0 there).
 */
export function through(kind: Interpolation, steps: readonly number[], values: readonly number[], step: number): number {
  const i = countAtOrBelow(steps, step) - 1
  const start = steps[i]!
  return interpolate(kind, values[i]!, values[i + 1]!, (step - start) / (steps[i + 1]! - start))
}
