import { anywhere, positive, shapeArb, valuesArb } from '@gd/testing'
import { tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { poissonNll } from './poissonNll.js'

const stirling = (y: number): number => (y > 1 ? y * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI * y) : 0)

describe('poissonNll', () => {
  it('matches eˢ − y·s (log input) and λ − y·log(λ + eps) (rates) on random inputs, with and without full', () => {
    const cases = shapeArb().chain((s) =>
      fc.tuple(valuesArb(s, anywhere), valuesArb(s, positive), valuesArb(s, positive)),
    )
    fc.assert(
      fc.property(cases, ([s, y, rate]) => {
        const logs = poissonNll(s, y, { reduction: 'none' }).value.data
        const rates = poissonNll(rate, y, { logInput: false, reduction: 'none' }).value.data
        const full = poissonNll(s, y, { full: true, reduction: 'none' }).value.data
        Array.from(y.data).forEach((yi, i) => {
          expect(logs[i]).toBeCloseTo(Math.exp(s.data[i]!) - yi * s.data[i]!, 12)
          expect(rates[i]).toBeCloseTo(rate.data[i]! - yi * Math.log(rate.data[i]! + 1e-8), 12)
          expect(full[i]).toBeCloseTo(logs[i]! + stirling(yi), 12)
        })
      }),
    )
  })

  it('works cases by hand', () => {
    // s = 0, y = 2: e⁰ − 0 = 1;  s = ln 2, y = 2: 2 − 2 ln 2 = 0.6137…
    const got = poissonNll(tensor([0, Math.log(2)], { dtype: 'float64' }), tensor([2, 2], { dtype: 'float64' }), {
      reduction: 'none',
    })
    expect(got.toArray()).toEqual([1, expect.closeTo(2 - 2 * Math.LN2, 12)])
  })

  it('rejects bad options', () => {
    expect(() => poissonNll(tensor([1]), tensor([1]), { logInput: 'yes' as never })).toThrow(
      'poissonNll: logInput must be a boolean, got "yes"',
    )
    expect(() => poissonNll(tensor([1]), tensor([1]), { eps: -1 })).toThrow(
      'poissonNll: eps must be a non-negative finite number, got -1',
    )
  })
})
