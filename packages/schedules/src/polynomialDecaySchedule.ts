import {
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

/** Options for {@link polynomialDecaySchedule}. */
export interface PolynomialDecayScheduleOptions {
  /** Value at step 0 (and until `transitionBegin`). */
  init: number
  /** Value reached after the decay and held from then on. Default 0 (as PyTorch). */
  end?: number
  /** Exponent of the polynomial; positive. 1 is a straight line. Default 1. */
  power?: number
  /** Length of the decay in steps; a positive integer. */
  decaySteps: number
  /** Steps to hold `init` before the decay starts; a non-negative integer. Default 0. */
  transitionBegin?: number
}

/**
 * Polynomial decay from `init` to `end` over `decaySteps` steps, after an optional delay.
 *
 * c = clamp(t − transitionBegin, 0, decaySteps)
 * η(t) = (init − end) · (1 − c / decaySteps)^power + end
 *
 * Matches Optax's `polynomial_schedule(init_value, end_value, power,
 * transition_steps=decaySteps, transition_begin)` in numbers and step counting, and PyTorch's
 * `PolynomialLR(total_iters=decaySteps, power)` when `end` is 0 and there is no delay.
 * `end` above `init` gives a polynomial rise instead.
 *
 * @throws Error when a value is not finite, `power` is not positive, `decaySteps` is not a
 * positive integer or `transitionBegin` is not a non-negative integer.
 * @example
 * ```ts
 * import { polynomialDecaySchedule } from '@gd/schedules'
 * const lr = polynomialDecaySchedule({ init: 1, end: 0.01, power: 2, decaySteps: 100 })
 * lr(50) // 0.2575: 0.99 · 0.5² + 0.01
 * lr(100) // 0.01
 * ```
 */
export function polynomialDecaySchedule(options: PolynomialDecayScheduleOptions): Schedule {
  const name = 'polynomialDecaySchedule'
  const {
    init,
    end,
    power,
    decaySteps,
    transitionBegin: begin,
  } = readOptions(name, options, {
    init: finite,
    end: withDefault(finite, 0),
    power: withDefault(positive, 1),
    decaySteps: positiveInteger,
    transitionBegin: withDefault(nonNegativeInteger, 0),
  } satisfies Spec<PolynomialDecayScheduleOptions>)
  return stepwise(name, (step) => {
    const done = step - begin
    // Both ends are returned exactly; the interior uses Optax's expression.
    if (done <= 0) return init
    if (done >= decaySteps) return end
    return (init - end) * (1 - done / decaySteps) ** power + end
  })
}
