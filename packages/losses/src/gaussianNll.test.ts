import { anywhere, positive, shapeArb, valuesArb } from '@gd/testing'
import { tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { gaussianNll } from './gaussianNll.js'

describe('gaussianNll', () => {
  it('matches ½(log σ² + (μ − y)²/σ²) on random inputs, with a per-element and a shared variance', () => {
    const cases = shapeArb().chain((s) =>
      fc.tuple(valuesArb(s, anywhere), valuesArb(s, anywhere), valuesArb(s, positive), valuesArb([], positive)),
    )
    fc.assert(
      fc.property(cases, ([mu, y, v, shared]) => {
        const each = gaussianNll(mu, y, v, { reduction: 'none' }).value.data
        const one = gaussianNll(mu, y, shared, { reduction: 'none', full: true }).value.data
        const s = shared.item()
        Array.from(mu.data).forEach((m, i) => {
          const d2 = (m - y.data[i]!) ** 2
          expect(each[i]).toBeCloseTo(0.5 * (Math.log(v.data[i]!) + d2 / v.data[i]!), 12)
          expect(one[i]).toBeCloseTo(0.5 * (Math.log(s) + d2 / s) + 0.5 * Math.log(2 * Math.PI), 12)
        })
      }),
    )
  })

  it('clamps the variance at eps and works a case by hand', () => {
    // μ = 1, y = 3, σ² = 4: ½(log 4 + 1) = 1.1931…
    expect(
      gaussianNll(
        tensor([1], { dtype: 'float64' }),
        tensor([3], { dtype: 'float64' }),
        tensor([4], { dtype: 'float64' }),
      ).item(),
    ).toBeCloseTo(0.5 * (Math.log(4) + 1), 12)
    // σ² = 0 is held at eps = 0.5: ½(log 0.5 + 0/0.5)
    expect(
      gaussianNll(
        tensor([0], { dtype: 'float64' }),
        tensor([0], { dtype: 'float64' }),
        tensor([0], { dtype: 'float64' }),
        { eps: 0.5 },
      ).item(),
    ).toBeCloseTo(0.5 * Math.log(0.5), 12)
  })

  it('names a variance that does not broadcast, a negative variance and a bad eps', () => {
    expect(() => gaussianNll(tensor([[1, 2]]), tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(
      'gaussianNll: variance [3] does not broadcast to predictions [1,2]',
    )
    expect(() => gaussianNll(tensor([1]), tensor([1]), tensor([-1]))).toThrow(
      'gaussianNll: variance must be >= 0, got -1',
    )
    expect(() => gaussianNll(tensor([1]), tensor([1]), tensor([1]), { eps: 0 })).toThrow(
      'gaussianNll: eps must be a positive finite number, got 0',
    )
  })
})
