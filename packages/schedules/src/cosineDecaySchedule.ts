import {
  finite,
  positive,
  positiveInteger,
  readOptions,
  stepwise,
  unit,
  withDefault,
  type Spec,
} from './internal/check.js'
import type { Schedule } from './schedule.js'

/** Options for {@link cosineDecaySchedule}. */
export interface CosineDecayScheduleOptions {
  /** Value at step 0. */
  init: number
  /** Length of the decay in steps; a positive integer. The value holds at `alpha · init` after. */
  decaySteps: number
  /** Final value as a fraction of `init`, in [0, 1]. Default 0. */
  alpha?: number
  /** Power applied to the cosine factor; positive. Above 1 falls faster early. Default 1. */
  exponent?: number
}

/**
 * Cosine decay from `init` down to `alpha · init` over `decaySteps` steps, then flat.
 *
 * c = min(t, decaySteps)
 * η(t) = init · ((1 − alpha) · (½ (1 + cos(π c / decaySteps)))^exponent + alpha)
 *
 * Matches Optax's `cosine_decay_schedule(init_value, decay_steps, alpha, exponent)` in numbers
 * and step counting. PyTorch's `CosineAnnealingLR(T_max=decaySteps, eta_min=alpha·init)` gives
 * the same values for t ≤ decaySteps (up to rounding); past T_max PyTorch climbs back up along
 * the cosine, while this schedule stays at its floor. For restarts use
 * {@link cosineAnnealingWarmRestartsSchedule}.
 *
 * @throws Error when `init` is not finite, `decaySteps` is not a positive integer, `alpha` is
 * outside [0, 1] or `exponent` is not positive.
 * @example
 * ```ts
 * import { cosineDecaySchedule } from '@gd/schedules'
 * const lr = cosineDecaySchedule({ init: 0.1, decaySteps: 1000, alpha: 0 })
 * lr(0) // 0.1
 * lr(500) // 0.05 (the cosine factor is ½ halfway)
 * lr(2000) // 0
 * ```
 */
export function cosineDecaySchedule(options: CosineDecayScheduleOptions): Schedule {
  const name = 'cosineDecaySchedule'
  const { init, decaySteps, alpha, exponent } = readOptions(name, options, {
    init: finite,
    decaySteps: positiveInteger,
    alpha: withDefault(unit, 0),
    exponent: withDefault(positive, 1),
  } satisfies Spec<CosineDecayScheduleOptions>)
  return stepwise(name, (step) => {
    const done = Math.min(step, decaySteps)
    const cosine = 0.5 * (1 + Math.cos((Math.PI * done) / decaySteps))
    return init * ((1 - alpha) * cosine ** exponent + alpha)
  })
}
