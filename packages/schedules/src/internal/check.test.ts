import { describe, expect, it } from 'vitest'
import * as schedules from '../index.js'

/** Each options-taking export with a valid options object and its full list of option names. */
const cases: [string, (options: never) => unknown, object, string][] = [
  ['constantSchedule', schedules.constantSchedule, { value: 1 }, 'value'],
  ['stepDecaySchedule', schedules.stepDecaySchedule, { init: 1, stepSize: 2 }, 'init, stepSize, gamma'],
  ['multiStepSchedule', schedules.multiStepSchedule, { init: 1, milestones: [2] }, 'init, milestones, gamma'],
  [
    'exponentialDecaySchedule',
    schedules.exponentialDecaySchedule,
    { init: 1, decaySteps: 2, decayRate: 0.5 },
    'init, decaySteps, decayRate, transitionBegin, staircase, end',
  ],
  [
    'inverseTimeDecaySchedule',
    schedules.inverseTimeDecaySchedule,
    { init: 1, decaySteps: 2, decayRate: 0.5 },
    'init, decaySteps, decayRate, staircase',
  ],
  [
    'polynomialDecaySchedule',
    schedules.polynomialDecaySchedule,
    { init: 1, decaySteps: 2 },
    'init, end, power, decaySteps, transitionBegin',
  ],
  [
    'linearSchedule',
    schedules.linearSchedule,
    { init: 1, end: 0, transitionSteps: 2 },
    'init, end, transitionSteps, transitionBegin',
  ],
  [
    'cosineDecaySchedule',
    schedules.cosineDecaySchedule,
    { init: 1, decaySteps: 2 },
    'init, decaySteps, alpha, exponent',
  ],
  [
    'cosineAnnealingWarmRestartsSchedule',
    schedules.cosineAnnealingWarmRestartsSchedule,
    { init: 1, period: 2 },
    'init, end, period, periodMultiplier',
  ],
  [
    'warmupSchedule',
    schedules.warmupSchedule,
    { warmupSteps: 2, schedule: schedules.constantSchedule(1) },
    'init, warmupSteps, schedule',
  ],
  [
    'warmupCosineDecaySchedule',
    schedules.warmupCosineDecaySchedule,
    { peak: 1, warmupSteps: 1, totalSteps: 3 },
    'init, peak, warmupSteps, totalSteps, end, exponent',
  ],
  [
    'oneCycleSchedule',
    schedules.oneCycleSchedule,
    { peak: 1, totalSteps: 10 },
    'peak, divFactor, finalDivFactor, totalSteps, pctStart, interpolation, threePhase',
  ],
  [
    'oneCycleMomentumSchedule',
    schedules.oneCycleMomentumSchedule,
    { totalSteps: 10 },
    'baseMomentum, maxMomentum, totalSteps, pctStart, interpolation, threePhase',
  ],
  [
    'cyclicSchedule',
    schedules.cyclicSchedule,
    { init: 0, peak: 1 },
    'init, peak, stepSizeUp, stepSizeDown, mode, gamma, scaleFn, scaleMode',
  ],
  [
    'piecewiseConstantSchedule',
    schedules.piecewiseConstantSchedule,
    { boundaries: [], values: [1] },
    'boundaries, values',
  ],
  [
    'piecewiseInterpolateSchedule',
    schedules.piecewiseInterpolateSchedule,
    { boundaries: [], values: [1] },
    'boundaries, values, interpolation',
  ],
  [
    'joinSchedules',
    schedules.joinSchedules,
    { boundaries: [], schedules: [schedules.constantSchedule(1)] },
    'boundaries, schedules',
  ],
  [
    'reduceOnPlateau',
    schedules.reduceOnPlateau,
    { init: 1 },
    'init, mode, factor, patience, threshold, thresholdMode, cooldown, minValue, eps',
  ],
]

describe('options objects', () => {
  it.each(cases)('%s accepts its valid options', (_, make, options) => {
    expect(() => make(options as never)).not.toThrow()
  })

  it.each(cases)('%s rejects a misspelt option, naming the valid ones', (name, make, options, known) => {
    expect(() => make({ ...options, decaySetps: 3 } as never)).toThrow(
      `${name}: unknown option decaySetps, expected one of ${known}`,
    )
  })

  it.each(cases)('%s suggests the option a misspelt name was meant to be', (name, make, options) => {
    const [first] = Object.keys(options)
    const typo = first!.slice(1) // one letter dropped: a likely typo of the first option
    expect(() => make({ ...options, [first!]: undefined, [typo]: 1 } as never)).toThrow(
      new RegExp(`^${name}: unknown option ${typo}, expected one of .*; did you mean ${first}\\?$`),
    )
  })

  it.each(cases.filter(([name]) => name !== 'constantSchedule'))(
    '%s reads missing or null options as empty ones, and rejects other non-objects',
    (name, make) => {
      let empty = ''
      try {
        make({} as never)
      } catch (e) {
        empty = (e as Error).message
      }
      expect(empty).toMatch(new RegExp(`^${name}: \\w+ must be .*, got undefined$`))
      expect(() => make(undefined as never)).toThrow(empty)
      expect(() => make(null as never)).toThrow(empty)
      expect(() => make(5 as never)).toThrow(`${name}: options must be a plain object, got 5`)
      expect(() => make([1] as never)).toThrow(`${name}: options must be a plain object, got [1]`)
    },
  )

  it('name the first missing required option', () => {
    expect(() => schedules.cosineDecaySchedule(undefined as never)).toThrow(
      'cosineDecaySchedule: init must be a finite number, got undefined',
    )
    expect(() => schedules.warmupSchedule({} as never)).toThrow(
      'warmupSchedule: warmupSteps must be a non-negative integer, got undefined',
    )
    expect(() => schedules.cosineDecaySchedule({ init: 1, decaySetps: 10 } as never)).toThrow(
      'cosineDecaySchedule: unknown option decaySetps, expected one of init, decaySteps, alpha, exponent; did you mean decaySteps?',
    )
  })

  it('take null as a value, not as a missing option', () => {
    expect(() => schedules.polynomialDecaySchedule({ init: 1, decaySteps: 2, end: null } as never)).toThrow(
      'polynomialDecaySchedule: end must be a finite number, got null',
    )
  })
})
