import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { multiStepSchedule } from './multiStepSchedule.js'
import { piecewiseConstantSchedule } from './piecewiseConstantSchedule.js'

const boundariesArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 300 }), { maxLength: 6 })
  .map((xs) => [...xs].sort((a, b) => a - b))

describe('piecewiseConstantSchedule', () => {
  it('switches to the next value at each boundary step', () => {
    const lr = piecewiseConstantSchedule({ boundaries: [100, 200], values: [0.1, 0.01, 0.001] })
    expect(lr(0)).toBe(0.1)
    expect(lr(99)).toBe(0.1)
    expect(lr(100)).toBe(0.01)
    expect(lr(199)).toBe(0.01)
    expect(lr(200)).toBe(0.001)
    expect(lr(1e6)).toBe(0.001)
  })

  it('may rise as well as fall', () => {
    const lr = piecewiseConstantSchedule({ boundaries: [5], values: [0.01, 0.1] })
    expect(lr(5)).toBe(0.1)
  })

  it('equals multiStepSchedule when values are init · gammaᵏ (the Optax scale form)', () => {
    fc.assert(
      fc.property(boundariesArb, fc.double({ min: 0.1, max: 1, noNaN: true }), (boundaries, gamma) => {
        const values = [1, ...boundaries.map((_, k) => gamma ** (k + 1))]
        const lr = piecewiseConstantSchedule({ boundaries, values })
        const reference = multiStepSchedule({ init: 1, milestones: boundaries, gamma })
        for (let t = 0; t <= 310; t += 7) expect(lr(t)).toBeCloseTo(reference(t), 14)
      }),
    )
  })

  it('only ever returns one of its values, and values[k] right at boundary k', () => {
    fc.assert(
      fc.property(boundariesArb, fc.integer({ min: 0, max: 400 }), (boundaries, t) => {
        const values = [-1, ...boundaries.map((b) => b / 1000)]
        const lr = piecewiseConstantSchedule({ boundaries, values })
        expect(values).toContain(lr(t))
        boundaries.forEach((b, k) => expect(lr(b)).toBe(values[k + 1]))
      }),
    )
  })

  it('rejects bad options', () => {
    expect(() => piecewiseConstantSchedule({ boundaries: [200, 100], values: [1, 2, 3] })).toThrow(
      'piecewiseConstantSchedule: boundaries must be strictly increasing positive integers, got [200,100]',
    )
    expect(() => piecewiseConstantSchedule({ boundaries: [100], values: [1] })).toThrow(
      'piecewiseConstantSchedule: values must be a list of finite numbers of length 2 (one more than boundaries), got [1]',
    )
    expect(() => piecewiseConstantSchedule({ boundaries: [100], values: [1, Number.NaN] })).toThrow(
      'piecewiseConstantSchedule: values[1] must be a finite number, got NaN',
    )
  })
})
