import {
  boolean,
  fail,
  finite,
  fraction,
  oneOf,
  positive,
  positiveInteger,
  readOptions,
  stepwise,
  unit,
  withDefault,
  type Spec,
} from './internal/check.js'
import { interpolations, through, type Interpolation } from './internal/interpolate.js'
import type { Schedule } from './schedule.js'

/** The phase layout shared by {@link oneCycleSchedule} and {@link oneCycleMomentumSchedule}. */
export interface OneCyclePhaseOptions {
  /** Length of the whole cycle in steps; a positive integer. The last step is `totalSteps − 1`. */
  totalSteps: number
  /** Fraction of the cycle spent rising, in (0, 1). Default 0.3 (as PyTorch). */
  pctStart?: number
  /** Shape of each phase. Default 'cosine' (PyTorch's anneal_strategy 'cos'). */
  interpolation?: Interpolation
  /** Use PyTorch's three-phase variant: rise, fall back to the start, then annihilate. Default false. */
  threePhase?: boolean
}

/** Options for {@link oneCycleSchedule}. */
export interface OneCycleScheduleOptions extends OneCyclePhaseOptions {
  /** Highest value, reached at the end of the rise (PyTorch's `max_lr`). */
  peak: number
  /** The cycle starts at peak / divFactor; positive. Default 25. */
  divFactor?: number
  /** The cycle ends at peak / (divFactor · finalDivFactor); positive. Default 1e4. */
  finalDivFactor?: number
}

/** Options for {@link oneCycleMomentumSchedule}. */
export interface OneCycleMomentumScheduleOptions extends OneCyclePhaseOptions {
  /** Momentum at the learning-rate peak, in [0, 1]. Default 0.85 (as PyTorch). */
  baseMomentum?: number
  /** Momentum at the start and end of the cycle, in [0, 1]. Default 0.95 (as PyTorch). */
  maxMomentum?: number
}

/**
 * The 1cycle policy (Smith & Topin): rise from peak/divFactor to `peak`, then anneal to a value
 * far below the start, all within `totalSteps` steps.
 *
 * With p = pctStart, T = totalSteps, start = peak / divFactor, floor = start / finalDivFactor,
 * the phases end at steps e₁ = p·T − 1 and e₂ = T − 1 (three-phase: e₁ = p·T − 1,
 * e₂ = 2p·T − 2, e₃ = T − 1). Inside the phase that runs from step s to e (the first from s = 0),
 * η(t) = interpolate(from, to, (t − s) / (e − s)), going start → peak → floor
 * (three-phase: start → peak → start → floor), with `interpolate` linear or
 * to + (from − to)/2 · (1 + cos(π·pct)). Past the last step the value holds at `floor`.
 *
 * Matches PyTorch's `OneCycleLR(max_lr=peak, total_steps, pct_start, anneal_strategy,
 * div_factor, final_div_factor, three_phase)` in numbers (to rounding; the phase anchors are
 * exact here) and step counting for t ≤ totalSteps − 1 (PyTorch raises past `totalSteps`). Optax's `cosine_onecycle_schedule`
 * places its peak at step ⌊p·T⌋ and its floor at step T, one step later than here.
 *
 * @see https://arxiv.org/abs/1708.07120
 * @throws Error when an option is out of range, or `pctStart` leaves a phase without length
 * (p·T must exceed 1; with threePhase also 2p·T < T + 1).
 * @example
 * ```ts
 * import { oneCycleSchedule } from '@gd/schedules'
 * const lr = oneCycleSchedule({ peak: 0.1, totalSteps: 100, pctStart: 0.3 })
 * lr(0) // 0.004: 0.1 / 25
 * lr(29) // 0.1: the rise ends at step 0.3 · 100 − 1 = 29
 * lr(99) // 4e-7: 0.004 / 1e4, the last step
 * ```
 */
