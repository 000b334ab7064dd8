import { shapeArb, valuesArb } from '@gd/testing'
import { tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sigmoidBinaryCrossEntropy } from './sigmoidBinaryCrossEntropy.js'

const sigma = (z: number): number => 1 / (1 + Math.exp(-z))

describe('sigmoidBinaryCrossEntropy', () => {
  it('matches −(y log σ(z) + (1 − y) log(1 − σ(z))), with and without a positive weight, on random inputs', () => {
    const cases = fc.tuple(
      shapeArb().chain((s) => fc.tuple(valuesArb(s), valuesArb(s, { min: 0, max: 1 }))),
      fc.double({ min: 0.1, max: 5, noNaN: true }),
    )
    fc.assert(
      fc.property(cases, ([[z, y], k]) => {
        const plain = sigmoidBinaryCrossEntropy(z, y, { reduction: 'none' }).value.data
        const weighted = sigmoidBinaryCrossEntropy(z, y, { reduction: 'none', positiveWeight: k }).value.data
        Array.from(z.data).forEach((zi, i) => {
          const yi = y.data[i]!
          expect(plain[i]).toBeCloseTo(-(yi * Math.log(sigma(zi)) + (1 - yi) * Math.log(1 - sigma(zi))), 11)
          expect(weighted[i]).toBeCloseTo(-(k * yi * Math.log(sigma(zi)) + (1 - yi) * Math.log(1 - sigma(zi))), 11)
        })
      }),
    )
  })

  it('works a case by hand', () => {
    // z = 0: log 2 whatever y is; z = 2, y = 1: log(1 + e⁻²) = 0.1269…
    const got = sigmoidBinaryCrossEntropy(
      tensor([0, 2], { dtype: 'float64' }),
      tensor([0.3, 1], { dtype: 'float64' }),
      { reduction: 'none' },
    )
    expect(got.toArray()).toEqual([expect.closeTo(Math.LN2, 12), expect.closeTo(Math.log1p(Math.exp(-2)), 12)])
  })

  it('rejects a positive weight that is not > 0', () => {
    expect(() => sigmoidBinaryCrossEntropy(tensor([0]), tensor([1]), { positiveWeight: 0 })).toThrow(
      'sigmoidBinaryCrossEntropy: positiveWeight must be a positive finite number, got 0',
    )
  })
})
