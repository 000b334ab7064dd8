import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { arange, ones, reshape, tensor } from './index.js'

describe('printing a tensor', () => {
  it('shows dtype, shape and values to 5 significant digits', () => {
    expect(
      String(
        tensor([
          [1, 2.5],
          [1 / 3, -0],
        ]),
      ),
    ).toBe('Tensor(float32, [2, 2]) [[1, 2.5], [0.33333, 0]]')
    expect(String(tensor([1e-9, 1e22, NaN, -Infinity], { dtype: 'float64' }))).toBe(
      'Tensor(float64, [4]) [1e-9, 1e+22, NaN, -Infinity]',
    )
    expect(String(tensor([true, false], { dtype: 'bool' }))).toBe('Tensor(bool, [2]) [true, false]')
    expect(String(tensor(7, { dtype: 'int32' }))).toBe('Tensor(int32, []) 7')
    expect(String(ones([0, 2]))).toBe('Tensor(float32, [0, 2]) []')
  })

  it('abbreviates a dimension longer than 6 to its first and last 3 entries, in every dimension', () => {
    expect(String(arange(10))).toBe('Tensor(float32, [10]) [0, 1, 2, ..., 7, 8, 9]')
    const big = String(reshape(arange(64), [8, 8]))
    expect(big).toBe(
      'Tensor(float32, [8, 8]) [[0, 1, 2, ..., 5, 6, 7], [8, 9, 10, ..., 13, 14, 15], [16, 17, 18, ..., 21, 22, 23], ..., ' +
        '[40, 41, 42, ..., 45, 46, 47], [48, 49, 50, ..., 53, 54, 55], [56, 57, 58, ..., 61, 62, 63]]',
    )
  })

  it('is what console.log and util.inspect print, alone or inside objects, instead of the fields', () => {
    expect(inspect(tensor([1, 2]))).toBe('Tensor(float32, [2]) [1, 2]')
    expect(inspect({ w: tensor([1.5]) })).toBe('{ w: Tensor(float32, [1]) [1.5] }')
  })
})
