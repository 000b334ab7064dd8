import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { polynomialDecaySchedule } from './polynomialDecaySchedule.js'

describe('polynomialDecaySchedule', () => {
  it("reproduces the values in Optax's polynomial_schedule documentation", () => {
    const lr = polynomialDecaySchedule({ init: 1, end: 0.01, decaySteps: 100, transitionBegin: 5, power: 2 })
    expect(lr(0)).toBe(1)
    expect(lr(5)).toBe(1)
    expect(lr(6)).toBeCloseTo(0.980299, 12) // 0.99 · 0.99² + 0.01
    expect(lr(104)).toBeCloseTo(0.010099, 12) // 0.99 · 0.01² + 0.01
    expect(lr(105)).toBe(0.01)
    expect(lr(110)).toBe(0.01)
  })

  it("is PyTorch's PolynomialLR when end is 0 (the default)", () => {
    const lr = polynomialDecaySchedule({ init: 0.1, decaySteps: 4, power: 1 })
    // PyTorch: base · (1 − min(t, total_iters) / total_iters)^power
    const torch = [0.1, 0.075, 0.05, 0.025, 0, 0] // 0.1 · (1 − t/4) for t = 0…4, then 0
    torch.forEach((value, t) => expect(lr(t)).toBeCloseTo(value, 15))
  })

  it('is monotone, within [end, init], and exact at both ends', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 300 }),
        (init, end, power, decaySteps, t) => {
          const lr = polynomialDecaySchedule({ init, end, power, decaySteps })
          const [low, high] = init <= end ? [init, end] : [end, init]
          expect(lr(t)).toBeGreaterThanOrEqual(low)
          expect(lr(t)).toBeLessThanOrEqual(high)
          if (init >= end) expect(lr(t + 1)).toBeLessThanOrEqual(lr(t))
          else expect(lr(t + 1)).toBeGreaterThanOrEqual(lr(t))
          expect(lr(0)).toBe(init)
          expect(lr(decaySteps)).toBe(end)
        },
      ),
    )
  })

  it('rejects bad options', () => {
    expect(() => polynomialDecaySchedule({ init: 1, decaySteps: 0 })).toThrow(
      'polynomialDecaySchedule: decaySteps must be a positive integer, got 0',
    )
    expect(() => polynomialDecaySchedule({ init: 1, decaySteps: 10, power: 0 })).toThrow(
      'polynomialDecaySchedule: power must be a positive finite number, got 0',
    )
    expect(() => polynomialDecaySchedule({ init: 1, decaySteps: 10, end: Infinity })).toThrow(
      'polynomialDecaySchedule: end must be a finite number, got Infinity',
    )
    expect(() => polynomialDecaySchedule({ init: 1, decaySteps: 10, transitionBegin: 0.5 })).toThrow(
      'polynomialDecaySchedule: transitionBegin must be a non-negative integer, got 0.5',
    )
  })
})
