import { describe, expect, it } from 'vitest'
import * as T from './index.js'

describe('creation', () => {
  it('fills, counts and spaces values', () => {
    expect(T.zeros([2]).toArray()).toEqual([0, 0])
    expect(T.ones([2], { dtype: 'float64' }).dtype).toBe('float64')
    expect(T.full([2], true).toArray()).toEqual([true, true])
    expect(T.scalar(3).shape).toEqual([])
    expect(T.arange(3).toArray()).toEqual([0, 1, 2])
    expect(T.arange(5, 1, -2).toArray()).toEqual([5, 3])
    expect(T.linspace(0, 1, 3).toArray()).toEqual([0, 0.5, 1])
    expect(T.eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ])
    const like = T.tensor([[1, 2]], { dtype: 'int32' })
    expect(T.zerosLike(like).dtype).toBe('int32')
    expect(T.onesLike(like).toArray()).toEqual([[1, 1]])
    expect(T.fullLike(like, 4).toArray()).toEqual([[4, 4]])
  })

  it('casts between dtypes', () => {
    expect(T.cast(T.tensor([1.7, -1.7]), 'int32').toArray()).toEqual([1, -1])
    expect(T.cast(T.tensor([0, 3]), 'bool').toArray()).toEqual([false, true])
    const f = T.tensor([1])
    expect(T.cast(f, 'float32')).toBe(f)
  })

  it('names the problem on bad input', () => {
    expect(() => T.zeros([1.5])).toThrow('zeros: shape must hold non-negative integers, got [1.5]')
    expect(() => T.arange(0, 1, 0)).toThrow('arange: step must be a non-zero finite number, got 0')
    expect(() => T.linspace(0, 1, -1)).toThrow('linspace: num must be a non-negative integer, got -1')
    expect(() => T.eye(-1)).toThrow('eye: rows must be a non-negative integer, got -1')
  })
})
