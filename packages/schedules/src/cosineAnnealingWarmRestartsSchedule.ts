import { finite, positiveInteger, readOptions, stepwise, withDefault, type Spec } from './internal/check.js'
import type { Schedule } from './schedule.js'

/** Options for {@link cosineAnnealingWarmRestartsSchedule}. */
export interface CosineAnnealingWarmRestartsScheduleOptions {
  /** Value at step 0 and at every restart. */
  init: number
  /** Value the cosine approaches at the end of each period (PyTorch's `eta_min`). Default 0. */
  end?: number
  /** Length of the first period in steps; a positive integer (PyTorch's `T_0`). */
  period: number
  /** Each period is this many times longer than the one before; an integer ≥ 1 (`T_mult`). Default 1. */
  periodMultiplier?: number
}

/**
 * SGDR: cosine annealing from `init` towards `end` that restarts at `init` after every period,
 * each period `periodMultiplier` times longer than the last (Loshchilov & Hutter, 2017).
 *
 * With Tᵢ = period · periodMultiplierⁱ, find the period i that holds step t and the steps
 * t_cur already spent in it (t_cur = t mod period when periodMultiplier is 1); then
 * η(t) = end + (init − end) · ½ (1 + cos(π · t_cur / Tᵢ))
 *
 * Matches PyTorch's `CosineAnnealingWarmRestarts(T_0=period, T_mult=periodMultiplier,
 * eta_min=end)` in numbers and step counting (the first restart is at step `period`). Period
 * boundaries are found with exact integer arithmetic. Optax's `sgdr_schedule` builds the same
 * shape by joining warmup-cosine pieces; use {@link joinSchedules} with {@link warmupCosineDecaySchedule} for
 * restarts with warmups.
 *
 * @see https://arxiv.org/abs/1608.03983
 * @throws Error when `init` or `end` is not finite, `period` is not a positive integer or
 * `periodMultiplier` is not an integer ≥ 1.
 * @example
 * ```ts
 * import { cosineAnnealingWarmRestartsSchedule } from '@gd/schedules'
 * const lr = cosineAnnealingWarmRestartsSchedule({ init: 0.1, period: 10, periodMultiplier: 2 })
 * lr(5) // 0.05: halfway through the first period of 10
 * lr(10) // 0.1: restart; the second period lasts 20 steps
 * lr(20) // 0.05: halfway through the second period
 * lr(30) // 0.1: restart
 * ```
 */
export function cosineAnnealingWarmRestartsSchedule(options: CosineAnnealingWarmRestartsScheduleOptions): Schedule {
  const name = 'cosineAnnealingWarmRestartsSchedule'
  const {
    init,
    end,
    period,
    periodMultiplier: multiplier,
  } = readOptions(name, options, {
    init: finite,
    end: withDefault(finite, 0),
    period: positiveInteger,
    periodMultiplier: withDefault(positiveInteger, 1),
  } satisfies Spec<CosineAnnealingWarmRestartsScheduleOptions>)
  return stepwise(name, (step) => {
    let length = period
    // With periodMultiplier 1 the remainder is the answer; otherwise at most log₂(step / period)
    // rounds, as periods at least double.
    let inPeriod = multiplier === 1 ? step % period : step
    while (inPeriod >= length) {
      inPeriod -= length
      length *= multiplier
    }
    return end + ((init - end) * (1 + Math.cos((Math.PI * inPeriod) / length))) / 2
  })
}
