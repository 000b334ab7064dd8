import {
  finite,
  increasingSteps,
  oneOf,
  onePerPiece,
  readOptions,
  stepwise,
  withDefault,
  type Spec,
} from './internal/check.js'
import { interpolations, through, type Interpolation } from './internal/interpolate.js'
import type { Schedule } from './schedule.js'

export type { Interpolation } from './internal/interpolate.js'

/** Options for {@link piecewiseInterpolateSchedule}. */
export interface PiecewiseInterpolateScheduleOptions {
  /** Steps where the values after step 0 are reached; strictly increasing positive integers. */
  boundaries: readonly number[]
  /** One more value than boundaries: `values[0]` at step 0, `values[i]` at `boundaries[i − 1]`. */
  values: readonly number[]
  /** 'linear' (default) or 'cosine', the half-cosine that is flat at both anchors. */
  interpolation?: Interpolation
}

/**
 * Interpolates through anchor points (0, values[0]), (b₁, values[1]), …, (bₙ, valuesₙ), then
 * holds the last value.
 *
 * For bᵢ ≤ t < bᵢ₊₁ (with b₀ = 0), pct = (t − bᵢ) / (bᵢ₊₁ − bᵢ) and
 * linear: η(t) = (vᵢ₊₁ − vᵢ) · pct + vᵢ,
 * cosine: η(t) = vᵢ₊₁ + (vᵢ − vᵢ₊₁)/2 · (1 + cos(π·pct));
 * η(t) = vₙ for t ≥ bₙ.
 *
 * Matches Optax's `piecewise_interpolate_schedule(interpolate_type, init_value,
 * boundaries_and_scales)` in numbers and step counting when `values` are Optax's running
 * products init, init·s₁, init·s₁·s₂, …; giving the values themselves avoids Optax's
 * multiplicative bookkeeping. PyTorch has no equivalent.
 *
 * @throws Error when `boundaries` are not strictly increasing positive integers, `values` is not
 * a list of finite numbers one longer than `boundaries` or `interpolation` is unknown.
 * @example
 * ```ts
 * import { piecewiseInterpolateSchedule } from '@gd/schedules'
 * const lr = piecewiseInterpolateSchedule({ boundaries: [4, 8], values: [1, 0.1, 0.01] })
 * lr(2) // 0.55: halfway from 1 to 0.1
 * lr(6) // 0.055: halfway from 0.1 to 0.01
 * lr(10) // 0.01
 * ```
 */
export function piecewiseInterpolateSchedule(options: PiecewiseInterpolateScheduleOptions): Schedule {
  const name = 'piecewiseInterpolateSchedule'
  const { boundaries, values, interpolation } = readOptions(name, options, {
    boundaries: increasingSteps,
    values: onePerPiece('finite number', finite),
    interpolation: withDefault(oneOf(interpolations), 'linear'),
  } satisfies Spec<PiecewiseInterpolateScheduleOptions>)
  const steps = [0, ...boundaries, Infinity]
  return stepwise(name, (step) => through(interpolation, steps, values, step))
}
