import {
  finite,
  isSchedule,
  nonNegativeInteger,
  readOptions,
  stepwise,
  withDefault,
  type Spec,
} from './internal/check.js'
import type { Schedule } from './schedule.js'

/** Options for {@link warmupSchedule}. */
export interface WarmupScheduleOptions {
  /** Value at step 0, where the warmup starts. Default 0. */
  init?: number
  /** Length of the warmup in steps; a non-negative integer (0 means no warmup). */
  warmupSteps: number
  /** The schedule that follows; it sees its own step count, starting at 0 when warmup ends. */
  schedule: Schedule
}

/**
 * Linear warmup into any schedule: rise in a straight line from `init` to the schedule's first
 * value, then hand over to the schedule with its step count restarted at 0.
 *
 * peak = schedule(0)
 * η(t) = init + (peak − init) · t / warmupSteps   for t < warmupSteps
 * η(t) = schedule(t − warmupSteps)                 for t ≥ warmupSteps
 *
 * The result is continuous at the hand-over: step `warmupSteps` gives `schedule(0)`, which the
 * line would have reached there. Matches Optax's `join_schedules([linear_schedule(init, peak,
 * warmupSteps), schedule], [warmupSteps])` and PyTorch's `SequentialLR([LinearLR(start_factor =
 * init/peak, total_iters=warmupSteps), scheduler], milestones=[warmupSteps])` in numbers and
 * step counting.
 *
 * @throws Error when `init` is not finite, `warmupSteps` is not a non-negative integer,
 * `schedule` is not a function or its first value is not finite.
 * @example
 * ```ts
 * import { cosineDecaySchedule, warmupSchedule } from '@gd/schedules'
 * const lr = warmupSchedule({ warmupSteps: 100, schedule: cosineDecaySchedule({ init: 0.1, decaySteps: 900 }) })
 * lr(50) // 0.05: halfway up the warmup
 * lr(100) // 0.1: the cosine's step 0
 * lr(550) // 0.05: the cosine's step 450, halfway down
 * ```
 */
export function warmupSchedule(options: WarmupScheduleOptions): Schedule {
  const name = 'warmupSchedule'
  const { init, warmupSteps, schedule } = readOptions(name, options, {
    init: withDefault(finite, 0),
    warmupSteps: nonNegativeInteger,
    schedule: isSchedule,
  } satisfies Spec<WarmupScheduleOptions>)
  const peak = finite(name, 'schedule(0)', schedule(0))
  return stepwise(name, (step) =>
    step >= warmupSteps ? schedule(step - warmupSteps) : init + ((peak - init) * step) / warmupSteps,
  )
}
