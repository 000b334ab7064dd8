import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { piecewiseInterpolateSchedule } from './piecewiseInterpolateSchedule.js'

const anchorsArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 })
  .map((xs) => [...xs].sort((a, b) => a - b))
  .chain((boundaries) =>
    fc.record({
      boundaries: fc.constant(boundaries),
      values: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), {
        minLength: boundaries.length + 1,
        maxLength: boundaries.length + 1,
      }),
      interpolation: fc.constantFrom('linear' as const, 'cosine' as const),
    }),
  )

describe('piecewiseInterpolateSchedule', () => {
  it("reproduces Optax's documented example (init 1, scales {4: 0.1, 8: 0.01})", () => {
    // Optax's running products: 1, 1·0.1, 1·0.1·0.01.
    const lr = piecewiseInterpolateSchedule({ boundaries: [4, 8], values: [1, 0.1, 0.001] })
    expect(lr(0)).toBe(1)
    expect(lr(2)).toBeCloseTo(0.55, 15)
    expect(lr(4)).toBe(0.1)
    expect(lr(6)).toBeCloseTo(0.0505, 15)
    expect(lr(8)).toBe(0.001)
    expect(lr(10)).toBe(0.001)
  })

  it('interpolates along half a cosine when asked', () => {
    const lr = piecewiseInterpolateSchedule({ boundaries: [4], values: [1, 0], interpolation: 'cosine' })
    expect(lr(1)).toBeCloseTo((1 + Math.cos(Math.PI / 4)) / 2, 15) // ≈ 0.8536
    expect(lr(2)).toBeCloseTo(0.5, 15)
  })

  it('passes through every anchor, stays between neighbours, and is monotone between them', () => {
    fc.assert(
      fc.property(anchorsArb, fc.integer({ min: 0, max: 320 }), ({ boundaries, values, interpolation }, t) => {
        const lr = piecewiseInterpolateSchedule({ boundaries, values, interpolation })
        const steps = [0, ...boundaries]
        steps.forEach((b, k) => expect(lr(b)).toBe(values[k]))
        const k = steps.filter((b) => b <= t).length - 1
        const from = values[k] ?? 0
        const to = values[k + 1] ?? from
        // The cosine formula may round an ulp outside its anchors: 1e-14 absorbs that.
        expect(lr(t)).toBeGreaterThanOrEqual(Math.min(from, to) - 1e-14)
        expect(lr(t)).toBeLessThanOrEqual(Math.max(from, to) + 1e-14)
        if (t + 1 <= (steps[k + 1] ?? -1)) {
          const direction = Math.sign(to - from)
          expect(direction * (lr(t + 1) - lr(t))).toBeGreaterThanOrEqual(-1e-14)
        }
      }),
    )
  })

  it('rejects bad options', () => {
    expect(() => piecewiseInterpolateSchedule({ boundaries: [4, 4], values: [1, 2, 3] })).toThrow(
      'piecewiseInterpolateSchedule: boundaries must be strictly increasing positive integers, got [4,4]',
    )
    expect(() => piecewiseInterpolateSchedule({ boundaries: [4], values: [1, 2, 3] })).toThrow(
      'piecewiseInterpolateSchedule: values must be a list of finite numbers of length 2 (one more than boundaries), got [1,2,3]',
    )
    expect(() =>
      piecewiseInterpolateSchedule({ boundaries: [4], values: [1, 2], interpolation: 'cubic' as 'linear' }),
    ).toThrow('piecewiseInterpolateSchedule: interpolation must be "linear" or "cosine", got "cubic"')
  })
})
