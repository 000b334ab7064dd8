import { show } from './show.js'

/**
 * An argument error in the one message shape @gd uses: `<fn>: <what> <says>, got <value><tail>`.
 * Returns the error so callers can `throw`.
 * @example
 * ```ts
 * import { complaint } from '@gd/check'
 * complaint('zeros', 'shape', 'must hold non-negative integers', [2, -1]).message
 * // → 'zeros: shape must hold non-negative integers, got [2,-1]'
 * ```
 */
export function complaint(fn: string, what: string, says: string, value: unknown, tail = ''): Error {
  return new Error(`${fn}: ${what} ${says}, got ${show(value)}${tail}`)
}

/**
 * `<fn>: <what> must be <expected>, got <value><tail>`, the common case of {@link complaint}.
 * @example
 * ```ts
 * import { mustBe } from '@gd/check'
 * mustBe('adam', 'beta1', 'in [0, 1)', 1.2).message // 'adam: beta1 must be in [0, 1), got 1.2'
 * ```
 */
export function mustBe(fn: string, what: string, expected: string, value: unknown, tail = ''): Error {
  return complaint(fn, what, `must be ${expected}`, value, tail)
}

/**
 * Throws {@link mustBe}'s error.
 * @example
 * ```ts
 * import { fail } from '@gd/check'
 * fail('sum', 'axis', 'an integer in [-2, 2)', 2) // throws 'sum: axis must be an integer in [-2, 2), got 2'
 * ```
 */
export function fail(fn: string, what: string, expected: string, value: unknown, tail = ''): never {
  throw mustBe(fn, what, expected, value, tail)
}
