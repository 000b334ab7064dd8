import { checkStep, type Schedule } from './schedule.js'

/**
 * A schedule that returns `value` at every step.
 *
 * η(t) = value
 *
 * @throws Error when `value` is not a finite number.
 * @example
 * ```ts
 * import { constant } from '@gd/schedules'
 * constant(0.01)(1000) // 0.01
 * ```
 */
export function constant(value: number): Schedule {
  if (!Number.isFinite(value)) {
    throw new Error(`constant: value must be a finite number, got ${value}`)
  }
  return (step) => {
    checkStep('constant', step)
    return value
  }
}
