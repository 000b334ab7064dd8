import { describe, expect, it } from 'vitest'
import * as schedules from './index.js'
import { checkStep } from './schedule.js'

/** Every step-to-value schedule of the package, built with valid options. */
const all: [string, schedules.Schedule][] = [
  ['constantSchedule', schedules.constantSchedule(1)],
  ['stepDecaySchedule', schedules.stepDecaySchedule({ init: 1, stepSize: 2 })],
  ['multiStepSchedule', schedules.multiStepSchedule({ init: 1, milestones: [2] })],
  ['exponentialDecaySchedule', schedules.exponentialDecaySchedule({ init: 1, decaySteps: 2, decayRate: 0.5 })],
  ['inverseTimeDecaySchedule', schedules.inverseTimeDecaySchedule({ init: 1, decaySteps: 2, decayRate: 0.5 })],
  ['polynomialDecaySchedule', schedules.polynomialDecaySchedule({ init: 1, decaySteps: 2 })],
  ['linearSchedule', schedules.linearSchedule({ init: 1, end: 0, transitionSteps: 2 })],
  ['cosineDecaySchedule', schedules.cosineDecaySchedule({ init: 1, decaySteps: 2 })],
  ['cosineAnnealingWarmRestartsSchedule', schedules.cosineAnnealingWarmRestartsSchedule({ init: 1, period: 2 })],
  ['warmupSchedule', schedules.warmupSchedule({ warmupSteps: 2, schedule: schedules.constantSchedule(1) })],
  ['warmupCosineDecaySchedule', schedules.warmupCosineDecaySchedule({ peak: 1, warmupSteps: 1, totalSteps: 3 })],
  ['oneCycleSchedule', schedules.oneCycleSchedule({ peak: 1, totalSteps: 10 })],
  ['oneCycleMomentumSchedule', schedules.oneCycleMomentumSchedule({ totalSteps: 10 })],
  ['cyclicSchedule', schedules.cyclicSchedule({ init: 0, peak: 1 })],
  ['piecewiseConstantSchedule', schedules.piecewiseConstantSchedule({ boundaries: [], values: [1] })],
  ['piecewiseInterpolateSchedule', schedules.piecewiseInterpolateSchedule({ boundaries: [], values: [1] })],
  ['joinSchedules', schedules.joinSchedules({ boundaries: [], schedules: [schedules.constantSchedule(1)] })],
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
    const growth = schedules.exponentialDecaySchedule({ init: 0, decaySteps: 1, decayRate: 2 })
    expect(growth(10)).toBe(0)
    expect(() => growth(2000)).toThrow('exponentialDecaySchedule: value at step 2000 must be a finite number, got NaN')
    const up = schedules.exponentialDecaySchedule({ init: 1, decaySteps: 1, decayRate: 2 })
    expect(() => up(1100)).toThrow('exponentialDecaySchedule: value at step 1100 must be a finite number, got Infinity')
  })

  it('of a user schedule inside joinSchedules, warmupSchedule or cyclicSchedule is checked too', () => {
    const bad = (step: number) => (step < 2 ? 1 : NaN)
    const joined = schedules.joinSchedules({ boundaries: [1], schedules: [schedules.constantSchedule(1), bad] })
    expect(joined(2)).toBe(1)
    expect(() => joined(3)).toThrow('joinSchedules: value at step 3 must be a finite number, got NaN')
    const warm = schedules.warmupSchedule({ warmupSteps: 1, schedule: bad })
    expect(() => warm(3)).toThrow('warmupSchedule: value at step 3 must be a finite number, got NaN')
    const scaled = schedules.cyclicSchedule({ init: 0, peak: 1, stepSizeUp: 2, scaleFn: () => NaN })
    // even at height 0, 0 + 1 · 0 · NaN is NaN: the scale's NaN never hides
    expect(() => scaled(0)).toThrow('cyclicSchedule: value at step 0 must be a finite number, got NaN')
  })
})
