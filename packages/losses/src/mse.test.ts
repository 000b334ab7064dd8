import { shapeArb, valuesArb } from '@gd/testing'
import { tensor, type Tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { mse } from './mse.js'

const pairs = shapeArb().chain((s) => fc.tuple(valuesArb(s), valuesArb(s)))
const each = (a: Tensor, b: Tensor, f: (x: number, y: number) => number): number[] =>
  Array.from(a.data, (x, i) => f(x, b.data[i]!))

describe('mse', () => {
  it('matches (ŷ − y)² elementwise, its mean and its sum, on random inputs', () => {
    fc.assert(
      fc.property(pairs, ([p, t]) => {
        const ref = each(p, t, (x, y) => (x - y) ** 2)
        Array.from(mse(p, t, { reduction: 'none' }).value.data).forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 12))
        const total = ref.reduce((a, b) => a + b, 0)
        expect(mse(p, t, { reduction: 'sum' }).item()).toBeCloseTo(total, 10)
        expect(mse(p, t).item()).toBeCloseTo(total / ref.length, 10)
        expect(mse(p, t).item()).toBeGreaterThanOrEqual(0)
        expect(mse(p, p).item()).toBe(0)
      }),
    )
  })

  it('works a small case by hand', () => {
    // ((1 − 0)² + (2 − 4)²) / 2 = 2.5
    expect(mse(tensor([1, 2]), tensor([0, 4])).item()).toBe(2.5)
  })

  it('names shape mismatches and bad options', () => {
    expect(() => mse(tensor([1, 2]), tensor([[1, 2]]))).toThrow(
      'mse: predictions [2] and targets [1,2] differ in shape',
    )
    expect(() => mse(tensor([1]), tensor([1]), { reduction: 'avg' as never })).toThrow(
      'mse: reduction must be "mean", "sum" or "none", got "avg"',
    )
    expect(() => mse(tensor([1]), tensor([1]), { weight: tensor([1]) } as never)).toThrow(
      'mse: unknown option weight, expected one of reduction, weights',
    )
  })
})
