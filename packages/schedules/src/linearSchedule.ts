import {
  finite,
  nonNegativeInteger,
  positiveInteger,
  readOptions,
  stepwise,
  withDefault,
  type Spec,
} from './internal/check.js'
import type { Schedule } from './schedule.js'

/** Options for {@link linearSchedule}. */
export interface LinearScheduleOptions {
  /** Value at step 0 (and until `transitionBegin`). */
  init: number
  /** Value reached after the transition and held from then on. */
  end: number
  /** Length of the transition in steps; a positive integer. */
  transitionSteps: number
  /** Steps to hold `init` before the transition starts; a non-negative integer. Default 0. */
  transitionBegin?: number
}

/**
 * A straight line from `init` to `end` over `transitionSteps` steps, after an optional delay.
 * Rises or falls, as `end` says; use it for a plain linear warmup or a linear decay.
 *
 * c = clamp(t − transitionBegin, 0, transitionSteps)
 * η(t) = (init − end) · (1 − c / transitionSteps) + end
 *
 * Matches Optax's `linear_schedule(init_value, end_value, transition_steps, transition_begin)`
 * in numbers and step counting, and PyTorch's `LinearLR(start_factor, end_factor, total_iters)`
 * with init = base·start_factor, end = base·end_factor, transitionSteps = total_iters.
 *
 * @throws Error when `init` or `end` is not finite, `transitionSteps` is not a positive integer
 * or `transitionBegin` is not a non-negative integer.
 * @example
 * ```ts
 * import { linearSchedule } from '@gd/schedules'
 * const lr = linearSchedule({ init: 0, end: 0.1, transitionSteps: 100 })
 * lr(25) // 0.025 (up to rounding)
 * lr(500) // 0.1
 * ```
 */
export function linearSchedule(options: LinearScheduleOptions): Schedule {
  const name = 'linearSchedule'
  const {
    init,
    end,
    transitionSteps: steps,
    transitionBegin: begin,
  } = readOptions(name, options, {
    init: finite,
    end: finite,
    transitionSteps: positiveInteger,
    transitionBegin: withDefault(nonNegativeInteger, 0),
  } satisfies Spec<LinearScheduleOptions>)
  return stepwise(name, (step) => {
    const done = step - begin
    // Both ends are returned exactly; the interior uses Optax's expression.
    if (done <= 0) return init
    if (done >= steps) return end
    return (init - end) * (1 - done / steps) + end
  })
}
