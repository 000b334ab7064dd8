import { finite, readOptions, stepwise } from './internal/check.js'
import type { Schedule } from './schedule.js'

/** Options for {@link constantSchedule}. */
export interface ConstantScheduleOptions {
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
 * import { constantSchedule } from '@gd/schedules'
 * constantSchedule(0.01)(1000) // 0.01
 * constantSchedule({ value: 0.01 })(0) // 0.01
 * ```
 */
export function constantSchedule(options: number | ConstantScheduleOptions): Schedule {
  const name = 'constantSchedule'
  const { value } = readOptions(name, typeof options === 'number' ? { value: options } : options, { value: finite })
  return stepwise(name, () => value)
}
