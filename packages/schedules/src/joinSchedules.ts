import { increasingSteps, isSchedule, onePerPiece, readOptions, stepwise, type Spec } from './internal/check.js'
import { countAtOrBelow } from './internal/search.js'
import type { Schedule } from './schedule.js'

/** Options for {@link joinSchedules}. */
export interface JoinSchedulesOptions {
  /** Steps where the next schedule takes over; strictly increasing positive integers. */
  boundaries: readonly number[]
  /** The schedules to run one after another; one more than boundaries. */
  schedules: readonly Schedule[]
}

/**
 * Runs schedules one after another. Each takes over at its boundary and counts its own steps
 * from 0 there.
 *
 * With b₀ = 0 and k = #{ b ∈ boundaries : b ≤ t }, `η(t) = schedules[k](t − b_k)`.
 *
 * Continuous at a boundary exactly when the next schedule starts where the previous one would
 * have gone: `schedules[k](0) = schedules[k−1](b_k − b_{k−1})`. Matches Optax's
 * `join_schedules(schedules, boundaries)` and PyTorch's `SequentialLR(schedulers, milestones)`
 * in step counting (the next schedule sees step 0 at its boundary).
 *
 * @throws Error when `boundaries` are not strictly increasing positive integers, or `schedules`
 * is not a list of functions one longer than `boundaries`.
 * @example
 * ```ts
 * import { constantSchedule, joinSchedules, linearSchedule } from '@gd/schedules'
 * const lr = joinSchedules({
 *   schedules: [linearSchedule({ init: 0, end: 0.1, transitionSteps: 10 }), constantSchedule(0.1)],
 *   boundaries: [10],
 * })
 * lr(5) // 0.05
 * lr(10) // 0.1: the constant's step 0
 * ```
 */
export function joinSchedules(options: JoinSchedulesOptions): Schedule {
  const name = 'joinSchedules'
  const { boundaries, schedules } = readOptions(name, options, {
    boundaries: increasingSteps,
    schedules: onePerPiece('schedule', isSchedule),
  } satisfies Spec<JoinSchedulesOptions>)
  const starts = [0, ...boundaries]
  return stepwise(name, (step) => {
    const k = countAtOrBelow(boundaries, step)
    return schedules[k]!(step - starts[k]!)
  })
}
