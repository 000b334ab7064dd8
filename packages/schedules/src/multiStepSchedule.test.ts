import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { multiStepSchedule } from './multiStepSchedule.js'

/** Strictly increasing positive integers. */
const milestonesArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 6 })
  .map((xs) => [...xs].sort((a, b) => a - b))

describe('multiStepSchedule', () => {
  it('drops by gamma at each milestone step itself', () => {
    const lr = multiStepSchedule({ init: 0.1, milestones: [30, 80], gamma: 0.1 })
    expect(lr(29)).toBe(0.1)
    expect(lr(30)).toBeCloseTo(0.01, 15) // 0.1 · 0.1
    expect(lr(79)).toBeCloseTo(0.01, 15)
    expect(lr(80)).toBeCloseTo(0.001, 15) // 0.1 · 0.1²
    expect(lr(10_000)).toBeCloseTo(0.001, 15)
  })

  it('is constant with no milestones', () => {
    expect(multiStepSchedule({ init: 0.5, milestones: [] })(1000)).toBe(0.5)
  })

  it("agrees with PyTorch's MultiStepLR recurrence (multiply by gamma when t is a milestone)", () => {
    fc.assert(
      fc.property(milestonesArb, fc.double({ min: 0.05, max: 1, noNaN: true }), (milestones, gamma) => {
        const lr = multiStepSchedule({ init: 1, milestones, gamma })
        let torch = 1
        for (let t = 0; t <= 250; t++) {
          if (milestones.includes(t)) torch *= gamma
          expect(lr(t)).toBeCloseTo(torch, 12)
        }
      }),
    )
  })

  it('is non-increasing for a positive init', () => {
    fc.assert(
      fc.property(milestonesArb, fc.integer({ min: 0, max: 300 }), (milestones, t) => {
        const lr = multiStepSchedule({ init: 2, milestones, gamma: 0.5 })
        expect(lr(t + 1)).toBeLessThanOrEqual(lr(t))
      }),
    )
  })

  it('rejects bad options', () => {
    expect(() => multiStepSchedule({ init: 1, milestones: [50, 30] })).toThrow(
      'multiStepSchedule: milestones must be strictly increasing positive integers, got [50,30]',
    )
    expect(() => multiStepSchedule({ init: 1, milestones: [10, 10] })).toThrow(
      'multiStepSchedule: milestones must be strictly increasing positive integers, got [10,10]',
    )
    expect(() => multiStepSchedule({ init: 1, milestones: [0, 10] })).toThrow(
      'multiStepSchedule: milestones must be strictly increasing positive integers, got [0,10]',
    )
    expect(() => multiStepSchedule({ init: 1, milestones: [10], gamma: -0.1 })).toThrow(
      'multiStepSchedule: gamma must be in (0, 1], got -0.1',
    )
    expect(() => multiStepSchedule({ init: Infinity, milestones: [10] })).toThrow(
      'multiStepSchedule: init must be a finite number, got Infinity',
    )
    expect(() => multiStepSchedule({ init: 1, milestones: [10] })(1.5)).toThrow(
      'multiStepSchedule: step must be a non-negative integer, got 1.5',
    )
  })
})
