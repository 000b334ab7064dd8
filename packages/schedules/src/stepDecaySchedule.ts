import { factor, finite, positiveInteger, readOptions, stepwise, withDefault, type Spec } from './internal/check.js'
import type { Schedule } from './schedule.js'

/** Options for {@link stepDecaySchedule}. */
export interface StepDecayScheduleOptions {
  /** Value at step 0. */
  init: number
  /** Number of steps between two decays; a positive integer. */
  stepSize: number
  /** Factor applied every `stepSize` steps, in (0, 1]. Default 0.1 (as PyTorch). */
  gamma?: number
}

/**
 * Step decay: multiply the value by `gamma` every `stepSize` steps.
 *
 * η(t) = init · gamma^⌊t / stepSize⌋
 *
 * Matches PyTorch's `StepLR(step_size, gamma)` in numbers and step counting (the first drop is
 * at step `stepSize`), and Optax's `exponential_decay(transition_steps=stepSize,
 * decay_rate=gamma, staircase=True)`.
 *
 * @throws Error when `init` is not finite, `stepSize` is not a positive integer or `gamma` is
 * outside (0, 1].
 * @example
 * ```ts
 * import { stepDecaySchedule } from '@gd/schedules'
 * const lr = stepDecaySchedule({ init: 0.1, stepSize: 30, gamma: 0.1 })
 * lr(29) // 0.1
 * lr(30) // 0.01 (up to rounding)
 * ```
 */
export function stepDecaySchedule(options: StepDecayScheduleOptions): Schedule {
  const name = 'stepDecaySchedule'
  const { init, stepSize, gamma } = readOptions(name, options, {
    init: finite,
    stepSize: positiveInteger,
    gamma: withDefault(factor, 0.1),
  } satisfies Spec<StepDecayScheduleOptions>)
  return stepwise(name, (step) => init * gamma ** Math.floor(step / stepSize))
}
