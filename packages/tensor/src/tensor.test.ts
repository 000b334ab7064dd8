import { describe, expect, it } from 'vitest'
import { Tensor, tensor } from './tensor.js'

describe('tensor', () => {
  it('infers shape and dtype from nested arrays', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(t).toBeInstanceOf(Tensor)
    expect(t.shape).toEqual([2, 3])
    expect(t.dtype).toBe('float32')
    expect(t.size).toBe(6)
    expect([...t.data]).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('keeps typed-array dtypes and accepts an explicit shape', () => {
    const t = tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] })
    expect(t.dtype).toBe('float64')
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ])
  })

  it('stores booleans as a bool mask and converts on request', () => {
    expect(tensor([true, false]).dtype).toBe('bool')
    expect(tensor([true, false]).toArray()).toEqual([true, false])
    expect(tensor([1.7, -2], { dtype: 'int32' }).toArray()).toEqual([1, -2])
  })

  it('makes scalars from numbers', () => {
    const s = tensor(3.5)
    expect(s.shape).toEqual([])
    expect(s.item()).toBe(3.5)
    expect(s.toArray()).toBe(3.5)
  })

  it('prints dtype, shape and values', () => {
    expect(String(tensor([1, 2]))).toBe('Tensor(float32, [2]) [1, 2]')
    expect(String(tensor([1, 2, 3, 4, 5, 6, 7, 8], { dtype: 'int32' }))).toBe(
      'Tensor(int32, [8]) [1, 2, 3, ..., 6, 7, 8]',
    )
  })

  it('rejects ragged, non-numeric and mis-shaped input with clear messages', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(
      'tensor: ragged nested array at [1]: expected 2 entries, got an array of length 1',
    )
    expect(() => tensor(['a'] as never)).toThrow('tensor: expected a number or boolean at [0], got "a"')
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(
      'tensor: shape [2,2] holds 4 elements but 3 values were given',
    )
    expect(() => tensor([1, 2], { shape: [2, -1] })).toThrow(
      'tensor: shape must hold non-negative integers, got [2,-1]',
    )
    expect(() => tensor([1, 2]).item()).toThrow('item: tensor must hold exactly one element, got shape [2]')
  })
})
