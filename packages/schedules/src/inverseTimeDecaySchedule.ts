import {
  boolean,
  finite,
  positive,
  positiveInteger,
  readOptions,
  stepwise,
  withDefault,
  type Spec,
} from './internal/check.js'
import type { Schedule } from './schedule.js'

/** Options for {@link inverseTimeDecaySchedule}. */
export interface InverseTimeDecayScheduleOptions {
  /** Value at step 0. */
  init: number
  /** Steps per unit of `p` in the formula; a positive integer. */
  decaySteps: number
  /** How fast the value falls; positive. After `decaySteps` steps it is init / (1 + decayRate). */
  decayRate: number
  /** Use ⌊t / decaySteps⌋, decaying in jumps. Default false. */
  staircase?: boolean
}

/**
 * Inverse-time decay, the classic 1/t learning rate of stochastic approximation.
 *
 * p = t / decaySteps (⌊p⌋ when `staircase`)
 * η(t) = init / (1 + decayRate · p)
 *
 * Neither PyTorch nor Optax ships this schedule; it matches Keras's
 * `InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate, staircase)` in numbers, with
 * the same step counting as the rest of this package (step 0 gives `init`).
 *
 * @throws Error when `init` is not finite or `decaySteps` / `decayRate` are not positive.
 * @example
 * ```ts
 * import { inverseTimeDecaySchedule } from '@gd/schedules'
 * const lr = inverseTimeDecaySchedule({ init: 0.1, decaySteps: 10, decayRate: 0.5 })
 * lr(10) // ≈ 0.06667: 0.1 / 1.5
 * lr(20) // 0.05: 0.1 / 2
 * ```
 */
export function inverseTimeDecaySchedule(options: InverseTimeDecayScheduleOptions): Schedule {
  const name = 'inverseTimeDecaySchedule'
  const { init, decaySteps, decayRate, staircase } = readOptions(name, options, {
    init: finite,
    decaySteps: positiveInteger,
    decayRate: positive,
    staircase: withDefault(boolean, false),
  } satisfies Spec<InverseTimeDecayScheduleOptions>)
  return stepwise(name, (step) => {
    const p = staircase ? Math.floor(step / decaySteps) : step / decaySteps
    return init / (1 + decayRate * p)
  })
}
