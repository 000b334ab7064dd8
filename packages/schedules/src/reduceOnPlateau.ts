import {
  fail,
  finite,
  fraction,
  nonNegative,
  nonNegativeInteger,
  oneOf,
  readOptions,
  withDefault,
  type Spec,
} from './internal/check.js'

/** Options for {@link reduceOnPlateau}. Names and defaults follow PyTorch's ReduceLROnPlateau. */
export interface ReduceOnPlateauOptions {
  /** The value before any reduction, e.g. the learning rate; not below `minValue`. */
  init: number
  /** 'min' when a lower metric is better (a loss), 'max' when higher is better. Default 'min'. */
  mode?: 'min' | 'max'
  /** Multiplier applied on a reduction, in (0, 1). Default 0.1. */
  factor?: number
  /** Bad steps tolerated: the value is reduced on the (patience + 1)-th bad step in a row. Default 10. */
  patience?: number
  /** Least improvement that counts as better; non-negative. Default 1e-4. */
  threshold?: number
  /**
   * 'relative': better means beyond best·(1 ∓ threshold); 'absolute': beyond best ∓ threshold.
   * Default 'relative'.
   */
  thresholdMode?: 'relative' | 'absolute'
  /** Steps after a reduction during which bad steps are not counted. Default 0. */
  cooldown?: number
  /** The value is never reduced below this; non-negative. Default 0. */
  minValue?: number
  /** A reduction smaller than this is skipped. Default 1e-8. */
  eps?: number
}

/**
 * The whole state of a plateau tracker: plain data that survives `JSON.parse(JSON.stringify(s))`,
 * so a run can be saved and resumed exactly.
 */
export interface ReduceOnPlateauState {
  /** The current value (learning rate). */
  value: number
  /** Best metric seen so far, or null before the first step. */
  best: number | null
  /** Bad steps in a row since the last improvement or reduction. */
  badSteps: number
  /** Steps of cooldown left. */
  cooldownLeft: number
  /** Metrics observed so far. */
  steps: number
  /** Reductions made so far. */
  reductions: number
}

/** A mutable convenience wrapper around the pure {@link ReduceOnPlateau.step}. */
export interface PlateauTracker {
  /** The current value. */
  readonly value: number
  /** A copy of the current state, ready to save. */
  readonly state: ReduceOnPlateauState
  /** Record one metric and return the (possibly reduced) value. */
  step(metric: number): number
}

/** The pure rule returned by {@link reduceOnPlateau}. */
export interface ReduceOnPlateau {
  /** The starting state: `init` as value, no metric seen. */
  init(): ReduceOnPlateauState
  /** The state after observing `metric`; the input state is not modified. */
  step(state: ReduceOnPlateauState, metric: number): ReduceOnPlateauState
  /** A mutable tracker, fresh or resumed from a saved state. */
  tracker(state?: ReduceOnPlateauState): PlateauTracker
}

/**
 * Reduce a value (the learning rate) by `factor` when a metric stops improving. Unlike the other
 * schedules it depends on the metrics seen, not on the step, so it is a pure state machine:
 * `step(state, metric) → state`, with the state as plain data. It returns that controller, not a
 * `Schedule` (a function of the step), which is why its name does not end in `Schedule`: read `state.value` (or
 * `tracker().value`) and pass the number, or a function of your own around it, to an optimizer.
 *
 * On each metric m: m is better when m < best·(1 − threshold) (mode 'min', relative),
 * m < best − threshold ('min', absolute), m > best·(1 + threshold) ('max', relative) or
 * m > best + threshold ('max', absolute); the first metric is always better. Better resets the
 * bad count and sets best = m, otherwise the bad count grows. During cooldown the count is held
 * at 0. When the count exceeds `patience`, value ← max(value·factor, minValue) (skipped if that
 * changes it by eps or less), the count resets and cooldown starts.
 *
 * Matches PyTorch's `ReduceLROnPlateau(mode, factor, patience, threshold, threshold_mode,
 * cooldown, min_lr=minValue, eps)` step for step. Metrics must be finite.
 *
 * @throws Error when an option is out of range; `step` throws on a non-finite metric or a
 * malformed state.
 * @example
 * ```ts
 * import { reduceOnPlateau } from '@gd/schedules'
 * const plateau = reduceOnPlateau({ init: 0.1, patience: 1 })
 * let state = plateau.init()
 * for (const loss of [1, 0.5, 0.6, 0.7]) state = plateau.step(state, loss)
 * state.value // ≈ 0.01: the second bad step in a row (0.7) exceeds patience 1
 * const saved = JSON.stringify(state) // resume later with JSON.parse(saved)
 *
 * const tracker = plateau.tracker()
 * tracker.step(1) // 0.1
 * ```
 */
