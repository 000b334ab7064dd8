// Interpolation between two values as a fraction `pct` runs from 0 to 1. Internal.

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
