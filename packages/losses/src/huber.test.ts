import { grad, type Var } from '@gd/autograd'
import { shapeArb, valuesArb } from '@gd/testing'
import { tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { huber } from './huber.js'

const ref = (d: number, delta: number): number =>
  Math.abs(d) <= delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta)

describe('huber', () => {
  it('matches the two-branch formula on random inputs and deltas', () => {
    const cases = fc.tuple(
      shapeArb().chain((s) => fc.tuple(valuesArb(s), valuesArb(s))),
      fc.double({ min: 0.1, max: 4, noNaN: true }),
    )
    fc.assert(
      fc.property(cases, ([[p, t], delta]) => {
        const got = huber(p, t, { delta, reduction: 'none' }).value.data
        Array.from(p.data).forEach((x, i) => expect(got[i]).toBeCloseTo(ref(x - t.data[i]!, delta), 12))
      }),
    )
  })

  it('works values and gradients by hand', () => {
    // d = 0.5 → ½·0.25 = 0.125;  d = 3 → 1·(3 − 0.5) = 2.5;  d = −2, δ = 1 → 1.5
    expect(huber(tensor([0.5, 3, -2]), tensor([0, 0, 0]), { reduction: 'none' }).toArray()).toEqual([0.125, 2.5, 1.5])
    // gradient is d clipped to [−δ, δ]
    expect(grad((p: Var) => huber(p, tensor([0, 0, 0]), { reduction: 'sum' }))(tensor([0.5, 3, -2])).toArray()).toEqual(
      [0.5, 1, -1],
    )
  })

  it('rejects a delta that is not > 0', () => {
    expect(() => huber(tensor([1]), tensor([1]), { delta: 0 })).toThrow(
      'huber: delta must be a positive finite number, got 0',
    )
    expect(() => huber(tensor([1]), tensor([1]), { delta: Number.NaN })).toThrow(
      'huber: delta must be a positive finite number, got NaN',
    )
  })
})
