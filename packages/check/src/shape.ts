import { rule, type Check } from './checks.js'
import { complaint } from './fail.js'

/**
 * True when `value` is an array of non-negative safe integers.
 * @example
 * ```ts
 * import { isShape } from '@gd/check'
 * isShape([2, 3]) // true
 * isShape([1.5, 3]) // false
 * isShape([2, , 3]) // false: a hole is no dimension
 * ```
 */
export function isShape(value: unknown): value is readonly number[] {
  if (!Array.isArray(value)) return false
  // by index, not `every`, which skips the holes of a sparse array ([2, , 3] is no shape)
  for (let i = 0; i < value.length; i++) if (!(Number.isSafeInteger(value[i]) && value[i] >= 0)) return false
  return true
}

/**
 * A shape: an array of non-negative integers (copied).
 * @example
 * ```ts
 * import { shape } from '@gd/check'
 * shape('zeros', 'shape', [2, -1]) // throws 'zeros: shape must hold non-negative integers, got [2,-1]'
 * ```
 */
export const shape: Check<number[]> = (fn, key, value) => {
  if (!isShape(value)) throw complaint(fn, key, 'must hold non-negative integers', value)
  return [...value]
}

/**
 * An axis of a tensor of rank `rank`: an integer in `[-rank, rank)`; returns it made non-negative.
 * @example
 * ```ts
 * import { axis } from '@gd/check'
 * axis(2)('softmax', 'axis', -1) // 1
 * axis(2)('softmax', 'axis', 2) // throws 'softmax: axis must be an integer in [-2, 2) for a tensor of rank 2, got 2'
 * ```
 */
export function axis(rank: number): Check<number> {
  const ok = rule<number>(
    `an integer in [${-rank}, ${rank}) for a tensor of rank ${rank}`,
    (v) => Number.isSafeInteger(v) && (v as number) >= -rank && (v as number) < rank,
  )
  return (fn, key, value) => {
    const a = ok(fn, key, value)
    return a < 0 ? a + rank : a
  }
}

/**
 * One axis or a list of distinct axes of a tensor of rank `rank`; returns them non-negative and
 * sorted. An empty list is allowed (it names no axis).
 * @example
 * ```ts
 * import { axes } from '@gd/check'
 * axes(3)('sum', 'axis', [-1, 0]) // [0, 2]
 * axes(3)('sum', 'axis', [1, -2]) // throws 'sum: axis must not repeat an axis, got [1,-2]'
 * ```
 */
export function axes(rank: number): Check<number[]> {
  const one = axis(rank)
  return (fn, key, value) => {
    const list = Array.isArray(value) ? value.map((v, i) => one(fn, `${key}[${i}]`, v)) : [one(fn, key, value)]
    const sorted = [...list].sort((a, b) => a - b)
    if (sorted.some((a, i) => a === sorted[i - 1])) throw complaint(fn, key, 'must not repeat an axis', value)
    return sorted
  }
}
