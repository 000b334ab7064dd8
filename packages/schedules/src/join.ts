import { checkOptions, increasingSteps, isSchedule } from './internal/check.js'
import { countAtOrBelow } from './internal/search.js'
import { checkStep, type Schedule } from './schedule.js'

/** Options for {@link join}. */
export interface JoinOptions {
  /** The schedules to run one after another; at least one. */
  schedules: readonly Schedule[]
  /** Steps where the next schedule takes over; strictly increasing positive integers, one fewer than schedules. */
  boundaries: readonly number[]
}

/**
 * Runs schedules one after another. Each takes over at its boundary and counts its own steps
 * from 0 there.
 *
 * With b₀ = 0 and k = #{ b ∈ boundaries : b ≤ t }, η(t) = schedules[k](t − b_k).
 *
 * Continuous at a boundary exactly when the next schedule starts where the previous one would
 * have gone: schedules[k](0) = schedules[k−1](b_k − b_{k−1}). Matches Optax's
 * `join_schedules(schedules, boundaries)` and PyTorch's `SequentialLR(schedulers, milestones)`
 * in step counting (the next schedule sees step 0 at its boundary).
 *
 * @throws Error when `schedules` is empty or holds a non-function, or `boundaries` are not
 * strictly increasing positive integers one fewer than `schedules`.
 * @example
 * ```ts
 * import { constant, join, linear } from '@gd/schedules'
 * const lr = join({
 *   schedules: [linear({ init: 0, end: 0.1, transitionSteps: 10 }), constant(0.1)],
 *   boundaries: [10],
 * })
 * lr(5) // 0.05
 * lr(10) // 0.1: the constant's step 0
 * ```
 */
export function join(options: JoinOptions): Schedule {
  const name = 'join'
  checkOptions(name, options, ['schedules', 'boundaries'])
  const given = options.schedules
  if (!Array.isArray(given) || given.length === 0) {
    throw new Error(`${name}: schedules must be a non-empty list, got ${Array.isArray(given) ? '[]' : String(given)}`)
  }
  const schedules = given.map((s, i) => isSchedule(name, `schedules[${i}]`, s))
  const boundaries = increasingSteps(name, 'boundaries', options.boundaries)
  if (boundaries.length !== schedules.length - 1) {
    throw new Error(
      `${name}: boundaries must number one fewer than schedules (${schedules.length - 1}), got ${boundaries.length}`,
    )
  }
  return (step) => {
    checkStep(name, step)
    const k = countAtOrBelow(boundaries, step)
    const schedule = schedules[k]
    if (schedule === undefined) return Number.NaN // unreachable: k ≤ boundaries.length
    return schedule(step - (k === 0 ? 0 : (boundaries[k - 1] ?? 0)))
  }
}
