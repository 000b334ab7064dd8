import { shapeArb, valuesArb } from '@gd/testing'
import { tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sigmoidBinaryCrossEntropy } from './sigmoidBinaryCrossEntropy.js'
import { sigmoidFocal } from './sigmoidFocal.js'

const sigma = (z: number): number => 1 / (1 + Math.exp(-z))

/** The paper's formula, written naively in scalars. */
function reference(z: number, y: number, gamma: number, alpha: number | undefined): number {
  const p = sigma(z)
  const ce = -(y * Math.log(p) + (1 - y) * Math.log(1 - p))
  const pt = p * y + (1 - p) * (1 - y)
  const at = alpha === undefined ? 1 : alpha * y + (1 - alpha) * (1 - y)
  return at * (1 - pt) ** gamma * ce
}

describe('sigmoidFocal', () => {
  it('matches α_t (1 − p_t)^γ CE on random logits, soft labels, γ and α', () => {
    const cases = fc.tuple(
      shapeArb().chain((s) => fc.tuple(valuesArb(s), valuesArb(s, { min: 0, max: 1 }))),
      fc.double({ min: 0, max: 4, noNaN: true }),
      fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    )
    fc.assert(
      fc.property(cases, ([[z, y], gamma, alpha]) => {
        const got = sigmoidFocal(z, y, { gamma, reduction: 'none', ...(alpha === undefined ? {} : { alpha }) }).value
          .data
        Array.from(z.data).forEach((zi, i) => expect(got[i]).toBeCloseTo(reference(zi, y.data[i]!, gamma, alpha), 10))
      }),
    )
  })

  it('is sigmoidBinaryCrossEntropy at γ = 0 and works a case by hand', () => {
    const z = tensor([-1, 0.5, 2], { dtype: 'float64' })
    const y = tensor([1, 0, 0.4], { dtype: 'float64' })
    expect(sigmoidFocal(z, y, { gamma: 0 }).item()).toBeCloseTo(sigmoidBinaryCrossEntropy(z, y).item(), 14)
    // z = 0, y = 1, γ = 2: (1 − ½)² · log 2 = 0.1733…
    expect(sigmoidFocal(tensor([0], { dtype: 'float64' }), tensor([1], { dtype: 'float64' })).item()).toBeCloseTo(
      0.25 * Math.LN2,
      14,
    )
  })

  it('rejects targets outside [0, 1] and bad gamma and alpha', () => {
    expect(() => sigmoidFocal(tensor([0]), tensor([2]))).toThrow('sigmoidFocal: targets must be in [0, 1], got 2')
    expect(() => sigmoidFocal(tensor([0]), tensor([1]), { gamma: -1 })).toThrow(
      'sigmoidFocal: gamma must be a non-negative finite number, got -1',
    )
    expect(() => sigmoidFocal(tensor([0]), tensor([1]), { alpha: 1.5 })).toThrow(
      'sigmoidFocal: alpha must be in [0, 1], got 1.5',
    )
  })
})
