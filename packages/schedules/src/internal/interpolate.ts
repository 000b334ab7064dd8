// Interpolation between two values as a fraction `pct` runs from 0 to 1. Internal.

/** How a schedule moves between two anchor values: along a straight line or half a cosine. */
export type Interpolation = 'linear' | 'cosine'

export const interpolations: readonly Interpolation[] = ['linear', 'cosine']

/**
 * `start` at pct = 0, `end` at pct = 1. The two formulas are written exactly as PyTorch's
 * OneCycleLR and Optax's piecewise_interpolate_schedule write them, so their numbers agree bit for bit:
 * linear: (end − start)·pct + start; cosine: end + (start − end)/2 · (1 + cos(π·pct)).
 */
export function interpolate(kind: Interpolation, start: number, end: number, pct: number): number {
  if (kind === 'linear') return (end - start) * pct + start
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1)
}
