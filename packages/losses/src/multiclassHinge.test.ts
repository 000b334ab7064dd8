import { valuesArb } from '@gd/testing'
import { tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { multiclassHinge } from './multiclassHinge.js'

describe('multiclassHinge', () => {
  it('matches Σ_{c≠y} max(0, m − s_y + s_c) / C on random scores, labels and margins', () => {
    const cases = fc
      .tuple(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 4 }),
        fc.double({ min: 0.1, max: 3, noNaN: true }),
      )
      .chain(([n, c, m]) =>
        fc.tuple(
          valuesArb([n, c]),
          fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }),
          fc.constant(m),
        ),
      )
    fc.assert(
      fc.property(cases, ([s, y, margin]) => {
        const c = s.shape[1]!
        const got = multiclassHinge(s, tensor(y, { dtype: 'int32' }), { margin, reduction: 'none' }).value.data
        y.forEach((k, i) => {
          let total = 0
          for (let j = 0; j < c; j++)
            if (j !== k) total += Math.max(0, margin - s.data[i * c + k]! + s.data[i * c + j]!)
          expect(got[i]).toBeCloseTo(total / c, 12)
        })
      }),
    )
  })

  it('works a case by hand and is 0 when the true class wins by the margin', () => {
    // s = [2, 1.5, 0], y = 0: (max(0, 1 − 2 + 1.5) + max(0, 1 − 2 + 0)) / 3 = 0.5 / 3
    expect(multiclassHinge(tensor([[2, 1.5, 0]]), tensor([0], { dtype: 'int32' })).item()).toBeCloseTo(0.5 / 3, 6)
    expect(multiclassHinge(tensor([[3, 1.5, 0]]), tensor([0], { dtype: 'int32' })).item()).toBe(0)
  })

  it('takes only int32 labels and a positive margin', () => {
    expect(() => multiclassHinge(tensor([[0, 1]]), tensor([[0, 1]]))).toThrow(
      'multiclassHinge: targets must be int32 labels, got float32',
    )
    expect(() => multiclassHinge(tensor([[0, 1]]), tensor([0], { dtype: 'int32' }), { margin: 0 })).toThrow(
      'multiclassHinge: margin must be a positive finite number, got 0',
    )
  })
})
