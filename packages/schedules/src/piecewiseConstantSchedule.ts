import { finite, increasingSteps, onePerPiece, readOptions, stepwise, type Spec } from './internal/check.js'
import { countAtOrBelow } from './internal/search.js'
import type { Schedule } from './schedule.js'

/** Options for {@link piecewiseConstantSchedule}. */
export interface PiecewiseConstantScheduleOptions {
  /** Steps where the value changes; strictly increasing positive integers. */
  boundaries: readonly number[]
  /** One more value than boundaries: `values[0]` before the first boundary, and so on. */
  values: readonly number[]
}

/**
 * A step function: `values[i]` from `boundaries[i − 1]` (inclusive) up to `boundaries[i]`.
 *
 * η(t) = values[k], k = #{ b ∈ boundaries : b ≤ t }
 *
 * Matches Optax's `piecewise_constant_schedule` in step counting (a new value takes effect at
 * its boundary step) and in numbers when `values` are Optax's running products
 * init, init·s₁, init·s₁·s₂, …; the same convention as PyTorch's `MultiStepLR`. Values are given
 * directly rather than as scale factors, so they may rise as well as fall.
 *
 * @throws Error when `boundaries` are not strictly increasing positive integers, or `values`
 * is not a list of finite numbers one longer than `boundaries`.
 * @example
 * ```ts
 * import { piecewiseConstantSchedule } from '@gd/schedules'
 * const lr = piecewiseConstantSchedule({ boundaries: [100, 200], values: [0.1, 0.01, 0.001] })
 * lr(99) // 0.1
 * lr(100) // 0.01
 * lr(1000) // 0.001
 * ```
 */
export function piecewiseConstantSchedule(options: PiecewiseConstantScheduleOptions): Schedule {
  const name = 'piecewiseConstantSchedule'
  const { boundaries, values } = readOptions(name, options, {
    boundaries: increasingSteps,
    values: onePerPiece('finite number', finite),
  } satisfies Spec<PiecewiseConstantScheduleOptions>)
  return stepwise(name, (step) => values[countAtOrBelow(boundaries, step)]!)
}
