import {
  boolean,
  fail,
  finite,
  nonNegativeInteger,
  optional,
  positive,
  positiveInteger,
  readOptions,
  stepwise,
  withDefault,
  type Spec,
} from './internal/check.js'
import type { Schedule } from './schedule.js'

/** Options for {@link exponentialDecaySchedule}. */
export interface ExponentialDecayScheduleOptions {
  /** Value at step 0 (and until `transitionBegin`). */
  init: number
  /** The value is multiplied by `decayRate` once every `decaySteps` steps; a positive integer. */
  decaySteps: number
  /** Factor per `decaySteps` steps; positive. Below 1 decays, above 1 grows. */
  decayRate: number
  /** Steps to hold `init` before decaying starts; a non-negative integer. Default 0. */
  transitionBegin?: number
  /** Decay in whole jumps every `decaySteps` steps instead of smoothly. Default false. */
  staircase?: boolean
  /**
   * Bound the decay stops at: a floor when `decayRate < 1`, a ceiling when `decayRate > 1`.
   * Default: no bound.
   */
  end?: number
}

/**
 * Exponential decay, smooth or staircase, with an optional delay and bound.
 *
 * p = (t − transitionBegin) / decaySteps (⌊p⌋ when `staircase`)
 * η(t) = init for t ≤ transitionBegin, else init · decayRate^p,
 * then clipped to `end` (max with `end` when decayRate < 1, min when decayRate > 1).
 *
 * Matches Optax's `exponential_decay(init_value, transition_steps=decaySteps, decay_rate,
 * transition_begin, staircase, end_value)` in numbers and step counting. PyTorch's
 * `ExponentialLR(gamma)` is the case `decaySteps: 1, decayRate: gamma`.
 *
 * @throws Error when an option is out of range, or `end` lies on the wrong side of `init`
 * (above it for a decay, below it for a growth).
 * @example
 * ```ts
 * import { exponentialDecaySchedule } from '@gd/schedules'
 * const lr = exponentialDecaySchedule({ init: 0.1, decaySteps: 100, decayRate: 0.5 })
 * lr(100) // 0.05
 * lr(150) // ≈ 0.03536: 0.1 · 0.5^1.5
 * exponentialDecaySchedule({ init: 0.1, decaySteps: 100, decayRate: 0.5, end: 0.04 })(200) // 0.04
 * ```
 */
export function exponentialDecaySchedule(options: ExponentialDecayScheduleOptions): Schedule {
  const name = 'exponentialDecaySchedule'
  const {
    init,
    decaySteps,
    decayRate,
    transitionBegin: begin,
    staircase,
    end,
  } = readOptions(name, options, {
    init: finite,
    decaySteps: positiveInteger,
    decayRate: positive,
    transitionBegin: withDefault(nonNegativeInteger, 0),
    staircase: withDefault(boolean, false),
    end: optional(finite),
  } satisfies Spec<ExponentialDecayScheduleOptions>)
  const decays = decayRate < 1
  if (end !== undefined && (decays ? end > init : decayRate > 1 && end < init)) {
    fail(name, 'end', `${decays ? 'at most' : 'at least'} init (${init}) when decayRate ${decays ? '<' : '>'} 1`, end)
  }
  return stepwise(name, (step) => {
    const elapsed = step - begin
    const p = staircase ? Math.floor(elapsed / decaySteps) : elapsed / decaySteps
    const value = elapsed <= 0 ? init : init * decayRate ** p
    if (end === undefined) return value
    return decays ? Math.max(value, end) : Math.min(value, end)
  })
}
