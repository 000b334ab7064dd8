import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { linearSchedule } from './linearSchedule.js'

describe('linearSchedule', () => {
  it('moves in a straight line, then holds end', () => {
    const lr = linearSchedule({ init: 0, end: 0.1, transitionSteps: 100 })
    expect(lr(0)).toBe(0)
    expect(lr(25)).toBeCloseTo(0.025, 15)
    expect(lr(100)).toBe(0.1)
    expect(lr(500)).toBe(0.1)
  })

  it('waits transitionBegin steps before moving', () => {
    const lr = linearSchedule({ init: 1, end: 0, transitionSteps: 10, transitionBegin: 5 })
    expect(lr(5)).toBe(1)
    expect(lr(10)).toBeCloseTo(0.5, 15)
    expect(lr(15)).toBe(0)
  })

  it("matches PyTorch's LinearLR(start_factor, end_factor, total_iters)", () => {
    // base 0.1, start_factor 1/3, end_factor 1, total_iters 4:
    // PyTorch: 0.1 · (1/3 + (1 − 1/3) · min(t, 4) / 4)
    const lr = linearSchedule({ init: 0.1 / 3, end: 0.1, transitionSteps: 4 })
    for (let t = 0; t <= 6; t++) {
      expect(lr(t)).toBeCloseTo(0.1 * (1 / 3 + ((1 - 1 / 3) * Math.min(t, 4)) / 4), 15)
    }
  })

  it('is monotone, within [init, end] either way, and exact at both ends', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 300 }),
        (init, end, transitionSteps, transitionBegin, t) => {
          const lr = linearSchedule({ init, end, transitionSteps, transitionBegin })
          const [low, high] = init <= end ? [init, end] : [end, init]
          expect(lr(t)).toBeGreaterThanOrEqual(low)
          expect(lr(t)).toBeLessThanOrEqual(high)
          if (init >= end) expect(lr(t + 1)).toBeLessThanOrEqual(lr(t))
          else expect(lr(t + 1)).toBeGreaterThanOrEqual(lr(t))
          expect(lr(transitionBegin)).toBe(init)
          expect(lr(transitionBegin + transitionSteps)).toBe(end)
        },
      ),
    )
  })

  it('rejects bad options', () => {
    expect(() => linearSchedule({ init: 0, end: 1, transitionSteps: 0 })).toThrow(
      'linearSchedule: transitionSteps must be a positive integer, got 0',
    )
    expect(() => linearSchedule({ init: 0, end: Number.NaN, transitionSteps: 3 })).toThrow(
      'linearSchedule: end must be a finite number, got NaN',
    )
    expect(() => linearSchedule({ init: 0, end: 1, transitionSteps: 3, transitionBegin: -2 })).toThrow(
      'linearSchedule: transitionBegin must be a non-negative integer, got -2',
    )
  })
})
