import { describe, expect, it } from 'vitest'
import * as schedules from '../index.js'

/** Each options-taking export with a valid options object and its full list of option names. */
const cases: [string, (options: never) => unknown, object, string][] = [
  ['constant', schedules.constant, { value: 1 }, 'value'],
  ['stepDecay', schedules.stepDecay, { init: 1, stepSize: 2 }, 'init, stepSize, gamma'],
  ['multiStep', schedules.multiStep, { init: 1, milestones: [2] }, 'init, milestones, gamma'],
  [
    'exponentialDecay',
    schedules.exponentialDecay,
    { init: 1, decaySteps: 2, decayRate: 0.5 },
    'init, decaySteps, decayRate, transitionBegin, staircase, end',
  ],
  [
    'inverseTimeDecay',
    schedules.inverseTimeDecay,
    { init: 1, decaySteps: 2, decayRate: 0.5 },
    'init, decaySteps, decayRate, staircase',
  ],
  [
    'polynomialDecay',
    schedules.polynomialDecay,
    { init: 1, decaySteps: 2 },
    'init, end, power, decaySteps, transitionBegin',
  ],
  ['linear', schedules.linear, { init: 1, end: 0, transitionSteps: 2 }, 'init, end, transitionSteps, transitionBegin'],
  ['cosineDecay', schedules.cosineDecay, { init: 1, decaySteps: 2 }, 'init, decaySteps, alpha, exponent'],
  [
    'cosineAnnealingWarmRestarts',
    schedules.cosineAnnealingWarmRestarts,
    { init: 1, period: 2 },
    'init, end, period, periodMultiplier',
  ],
  ['warmup', schedules.warmup, { warmupSteps: 2, schedule: schedules.constant(1) }, 'init, warmupSteps, schedule'],
  [
    'warmupCosineDecay',
    schedules.warmupCosineDecay,
    { peak: 1, warmupSteps: 1, totalSteps: 3 },
    'init, peak, warmupSteps, totalSteps, end, exponent',
  ],
  [
    'oneCycle',
    schedules.oneCycle,
    { peak: 1, totalSteps: 10 },
    'peak, divFactor, finalDivFactor, totalSteps, pctStart, interpolation, threePhase',
  ],
  [
    'oneCycleMomentum',
    schedules.oneCycleMomentum,
    { totalSteps: 10 },
    'baseMomentum, maxMomentum, totalSteps, pctStart, interpolation, threePhase',
  ],
  [
    'cyclic',
    schedules.cyclic,
    { init: 0, peak: 1 },
    'init, peak, stepSizeUp, stepSizeDown, mode, gamma, scaleFn, scaleMode',
  ],
  ['piecewiseConstant', schedules.piecewiseConstant, { boundaries: [], values: [1] }, 'boundaries, values'],
  [
    'piecewiseInterpolate',
    schedules.piecewiseInterpolate,
    { boundaries: [], values: [1] },
    'boundaries, values, interpolation',
  ],
  ['join', schedules.join, { boundaries: [], schedules: [schedules.constant(1)] }, 'boundaries, schedules'],
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

  it.each(cases.filter(([name]) => name !== 'constant'))('%s rejects a missing options object', (name, make) => {
    expect(() => make(undefined as never)).toThrow(`${name}: options must be an object, got undefined`)
  })
})
