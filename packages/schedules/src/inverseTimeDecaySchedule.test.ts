import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { inverseTimeDecaySchedule } from './inverseTimeDecaySchedule.js'

describe('inverseTimeDecaySchedule', () => {
  it('divides init by 1 + decayRate · t / decaySteps', () => {
    const lr = inverseTimeDecaySchedule({ init: 0.1, decaySteps: 10, decayRate: 0.5 })
    expect(lr(0)).toBe(0.1)
    expect(lr(5)).toBeCloseTo(0.08, 15) // 0.1 / (1 + 0.5 · 0.5) = 0.1 / 1.25
    expect(lr(10)).toBeCloseTo(0.1 / 1.5, 15)
    expect(lr(20)).toBeCloseTo(0.05, 15) // 0.1 / (1 + 0.5 · 2)
  })

  it('decays in jumps with staircase', () => {
    const lr = inverseTimeDecaySchedule({ init: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true })
    expect(lr(9)).toBe(0.1)
    expect(lr(19)).toBeCloseTo(0.1 / 1.5, 15) // ⌊1.9⌋ = 1
  })

  it('is non-increasing and positive for a positive init', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.boolean(),
        fc.integer({ min: 0, max: 100_000 }),
        (init, decaySteps, decayRate, staircase, t) => {
          const lr = inverseTimeDecaySchedule({ init, decaySteps, decayRate, staircase })
          expect(lr(t + 1)).toBeLessThanOrEqual(lr(t))
          expect(lr(t)).toBeGreaterThan(0)
          expect(lr(t)).toBeLessThanOrEqual(init)
        },
      ),
    )
  })

  it('rejects bad options', () => {
    expect(() => inverseTimeDecaySchedule({ init: 1, decaySteps: -5, decayRate: 1 })).toThrow(
      'inverseTimeDecaySchedule: decaySteps must be a positive integer, got -5',
    )
    expect(() => inverseTimeDecaySchedule({ init: 1, decaySteps: 5, decayRate: -1 })).toThrow(
      'inverseTimeDecaySchedule: decayRate must be a positive finite number, got -1',
    )
    expect(() => inverseTimeDecaySchedule({ init: Number.NaN, decaySteps: 5, decayRate: 1 })).toThrow(
      'inverseTimeDecaySchedule: init must be a finite number, got NaN',
    )
  })
})
