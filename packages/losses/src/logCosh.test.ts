import { grad, type Var } from '@gd/autograd'
import { shapeArb, valuesArb } from '@gd/testing'
import { tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { logCosh } from './logCosh.js'

describe('logCosh', () => {
  it('matches log(cosh(d)) and has gradient tanh(d) on random inputs', () => {
    const pairs = shapeArb().chain((s) => fc.tuple(valuesArb(s), valuesArb(s)))
    fc.assert(
      fc.property(pairs, ([p, t]) => {
        const got = logCosh(p, t, { reduction: 'none' }).value.data
        const g = grad((v: Var) => logCosh(v, t, { reduction: 'sum' }))(p).data
        Array.from(p.data).forEach((x, i) => {
          const d = x - t.data[i]!
          expect(got[i]).toBeCloseTo(Math.log(Math.cosh(d)), 12)
          expect(got[i]).toBeGreaterThanOrEqual(0)
          expect(g[i]).toBeCloseTo(Math.tanh(d), 12)
        })
      }),
    )
  })

  it('is 0 at a perfect prediction', () => {
    expect(logCosh(tensor([1.5, -2]), tensor([1.5, -2])).item()).toBe(0)
  })

  it('names shape mismatches', () => {
    expect(() => logCosh(tensor([1]), tensor([[1]]))).toThrow(
      'logCosh: predictions [1] and targets [1,1] differ in shape',
    )
  })
})