export function oneCycleSchedule(options: OneCycleScheduleOptions): Schedule {
  const name = 'oneCycleSchedule'
  const { peak, divFactor, finalDivFactor, ...phases } = readOptions(name, options, {
    peak: finite,
    divFactor: withDefault(positive, 25),
    finalDivFactor: withDefault(positive, 1e4),
    ...phaseSpec,
  } satisfies Spec<OneCycleScheduleOptions>)
  const start = peak / divFactor
  return cycle(name, phases, start, peak, start / finalDivFactor)
}

/**
 * The momentum schedule that goes with {@link oneCycleSchedule}: momentum moves opposite to the learning
 * rate, from `maxMomentum` down to `baseMomentum` while the rate rises, and back up while it
 * falls (three-phase: max → base → max, then held at max). Pass it the same phase options as the
 * learning rate; the interpolation and step counting are the same.
 *
 * Matches the momentum (or Adam β₁) that PyTorch's `OneCycleLR(cycle_momentum=True,
 * base_momentum, max_momentum)` writes into the optimizer, in numbers and step counting.
 *
 * @throws Error when a phase option is out of range, a momentum is outside [0, 1] or
 * `baseMomentum` exceeds `maxMomentum`.
 * @example
 * ```ts
 * import { oneCycleSchedule, oneCycleMomentumSchedule } from '@gd/schedules'
 * const phases = { totalSteps: 1000, pctStart: 0.25 }
 * const lr = oneCycleSchedule({ ...phases, peak: 0.1 })
 * const momentum = oneCycleMomentumSchedule(phases)
 * momentum(0) // 0.95
 * momentum(249) // 0.85, where lr(249) is 0.1
 * momentum(999) // 0.95
 * ```
 */
export function oneCycleMomentumSchedule(options: OneCycleMomentumScheduleOptions): Schedule {
  const name = 'oneCycleMomentumSchedule'
  const {
    baseMomentum: base,
    maxMomentum: max,
    ...phases
  } = readOptions(name, options, {
    baseMomentum: withDefault(unit, 0.85),
    maxMomentum: withDefault(unit, 0.95),
    ...phaseSpec,
  } satisfies Spec<OneCycleMomentumScheduleOptions>)
  if (base > max) fail(name, 'baseMomentum', `at most maxMomentum (${max})`, base)
  return cycle(name, phases, max, base, max)
}

const phaseSpec = {
  totalSteps: positiveInteger,
  pctStart: /* @__PURE__ */ withDefault(fraction, 0.3),
  interpolation: /* @__PURE__ */ withDefault(oneOf(interpolations), 'cosine'),
  threePhase: /* @__PURE__ */ withDefault(boolean, false),
}

/**
 * PyTorch's phases: with p = pctStart and T = totalSteps, the values low, high, last sit at steps
 * 0, p·T − 1 and T − 1 (three-phase: low, high, low, last at 0, p·T − 1, 2p·T − 2, T − 1), and
 * the value holds at `last` after.
 */
function cycle(
  name: string,
  {
    totalSteps: total,
    pctStart: pct,
    interpolation,
    threePhase,
  }: { totalSteps: number; pctStart: number; interpolation: Interpolation; threePhase: boolean },
  low: number,
  high: number,
  last: number,
): Schedule {
  const rise = pct * total
  if (rise <= 1) fail(name, 'pctStart · totalSteps', 'above 1 so the rise lasts past step 0', rise)
  if (threePhase && 2 * rise >= total + 1) {
    const key = '2 · pctStart · totalSteps'
    fail(name, key, `below totalSteps + 1 (${total + 1}) so the last phase has length`, 2 * rise)
  }
  const steps = threePhase ? [0, rise - 1, 2 * rise - 2, total - 1, Infinity] : [0, rise - 1, total - 1, Infinity]
  const values = threePhase ? [low, high, low, last] : [low, high, last]
  return stepwise(name, (step) => through(interpolation, steps, values, step))
}
