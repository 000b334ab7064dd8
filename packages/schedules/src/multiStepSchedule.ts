import { factor, finite, increasingSteps, readOptions, stepwise, withDefault, type Spec } from './internal/check.js'
import { countAtOrBelow } from './internal/search.js'
import type { Schedule } from './schedule.js'

/** Options for {@link multiStepSchedule}. */
export interface MultiStepScheduleOptions {
  /** Value at step 0. */
  init: number
  /** Steps at which the value is multiplied by `gamma`; strictly increasing positive integers. */
  milestones: readonly number[]
  /** Factor applied at each milestone, in (0, 1]. Default 0.1 (as PyTorch). */
  gamma?: number
}

/**
 * Multi-step decay: multiply the value by `gamma` at each milestone.
 *
 * η(t) = init · gamma^k, k = #{ m ∈ milestones : m ≤ t }
 *
 * Matches PyTorch's `MultiStepLR(milestones, gamma)` in numbers and step counting (the value
 * drops at the milestone step itself), and Optax's `piecewise_constant_schedule` with every
 * scale equal to `gamma`.
 *
 * @throws Error when `init` is not finite, `milestones` are not strictly increasing positive
 * integers or `gamma` is outside (0, 1].
 * @example
 * ```ts
 * import { multiStepSchedule } from '@gd/schedules'
 * const lr = multiStepSchedule({ init: 0.1, milestones: [30, 80], gamma: 0.1 })
 * lr(29) // 0.1
 * lr(30) // 0.01 (up to rounding)
 * lr(80) // 0.001 (up to rounding)
 * ```
 */
export function multiStepSchedule(options: MultiStepScheduleOptions): Schedule {
  const name = 'multiStepSchedule'
  const { init, milestones, gamma } = readOptions(name, options, {
    init: finite,
    milestones: increasingSteps,
    gamma: withDefault(factor, 0.1),
  } satisfies Spec<MultiStepScheduleOptions>)
  return stepwise(name, (step) => init * gamma ** countAtOrBelow(milestones, step))
}
