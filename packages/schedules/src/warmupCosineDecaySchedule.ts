import {
  fail,
  finite,
  nonNegativeInteger,
  positive,
  positiveInteger,
  readOptions,
  stepwise,
  withDefault,
  type Spec,
} from './internal/check.js'
import type { Schedule } from './schedule.js'

/** Options for {@link warmupCosineDecaySchedule}. */
export interface WarmupCosineDecayScheduleOptions {
  /** Value at step 0, where the warmup starts. Default 0. */
  init?: number
  /** Value at the end of the warmup, where the cosine starts. */
  peak: number
  /** Length of the linear warmup in steps; a non-negative integer. */
  warmupSteps: number
  /** Total length in steps, warmup included (Optax's `decay_steps`); greater than `warmupSteps`. */
  totalSteps: number
  /** Value at `totalSteps` and after. Default 0. */
  end?: number
  /** Power applied to the cosine factor; positive. Default 1. */
  exponent?: number
}

/**
 * Linear warmup from `init` to `peak`, then cosine decay from `peak` to `end`, ending at step
 * `totalSteps`. The standard recipe for training transformers.
 *
 * W = warmupSteps, D = totalSteps − W
 * η(t) = init + (peak − init) · t / W                          for t < W
 * η(t) = end + (peak − end) · (½ (1 + cos(π · min(t − W, D) / D)))^exponent   for t ≥ W
 *
 * Matches Optax's `warmup_cosine_decay_schedule(init_value, peak_value, warmup_steps,
 * decay_steps=totalSteps, end_value, exponent)` in numbers (up to rounding: Optax factors the
 * end as `alpha = end / peak`) and step counting. With `init: 0, end: 0` it is also Hugging
 * Face's `get_cosine_schedule_with_warmup`.
 *
 * @throws Error when a value is not finite, `warmupSteps` is not a non-negative integer,
 * `totalSteps` is not an integer above `warmupSteps` or `exponent` is not positive.
 * @example
 * ```ts
 * import { warmupCosineDecaySchedule } from '@gd/schedules'
 * const lr = warmupCosineDecaySchedule({ peak: 0.1, warmupSteps: 100, totalSteps: 1100 })
 * lr(50) // 0.05
 * lr(100) // 0.1
 * lr(600) // 0.05: halfway through the 1000 decay steps
 * lr(1100) // 0
 * ```
 */
export function warmupCosineDecaySchedule(options: WarmupCosineDecayScheduleOptions): Schedule {
  const name = 'warmupCosineDecaySchedule'
  const { init, peak, warmupSteps, totalSteps, end, exponent } = readOptions(name, options, {
    init: withDefault(finite, 0),
    peak: finite,
    warmupSteps: nonNegativeInteger,
    totalSteps: positiveInteger,
    end: withDefault(finite, 0),
    exponent: withDefault(positive, 1),
  } satisfies Spec<WarmupCosineDecayScheduleOptions>)
  if (totalSteps <= warmupSteps) fail(name, 'totalSteps', `above warmupSteps (${warmupSteps})`, totalSteps)
  const decaySteps = totalSteps - warmupSteps
  return stepwise(name, (step) => {
    if (step < warmupSteps) return init + ((peak - init) * step) / warmupSteps
    const done = Math.min(step - warmupSteps, decaySteps)
    const cosine = 0.5 * (1 + Math.cos((Math.PI * done) / decaySteps))
    return end + (peak - end) * cosine ** exponent
  })
}
