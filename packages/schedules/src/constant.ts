import { finite, readOptions, stepwise } from './internal/check.js'
import type { Schedule } from './schedule.js'

/** Options for {@link constant}. */
export interface ConstantOptions {
  /** The value returned at every step. */
  value: number
}

/**
 * A schedule that returns `value` at every step. Takes the value itself or `{ value }`.
 *
 * η(t) = value
 *
 * Matches Optax's `constant_schedule` (and PyTorch's behaviour with no scheduler).
 *
 * @throws Error when `value` is not a finite number.
 * @example
 * ```ts
 * import { constant } from '@gd/schedules'
 * constant(0.01)(1000) // 0.01
 * constant({ value: 0.01 })(0) // 0.01
 * ```
 */
export function constant(options: number | ConstantOptions): Schedule {
  const name = 'constant'
  const { value } = readOptions(name, typeof options === 'number' ? { value: options } : options, { value: finite })
  return stepwise(name, () => value)
}
