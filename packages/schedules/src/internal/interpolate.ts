// Interpolation through anchor points. Internal.
import { countAtOrBelow } from './search.js'

/** How a schedule moves between two anchor values: along a straight line or half a cosine. */
export type Interpolation = 'linear' | 'cosine'

export const interpolations: readonly Interpolation[] = ['linear', 'cosine']

/**
 * The value at `step` of the curve through the points (steps[i], values[i]); `steps` rise strictly
 * from 0 and end with Infinity, so the last value holds for good (its pct is 0 there).
 *
 * Between two anchors, with pct = (step − s₀)/(s₁ − s₀) going from the value `start` to `end`, the
 * two formulas are written as PyTorch's OneCycleLR and Optax's piecewise_interpolate_schedule write
 * them: linear: (end − start)·pct + start; cosine: end + (start − end)/2 · (1 + cos(π·pct)).
 * The anchors themselves are returned exactly (at pct = 0 the cosine formula can land an ulp off).
 */
export function through(
  kind: Interpolation,
  steps: readonly number[],
  values: readonly number[],
  step: number,
): number {
  const i = countAtOrBelow(steps, step) - 1
  const from = steps[i]!
  const pct = (step - from) / (steps[i + 1]! - from)
  const start = values[i]!
  const end = values[i + 1]! // undefined past the last anchor, where pct is 0
  if (pct <= 0) return start
  if (pct >= 1) return end
  if (kind === 'linear') return (end - start) * pct + start
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1)
}
