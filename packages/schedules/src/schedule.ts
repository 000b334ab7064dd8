/**
 * A schedule maps a step count (0, 1, 2, …) to a value, usually a learning rate.
 * It is a plain function, so any optimizer option typed `number | Schedule` takes one
 * without importing this package.
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
 * count fails loudly instead of producing a silent NaN.
 *
 * @example
 * ```ts
 * import { checkStep } from '@gd/schedules'
 * checkStep('cosineDecay', 3) // ok
 * checkStep('cosineDecay', -1) // throws "cosineDecay: step must be a non-negative integer, got -1"
 * ```
 */
export function checkStep(name: string, step: number): void {
  if (!Number.isInteger(step) || step < 0) {
    throw new Error(`${name}: step must be a non-negative integer, got ${step}`)
  }
}
