import { grad, type Var } from '@gd/autograd'
import { shapeArb, valuesArb } from '@gd/testing'
import { tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { l1, mae } from './mae.js'

describe('mae / l1', () => {
  it('matches |ŷ − y| on random inputs; l1 is the same function', () => {
    const pairs = shapeArb().chain((s) => fc.tuple(valuesArb(s), valuesArb(s)))
    fc.assert(
      fc.property(pairs, ([p, t]) => {
        const ref = Array.from(p.data, (x, i) => Math.abs(x - t.data[i]!))
        Array.from(mae(p, t, { reduction: 'none' }).value.data).forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 12))
        expect(mae(p, t, { reduction: 'sum' }).item()).toBeCloseTo(
          ref.reduce((a, b) => a + b, 0),
          10,
        )
        expect(l1(p, t).item()).toBe(mae(p, t).item())
      }),
    )
    expect(l1).toBe(mae)
  })

  it('takes subgradient 0 at ŷ = y', () => {
    // d/dŷ |ŷ − y| = sign(ŷ − y): [0, 1, −1] at ŷ − y = [0, 2, −1], summed
    expect(grad((p: Var) => mae(p, tensor([1, 0, 1]), { reduction: 'sum' }))(tensor([1, 2, 0])).toArray()).toEqual([
      0, 1, -1,
    ])
  })

  it('names shape mismatches', () => {
    expect(() => mae(tensor([1]), tensor([1, 2]))).toThrow('mae: predictions [1] and targets [2] differ in shape')
  })
})
