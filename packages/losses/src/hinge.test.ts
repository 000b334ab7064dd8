import { grad, type Var } from '@gd/autograd'
import { shapeArb, valuesArb } from '@gd/testing'
import { Tensor, tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hinge, squaredHinge } from './hinge.js'

const signsArb = (shape: number[]): fc.Arbitrary<Tensor> => {
  const n = shape.reduce((a, b) => a * b, 1)
  return fc
    .array(fc.constantFrom(-1, 1), { minLength: n, maxLength: n })
    .map((v) => new Tensor(Float64Array.from(v), shape, 'float64'))
}

describe('hinge and squaredHinge', () => {
  it('match max(0, 1 − y·s) and its square on random scores and labels', () => {
    const cases = shapeArb().chain((s) => fc.tuple(valuesArb(s), signsArb(s)))
    fc.assert(
      fc.property(cases, ([s, y]) => {
        const h = hinge(s, y, { reduction: 'none' }).value.data
        const h2 = squaredHinge(s, y, { reduction: 'none' }).value.data
        Array.from(s.data).forEach((si, i) => {
          const m = Math.max(0, 1 - y.data[i]! * si)
          expect(h[i]).toBeCloseTo(m, 12)
          expect(h2[i]).toBeCloseTo(m * m, 12)
        })
      }),
    )
  })

  it('works values and subgradients by hand', () => {
    // max(0, 1 − 0.3) = 0.7, max(0, 1 − 2) = 0, and at the kink y·s = 1: 0
    const s = tensor([0.3, -2, 1])
    const y = tensor([1, -1, 1])
    expect(hinge(s, y, { reduction: 'none' }).toArray()).toEqual([expect.closeTo(0.7, 6), 0, 0])
    // d/ds = −y where the margin is violated, 0 elsewhere (and at the kink)
    // (+ 0 turns the −0 of −y·0 into 0 for toEqual)
    expect(Array.from(grad((v: Var) => hinge(v, y, { reduction: 'sum' }))(s).data, (g) => g + 0)).toEqual([-1, 0, 0])
    // squared: −2y·max(0, 1 − y·s) = −2·0.7
    expect(Array.from(grad((v: Var) => squaredHinge(v, y, { reduction: 'sum' }))(s).data, (g) => g + 0)).toEqual([
      expect.closeTo(-1.4, 6),
      0,
      0,
    ])
  })

  it('takes only ±1 targets', () => {
    expect(() => hinge(tensor([0.5]), tensor([0]))).toThrow(
      'hinge: targets must be -1 or 1 (map 0/1 labels with 2y − 1), got 0',
    )
    expect(() => squaredHinge(tensor([0.5]), tensor([1, 1]))).toThrow(
      'squaredHinge: predictions [1] and targets [2] differ in shape',
    )
  })
})
