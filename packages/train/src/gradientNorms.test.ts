import { tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { gradientNorms } from './gradientNorms.js'

describe('gradientNorms', () => {
  it('gives global, per-group and per-leaf L2 norms', () => {
    const g = [
      {
        w: tensor([
          [3, 0],
          [0, 4],
        ]),
        b: tensor([12]),
      },
      {},
      { w: tensor([0, 0]) },
    ]
    // layer 0: √(9 + 16 + 144) = 13; layer 2: 0; global 13.
    expect(gradientNorms(g)).toEqual({
      global: 13,
      groups: { '0': 13, '2': 0 },
      leaves: { '0.w': 5, '0.b': 12, '2.w': 0 },
    })
    expect(gradientNorms(tensor([3, 4]))).toEqual({ global: 5, groups: { '(root)': 5 }, leaves: { '(root)': 5 } })
  })

  it('sums in float64: float32 gradients of 1e30 do not overflow', () => {
    const n = gradientNorms({ w: tensor([3e30, 4e30]) })
    expect(n.global / 5e30).toBeCloseTo(1, 6) // 3e30 and 4e30 round to float32, hence 6 digits
    expect(gradientNorms({ w: tensor([1, NaN]) }).global).toBeNaN()
  })

  it('names the path of a bad leaf', () => {
    expect(() => gradientNorms({ a: [tensor([1]), 3] } as never)).toThrow(
      'gradientNorms: leaves must be tensors, got number at a.1',
    )
  })
})