export function reduceOnPlateau(options: ReduceOnPlateauOptions): ReduceOnPlateau {
  const name = 'reduceOnPlateau'
  const {
    init: given,
    mode,
    factor,
    patience,
    threshold,
    thresholdMode,
    cooldown,
    minValue,
    eps,
  } = readOptions(name, options, {
    init: finite,
    mode: withDefault(oneOf(['min', 'max'] as const), 'min'),
    factor: withDefault(fraction, 0.1),
    patience: withDefault(nonNegativeInteger, 10),
    threshold: withDefault(nonNegative, 1e-4),
    thresholdMode: withDefault(oneOf(['relative', 'absolute'] as const), 'relative'),
    cooldown: withDefault(nonNegativeInteger, 0),
    minValue: withDefault(nonNegative, 0),
    eps: withDefault(nonNegative, 1e-8),
  } satisfies Spec<ReduceOnPlateauOptions>)
  const init = given + 0 // −0 becomes 0, as JSON would make it
  if (init < minValue) fail(name, 'init', `at least minValue (${minValue})`, init)
  // Better means below best·(1 − threshold) or best − threshold ('min'), or above
  // best·(1 + threshold) or best + threshold ('max'); a − b is exactly a + (−b).
  const min = mode === 'min'
  const signed = min ? -threshold : threshold
  const relative = thresholdMode === 'relative'

  const check = (state: ReduceOnPlateauState): ReduceOnPlateauState => {
    if (typeof state !== 'object' || state === null) fail(name, 'state', 'an object from init() or step()', state)
    finite(name, 'state.value', state.value)
    if (state.best !== null) finite(name, 'state.best', state.best)
    for (const key of ['badSteps', 'cooldownLeft', 'steps', 'reductions'] as const) {
      nonNegativeInteger(name, `state.${key}`, state[key])
    }
    return state
  }

  const start = (): ReduceOnPlateauState => ({
    value: init,
    best: null,
    badSteps: 0,
    cooldownLeft: 0,
    steps: 0,
    reductions: 0,
  })

  const step = (state: ReduceOnPlateauState, metric: number): ReduceOnPlateauState => {
    let { value, best, badSteps, cooldownLeft, steps, reductions } = check(state)
    finite(name, 'metric', metric)
    // The first metric is always better; after it, the metric must beat `bar`.
    const bar = best === null ? 0 : relative ? best * (1 + signed) : best + signed
    if (best === null || (min ? metric < bar : metric > bar)) {
      best = metric + 0 // −0 is stored as 0, which is what JSON would give back
      badSteps = 0
    } else {
      badSteps++
    }
    if (cooldownLeft > 0) {
      cooldownLeft--
      badSteps = 0 // bad steps during cooldown are not counted
    }
    if (badSteps > patience) {
      const reduced = Math.max(value * factor, minValue)
      if (value - reduced > eps) {
        value = reduced
        reductions++
      }
      cooldownLeft = cooldown
      badSteps = 0
    }
    return { value, best, badSteps, cooldownLeft, steps: steps + 1, reductions }
  }

  const tracker = (resume?: ReduceOnPlateauState): PlateauTracker => {
    let current = resume === undefined ? start() : { ...check(resume) }
    return {
      get value() {
        return current.value
      },
      get state() {
        return { ...current }
      },
      step: (metric) => (current = step(current, metric)).value,
    }
  }

  return { init: start, step, tracker }
}
