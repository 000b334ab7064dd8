import { describe, expect, it } from 'vitest'
import * as schedules from './index.js'
import { checkStep } from './schedule.js'

/** Every step-to-value schedule of the package, built with valid options. */
const all: [string, schedules.Schedule][] = [
  ['constant', schedules.constant(1)],
  ['stepDecay', schedules.stepDecay({ init: 1, stepSize: 2 })],
  ['multiStep', schedules.multiStep({ init: 1, milestones: [2] })],
  ['exponentialDecay', schedules.exponentialDecay({ init: 1, decaySteps: 2, decayRate: 0.5 })],
  ['inverseTimeDecay', schedules.inverseTimeDecay({ init: 1, decaySteps: 2, decayRate: 0.5 })],
  ['polynomialDecay', schedules.polynomialDecay({ init: 1, decaySteps: 2 })],
  ['linear', schedules.linear({ init: 1, end: 0, transitionSteps: 2 })],
  ['cosineDecay', schedules.cosineDecay({ init: 1, decaySteps: 2 })],
  ['cosineAnnealingWarmRestarts', schedules.cosineAnnealingWarmRestarts({ init: 1, period: 2 })],
  ['warmup', schedules.warmup({ warmupSteps: 2, schedule: schedules.constant(1) })],
  ['warmupCosineDecay', schedules.warmupCosineDecay({ peak: 1, warmupSteps: 1, totalSteps: 3 })],
  ['oneCycle', schedules.oneCycle({ peak: 1, totalSteps: 10 })],
  ['oneCycleMomentum', schedules.oneCycleMomentum({ totalSteps: 10 })],
  ['cyclic', schedules.cyclic({ init: 0, peak: 1 })],
  ['piecewiseConstant', schedules.piecewiseConstant({ boundaries: [], values: [1] })],
  ['piecewiseInterpolate', schedules.piecewiseInterpolate({ boundaries: [], values: [1] })],
  ['join', schedules.join({ boundaries: [], schedules: [schedules.constant(1)] })],
]

describe('the step argument', () => {
  // A step is a count of updates: anything but a non-negative safe integer is an error, never
  // rounded, coerced or turned into NaN.
  it.each(all)('%s rejects steps that are not non-negative integers', (name, schedule) => {
    for (const [step, shown] of [
      [-1, '-1'],
      [1.5, '1.5'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      ['3', '"3"'],
      [undefined, 'undefined'],
      [2 ** 53, '9007199254740992'],
      [Symbol('s'), 'a symbol'],
    ] as const) {
      expect(() => schedule(step as never)).toThrow(`${name}: step must be a non-negative integer, got ${shown}`)
    }
    expect(Number.isFinite(schedule(0))).toBe(true)
  })

  it('is checked by checkStep, which also checks the name it is given', () => {
    expect(() => checkStep('mine', 3)).not.toThrow()
    expect(() => checkStep('mine', -0.5)).toThrow('mine: step must be a non-negative integer, got -0.5')
    expect(() => checkStep(5 as never, 3)).toThrow('checkStep: name must be a string, got 5')
  })
})

describe('the value', () => {
  it('is never a silent NaN or infinity, even when the formula overflows', () => {
    // 0 · 2^2000 = 0 · Infinity = NaN in floating point.
    const growth = schedules.exponentialDecay({ init: 0, decaySteps: 1, decayRate: 2 })
    expect(growth(10)).toBe(0)
    expect(() => growth(2000)).toThrow('exponentialDecay: value at step 2000 must be a finite number, got NaN')
    const up = schedules.exponentialDecay({ init: 1, decaySteps: 1, decayRate: 2 })
    expect(() => up(1100)).toThrow('exponentialDecay: value at step 1100 must be a finite number, got Infinity')
  })

  it('of a user schedule inside join, warmup or cyclic is checked too', () => {
    const bad = (step: number) => (step < 2 ? 1 : NaN)
    const joined = schedules.join({ boundaries: [1], schedules: [schedules.constant(1), bad] })
    expect(joined(2)).toBe(1)
    expect(() => joined(3)).toThrow('join: value at step 3 must be a finite number, got NaN')
    const warm = schedules.warmup({ warmupSteps: 1, schedule: bad })
    expect(() => warm(3)).toThrow('warmup: value at step 3 must be a finite number, got NaN')
    const scaled = schedules.cyclic({ init: 0, peak: 1, stepSizeUp: 2, scaleFn: () => NaN })
    // even at height 0, 0 + 1 · 0 · NaN is NaN: the scale's NaN never hides
    expect(() => scaled(0)).toThrow('cyclic: value at step 0 must be a finite number, got NaN')
  })
})
