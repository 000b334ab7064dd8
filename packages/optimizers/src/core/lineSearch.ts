import { fail, func, isPlainObject, positive, positiveInteger, readOptions, within } from '@gd/check'
/**
 * Line searches along a descent direction d from x: find a step t with enough decrease of
 * φ(t) = f(x + t d). Used by {@link lbfgs}.
 * @module
 */

/** φ at a step: the value, the gradient there (kept for the next iteration) and φ'(t) = ∇f · d. */
export interface LinePoint {
  readonly t: number
  readonly value: number
  readonly gradient: Float64Array
  readonly slope: number
}

/** Evaluates φ at a step. */
export type LineFunction = (t: number) => LinePoint

/** Constants shared by the line searches. */
export interface LineSearchOptions {
  /** Sufficient decrease (Armijo) constant c₁. */
  readonly c1: number
  /** Curvature constant c₂ (strong Wolfe only). */
  readonly c2: number
  /** Most evaluations of φ. */
  readonly maxSteps: number
}

/** Checks a line search's arguments (once per search, not per evaluation); returns the options read. */
function lineArgs(
  fn: string,
  phi: LineFunction,
  at0: LinePoint,
  t0: number,
  options: LineSearchOptions,
): LineSearchOptions {
  func(fn, 'phi', phi)
  const ok = isPlainObject(at0) && Number.isFinite(at0.value) && Number.isFinite(at0.slope) && Number.isFinite(at0.t)
  if (!ok) fail(fn, 'at0', 'a point { t, value, gradient, slope } with finite numbers', at0)
  positive(fn, 't0', t0)
  if (options === undefined || options === null) fail(fn, 'options', 'an object { c1, c2, maxSteps }', options)
  const unit = within({ min: 0, max: 1, minOpen: true, maxOpen: true })
  return readOptions(fn, options, { c1: unit, c2: unit, maxSteps: positiveInteger })
}

/**
 * Backtracking line search with the Armijo condition (Nocedal & Wright, Algorithm 3.1):
 * halve t until φ(t) ≤ φ(0) + c₁ t φ'(0). Returns the last point tried (possibly not
 * sufficient when `maxSteps` runs out).
 *
 * @example
 * ```ts
 * import { backtrackingArmijo } from '@gd/optimizers'
 * // φ(t) = (1 − t)², φ'(0) = −2
 * const phi = (t: number) => ({ t, value: (1 - t) ** 2, gradient: new Float64Array([2 * (t - 1)]), slope: 2 * (t - 1) })
 * backtrackingArmijo(phi, phi(0), 4, { c1: 1e-4, c2: 0.9, maxSteps: 20 }).t // 1
 * ```
 */
export function backtrackingArmijo(
  phi: LineFunction,
  at0: LinePoint,
  t0: number,
  options: LineSearchOptions,
): LinePoint {
  const o = lineArgs('backtrackingArmijo', phi, at0, t0, options)
  let t = t0
  let p = phi(t)
  for (let i = 1; i < o.maxSteps && !(p.value <= at0.value + o.c1 * t * at0.slope); i++) {
    t *= 0.5
    p = phi(t)
  }
  return p
}

/**
 * Line search for the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5 and 3.6):
 * φ(t) ≤ φ(0) + c₁ t φ'(0) and |φ'(t)| ≤ c₂ |φ'(0)|. Brackets by doubling the step, then zooms
 * with safeguarded cubic interpolation.
 *
 * @example
 * ```ts
 * import { strongWolfe } from '@gd/optimizers'
 * const phi = (t: number) => ({ t, value: (1 - t) ** 2, gradient: new Float64Array([2 * (t - 1)]), slope: 2 * (t - 1) })
 * strongWolfe(phi, phi(0), 0.25, { c1: 1e-4, c2: 0.9, maxSteps: 20 }).t // a step in [0.1, 1.9]
 * ```
 */
export function strongWolfe(phi: LineFunction, at0: LinePoint, t0: number, options: LineSearchOptions): LinePoint {
  const o = lineArgs('strongWolfe', phi, at0, t0, options)
  const armijo = (p: LinePoint): boolean => p.value <= at0.value + o.c1 * p.t * at0.slope
  const curvature = (p: LinePoint): boolean => Math.abs(p.slope) <= -o.c2 * at0.slope
  let prev = at0
  let t = t0
  let evals = 0
  while (evals < o.maxSteps) {
    const p = phi(t)
    evals++
    if (!armijo(p) || (prev !== at0 && p.value >= prev.value)) return zoom(prev, p)
    if (curvature(p)) return p
    if (p.slope >= 0) return zoom(p, prev)
    prev = p
    t *= 2
  }
  return prev

  function zoom(lo: LinePoint, hi: LinePoint): LinePoint {
    while (evals < o.maxSteps) {
      const a = Math.min(lo.t, hi.t)
      const b = Math.max(lo.t, hi.t)
      let t = cubicMin(lo, hi)
      // keep the trial inside the middle 80% of the bracket, else bisect
      if (!(t >= a + 0.1 * (b - a) && t <= b - 0.1 * (b - a))) t = (a + b) / 2
      const p = phi(t)
      evals++
      if (!armijo(p) || p.value >= lo.value) hi = p
      else {
        if (curvature(p)) return p
        if (p.slope * (hi.t - lo.t) >= 0) hi = lo
        lo = p
      }
      if (Math.abs(hi.t - lo.t) < 1e-16 * Math.max(1, lo.t)) break
    }
    return lo
  }
}

/** The minimiser of the cubic through two points with their slopes (NaN when it has none). */
function cubicMin(p: LinePoint, q: LinePoint): number {
  const d1 = p.slope + q.slope - (3 * (p.value - q.value)) / (p.t - q.t)
  const disc = d1 * d1 - p.slope * q.slope
  if (!(disc >= 0)) return NaN
  const d2 = Math.sign(q.t - p.t) * Math.sqrt(disc)
  return q.t - ((q.t - p.t) * (q.slope + d2 - d1)) / (q.slope - p.slope + 2 * d2)
}
