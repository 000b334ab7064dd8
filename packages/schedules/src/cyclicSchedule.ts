import {
  factor,
  finite,
  func,
  oneOf,
  optional,
  positiveInteger,
  readOptions,
  stepwise,
  withDefault,
  type Check,
  type Spec,
} from './internal/check.js'
import type { Schedule } from './schedule.js'

/** The amplitude policies of {@link cyclicSchedule}. */
export type CyclicMode = 'triangular' | 'triangular2' | 'expRange'

/** Options for {@link cyclicSchedule}. */
export interface CyclicScheduleOptions {
  /** Value at step 0 and at the start of every cycle (PyTorch's `base_lr`). */
  init: number
  /** Value at the top of the first cycle (PyTorch's `max_lr`). */
  peak: number
  /** Steps from `init` up to the top; a positive integer. Default 2000 (as PyTorch). */
  stepSizeUp?: number
  /** Steps from the top back down to `init`; a positive integer. Default `stepSizeUp`. */
  stepSizeDown?: number
  /**
   * Amplitude policy. 'triangular': every cycle reaches `peak`. 'triangular2': the amplitude
   * halves every cycle. 'expRange': the amplitude is scaled by gamma^t. Default 'triangular'.
   */
  mode?: CyclicMode
  /** Per-step amplitude factor for 'expRange', in (0, 1]. Default 1 (as PyTorch). */
  gamma?: number
  /**
   * A custom amplitude scale in place of `mode`: called with the 1-based cycle number (or with
   * the step, when `scaleMode` is 'iterations'), it should return a factor in [0, 1].
   */
  scaleFn?: (x: number) => number
  /** What `scaleFn` receives: the cycle number ('cycle', default) or the step ('iterations'). */
  scaleMode?: 'cycle' | 'iterations'
}

/**
 * Cyclical learning rates (Smith, 2017): a triangle wave between `init` and `peak`, with an
 * amplitude that may shrink over time.
 *
 * L = stepSizeUp + stepSizeDown, cycle = ⌊t / L⌋ + 1, u = t mod L
 * h = u / stepSizeUp while u ≤ stepSizeUp, else (L − u) / stepSizeDown
 * η(t) = init + (peak − init) · h · scale, with scale = 1 (triangular), 1 / 2^(cycle − 1)
 * (triangular2) or gamma^t (expRange).
 *
 * Matches PyTorch's `CyclicLR(base_lr=init, max_lr=peak, step_size_up, step_size_down, mode,
 * gamma, scale_fn, scale_mode)` in numbers (up to rounding: the position within the cycle is
 * found in exact integers here) and step counting. Optax has no cyclic schedule. 'triangular'
 * is periodic with period L. PyTorch's cycled momentum is this schedule with
 * `init: maxMomentum, peak: baseMomentum`.
 *
 * @see https://arxiv.org/abs/1506.01186
 * @throws Error when a value is not finite, a step size is not a positive integer, `mode` or
 * `scaleMode` is unknown, `gamma` is outside (0, 1] or `scaleFn` is not a function.
 * @example
 * ```ts
 * import { cyclicSchedule } from '@gd/schedules'
 * const lr = cyclicSchedule({ init: 0.001, peak: 0.006, stepSizeUp: 10, mode: 'triangular2' })
 * lr(10) // 0.006: top of cycle 1
 * lr(20) // 0.001: back at the bottom, cycle 2 starts
 * lr(30) // 0.0035: top of cycle 2, half the amplitude
 * ```
 */
export function cyclicSchedule(options: CyclicScheduleOptions): Schedule {
  const name = 'cyclicSchedule'
  const {
    init,
    peak,
    stepSizeUp: up,
    stepSizeDown,
    mode,
    gamma,
    scaleFn: custom,
    scaleMode,
  } = readOptions(name, options, {
    init: finite,
    peak: finite,
    stepSizeUp: withDefault(positiveInteger, 2000),
    stepSizeDown: optional(positiveInteger), // defaults to stepSizeUp
    mode: withDefault(oneOf<CyclicMode>(['triangular', 'triangular2', 'expRange']), 'triangular'),
    gamma: withDefault(factor, 1),
    scaleFn: optional(func as Check<(x: number) => number>),
    scaleMode: withDefault(oneOf(['cycle', 'iterations'] as const), 'cycle'),
  } satisfies Spec<CyclicScheduleOptions>)
  const down = stepSizeDown ?? up
  const length = up + down
  return stepwise(name, (step) => {
    const cycle = Math.floor(step / length) + 1
    const u = step % length
    const height = u <= up ? u / up : (length - u) / down
    // The amplitude: scaleFn's, halved every cycle (triangular2), gamma^t (expRange) or 1.
    const scale = custom
      ? custom(scaleMode === 'cycle' ? cycle : step)
      : mode === 'triangular2'
        ? 1 / 2 ** (cycle - 1)
        : mode === 'expRange'
          ? gamma ** step
          : 1
    return init + (peak - init) * height * scale
  })
}
