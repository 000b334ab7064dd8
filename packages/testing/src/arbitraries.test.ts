import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { valuesArb, type SmoothDomain } from './arbitraries.js'

/** 40 draws of a [5] tensor in `domain`, flattened. */
const draw = (domain: SmoothDomain): number[] =>
  fc.sample(valuesArb([5], domain), { numRuns: 40, seed: 7 }).flatMap((t) => Array.from(t.data))
const distanceToInteger = (x: number): number => Math.abs(x - Math.round(x))

describe('valuesArb turns the smooth domains @gd/autograd declares into values', () => {
  it('draws each named domain inside its range', () => {
    expect(draw('anywhere').every((x) => x >= -3 && x <= 3)).toBe(true)
    expect(draw('positive').every((x) => x >= 0.2 && x <= 3)).toBe(true)
    expect(draw('awayFromZero').every((x) => Math.abs(x) >= 0.2 && Math.abs(x) <= 3.2)).toBe(true)
    // u ∈ [-3, 3] maps to k + u/30: within 0.1 of the integer k (1e-12 for rounding)
    expect(draw('nearIntegers').every((x) => distanceToInteger(x) <= 0.1 + 1e-12)).toBe(true)
    expect(draw('nearHalfIntegers').every((x) => distanceToInteger(x - 0.5) <= 0.1 + 1e-12)).toBe(true)
  })

  it('draws both signs away from zero, and distinct values as a shuffle of −2, −1.7, …', () => {
    const away = draw('awayFromZero')
    expect(away.some((x) => x < 0) && away.some((x) => x > 0)).toBe(true)
    for (const t of fc.sample(valuesArb([2, 3], 'distinct'), { numRuns: 20, seed: 3 })) {
      expect(t.shape).toEqual([2, 3])
      // 0.3·i − 2 for i = 0..5: −2, −1.7, −1.4, −1.1, −0.8, −0.5 in some order
      expect(Array.from(t.data).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5].map((i) => 0.3 * i - 2))
    }
  })
})
