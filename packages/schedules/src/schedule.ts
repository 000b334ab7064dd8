import { nonNegativeInteger, string } from '@gd/check'

/**
 * A schedule maps a step count (0, 1, 2, …) to a value, usually a learning rate.
 * It is a plain function, so any optimizer option typed `number | Schedule` takes one
 * without importing this package.
 *
 * Step counting: `step` is the number of updates already applied, so the first update sees
 * step 0. This is Optax's `count` and PyTorch's `last_epoch` after one `scheduler.step()` per
 * update (the scheduler's initial value belongs to step 0). Every schedule in this package
 * is pure: the same step always gives the same value, so a resumed run needs only its step count.
 * Every schedule in this package throws for a step that is not a non-negative integer (see
 * {@link checkStep}) and for a value that is not finite (`<name>: value at step 9 must be a finite
 * number, got NaN`), so neither a bad step nor an overflow gives a silent NaN.
 *
 * @example
 * ```ts
 * import type { Schedule } from '@gd/schedules'
 * const halfEvery100: Schedule = (step) => 0.1 * 0.5 ** Math.floor(step / 100)
 * halfEvery100(250) // 0.025
 * ```
 */
export type Schedule = (step: number) => number

/**
 * Throws unless `step` is a non-negative integer. Every schedule calls this first, so a bad step
 * count fails loudly instead of producing a silent NaN: −1, 1.5, NaN, Infinity and the string
 * '3' are all errors, never rounded or coerced. Use it in your own schedules too.
 *
 * @throws Error `<name>: step must be a non-negative integer, got <step>`, or
 *   `checkStep: name must be a string, got …`.
 * @example
 * ```ts
 * import { checkStep } from '@gd/schedules'
 * checkStep('cosineDecaySchedule', 3) // ok
 * checkStep('cosineDecaySchedule', -1) // throws "cosineDecaySchedule: step must be a non-negative integer, got -1"
 * ```
 */
export function checkStep(name: string, step: number): void {
  nonNegativeInteger(string('checkStep', 'name', name), 'step', step)
}
