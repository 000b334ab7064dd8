import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stepDecaySchedule } from './stepDecaySchedule.js'

describe('stepDecaySchedule', () => {
  it('drops by gamma every stepSize steps, first at step stepSize', () => {
    const lr = stepDecaySchedule({ init: 0.1, stepSize: 30, gamma: 0.1 })
    expect(lr(0)).toBe(0.1)
    expect(lr(29)).toBe(0.1)
    expect(lr(30)).toBeCloseTo(0.01, 15) // 0.1 · 0.1¹
    expect(lr(59)).toBeCloseTo(0.01, 15)
    expect(lr(60)).toBeCloseTo(0.001, 15) // 0.1 · 0.1²
  })

  it('defaults gamma to 0.1, as PyTorch', () => {
    expect(stepDecaySchedule({ init: 1, stepSize: 2 })(2)).toBeCloseTo(0.1, 15)
  })

  it("agrees with PyTorch's StepLR recurrence (multiply by gamma when t % stepSize == 0)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-4, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (init, stepSize, gamma) => {
          const lr = stepDecaySchedule({ init, stepSize, gamma })
          let torch = init
          for (let t = 0; t < 100; t++) {
            if (t > 0 && t % stepSize === 0) torch *= gamma
            expect(lr(t)).toBeCloseTo(torch, 12)
          }
        },
      ),
    )
  })

  it('is non-increasing and stays in (0, init] for a positive init', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-4, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 10_000 }),
        (init, stepSize, gamma, t) => {
          const lr = stepDecaySchedule({ init, stepSize, gamma })
          expect(lr(t + 1)).toBeLessThanOrEqual(lr(t))
          expect(lr(t)).toBeLessThanOrEqual(init)
          expect(lr(t)).toBeGreaterThanOrEqual(0)
        },
      ),
    )
  })

  it('rejects bad options and steps', () => {
    expect(() => stepDecaySchedule({ init: Number.NaN, stepSize: 1 })).toThrow(
      'stepDecaySchedule: init must be a finite number, got NaN',
    )
    expect(() => stepDecaySchedule({ init: 1, stepSize: 0 })).toThrow(
      'stepDecaySchedule: stepSize must be a positive integer, got 0',
    )
    expect(() => stepDecaySchedule({ init: 1, stepSize: 2.5 })).toThrow(
      'stepDecaySchedule: stepSize must be a positive integer, got 2.5',
    )
    expect(() => stepDecaySchedule({ init: 1, stepSize: 1, gamma: 1.5 })).toThrow(
      'stepDecaySchedule: gamma must be in (0, 1], got 1.5',
    )
    expect(() => stepDecaySchedule({ init: 1, stepSize: 1, gamma: 0 })).toThrow(
      'stepDecaySchedule: gamma must be in (0, 1], got 0',
    )
    expect(() => stepDecaySchedule({ init: 1, stepSize: 1 })(-3)).toThrow(
      'stepDecaySchedule: step must be a non-negative integer, got -3',
    )
  })
})
