import { shapeArb, valuesArb } from '@gd/testing'
import { tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { binaryCrossEntropy } from './binaryCrossEntropy.js'

const probabilities = { min: 0.01, max: 0.99 }

describe('binaryCrossEntropy', () => {
  it('matches −(y log p + (1 − y) log(1 − p)) on random inputs and is never negative', () => {
    const pairs = shapeArb().chain((s) => fc.tuple(valuesArb(s, probabilities), valuesArb(s, { min: 0, max: 1 })))
    fc.assert(
      fc.property(pairs, ([p, y]) => {
        const got = binaryCrossEntropy(p, y, { reduction: 'none' }).value.data
        Array.from(p.data).forEach((pi, i) => {
          const yi = y.data[i]!
          expect(got[i]).toBeCloseTo(-(yi * Math.log(pi) + (1 - yi) * Math.log(1 - pi)), 12)
          expect(got[i]).toBeGreaterThanOrEqual(0)
        })
      }),
    )
  })

  it('clamps probabilities to [eps, 1 − eps]', () => {
    // p = 0, y = 1 with eps = 0.01: −log 0.01 = 4.605…
    const p = tensor([0, 1], { dtype: 'float64' })
    const got = binaryCrossEntropy(p, tensor([1, 1], { dtype: 'float64' }), { eps: 0.01, reduction: 'none' })
    expect(got.toArray()).toEqual([expect.closeTo(-Math.log(0.01), 12), expect.closeTo(-Math.log(0.99), 12)])
  })

  it('rejects an eps outside (0, 0.5)', () => {
    expect(() => binaryCrossEntropy(tensor([0.5]), tensor([1]), { eps: 0.5 })).toThrow(
      'binaryCrossEntropy: eps must be in (0, 0.5), got 0.5',
    )
  })
})
