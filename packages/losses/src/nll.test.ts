import { valuesArb } from '@gd/testing'
import { tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nll } from './nll.js'

describe('nll', () => {
  it('picks −log p[y] per sample on random inputs, in any batch shape', () => {
    const cases = fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }))
      .chain(([a, b, c]) =>
        fc.tuple(
          valuesArb([a, b, c]),
          fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: a * b, maxLength: a * b }),
        ),
      )
    fc.assert(
      fc.property(cases, ([logP, y]) => {
        const [a, b, c] = logP.shape as [number, number, number]
        const got = nll(logP, tensor(y, { dtype: 'int32', shape: [a, b] }), { reduction: 'none' })
        expect(got.shape).toEqual([a, b])
        y.forEach((k, i) => expect(got.value.data[i]).toBeCloseTo(-logP.data[i * c + k]!, 12))
      }),
    )
  })

  it('works a case by hand with an ignored label', () => {
    // −(−0.5) = 0.5; the second sample is ignored, so the mean is 0.5
    const logP = tensor([
      [-1, -0.5],
      [-2, -0.1],
    ])
    expect(nll(logP, tensor([1, 7], { dtype: 'int32' }), { ignoreIndex: 7 }).item()).toBe(0.5)
  })

  it('takes only int32 labels', () => {
    expect(() => nll(tensor([[0, 0]]), tensor([1]))).toThrow('nll: targets must be int32 labels, got float32')
    expect(() => nll(tensor([[0, 0]]), tensor([2], { dtype: 'int32' }))).toThrow(
      'nll: label 2 is out of range for 2 classes',
    )
  })
})
