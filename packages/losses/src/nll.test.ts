import { valuesArb } from '@gd/testing'
import { div, grad, mul, sum, toVar, type Var } from '@gd/autograd'
import { oneHot, tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nll } from './nll.js'
import { crossEntropy } from './softmaxCrossEntropy.js'

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

  it('picks the target along the class axis with the bits of the one-hot product, value and gradient', () => {
    // a −Infinity on a non-target class stays out of both, as in the one-hot product's exact zeros
    const logP = tensor([
      [-0.3, -1.7, -Infinity],
      [-2.25, -0.125, -3.5],
      [-1e-7, -20, -16.5],
      [-0.9, -0.6, -1.9],
    ])
    const y = tensor([0, 1, 0, 2], { dtype: 'int32' })
    const q = oneHot(y, 3)
    const product = (p: unknown) => crossEntropy(toVar('test', q), toVar('test', p as never))
    expect(Array.from(nll(logP, y, { reduction: 'none' }).value.data)).toEqual(Array.from(product(logP).value.data))
    expect(nll(logP, y, { reduction: 'none' }).value.toArray()).toEqual([
      0.30000001192092896, 0.125, 1.0000000116860974e-7, 1.899999976158142,
    ])
    const options = { classWeights: tensor([0.5, 2, 1]), ignoreIndex: 1 }
    const picked = grad((p: Var) => nll(p, y, options))(logP)
    const sums = grad((p: Var) => {
      const w = [0.5, 0, 0.5, 1] // class weights of the labels, 0 for the ignored one; 'mean' divides by their sum 2
      return div(sum(mul(nll(p, y, { reduction: 'none' }), tensor(w))), 2)
    })(logP)
    expect(picked.toArray()).toEqual([
      [-0.25, 0, 0],
      [0, 0, 0],
      [-0.25, 0, 0],
      [0, 0, -0.5],
    ])
    expect(picked.toArray()).toEqual(sums.toArray())
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
