import { rule, type Check } from './checks.js'

/** A numeric range, with open or closed ends; an absent end is unbounded. */
export interface Range {
  readonly min?: number
  readonly max?: number
  /** True when `min` itself is excluded. */
  readonly minOpen?: boolean
  /** True when `max` itself is excluded. */
  readonly maxOpen?: boolean
  /** True when only integers are allowed. */
  readonly integer?: boolean
}

/**
 * Describes a range the way messages say it: `in [0, 1)`, `>= 0`, `> 0`, `an integer >= 1`.
 * @example
 * ```ts
 * import { describeRange } from '@gd/check'
 * describeRange({ min: 0, max: 1, maxOpen: true }) // 'in [0, 1)'
 * ```
 */
export function describeRange(r: Range): string {
  const { min, max } = r
  const int = r.integer ? 'an integer ' : ''
  if (min !== undefined && max !== undefined) {
    return `${int}in ${r.minOpen ? '(' : '['}${min}, ${max}${r.maxOpen ? ')' : ']'}`
  }
  if (min !== undefined) return `${int}>${r.minOpen ? '' : '='} ${min}`
  if (max !== undefined) return `${int}<${r.maxOpen ? '' : '='} ${max}`
  return r.integer ? 'an integer' : 'a number'
}

/**
 * True when `x` is a number inside `r`; NaN never is, and ±Infinity only when `r` has no end on that side.
 * @example
 * ```ts
 * import { inRange } from '@gd/check'
 * inRange(0.9, { min: 0, max: 1, maxOpen: true }) // true
 * ```
 */
export function inRange(x: unknown, r: Range): x is number {
  const { min = -Infinity, max = Infinity } = r
  // every comparison with NaN is false, so NaN is never in range
  return (
    typeof x === 'number' &&
    (r.minOpen ? x > min : x >= min) &&
    (r.maxOpen ? x < max : x <= max) &&
    (!r.integer || Number.isSafeInteger(x))
  )
}

/**
 * A check for a number in `r`, described as {@link describeRange} says.
 * @example
 * ```ts
 * import { within } from '@gd/check'
 * within({ min: 0, max: 1, maxOpen: true })('adam', 'beta1', 1.2) // throws 'adam: beta1 must be in [0, 1), got 1.2'
 * ```
 */
export function within(r: Range): Check<number> {
  return rule<number>(describeRange(r), (v) => inRange(v, r))
}
