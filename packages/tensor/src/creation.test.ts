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
    // a hole names the op that was called, not an inner helper
    expect(() => T.zeros([2, , 3] as number[])).toThrow('zeros: shape must hold non-negative integers, got [2,,3]')
    expect(() => T.arange(0, 1, 0)).toThrow('arange: step must be a non-zero finite number, got 0')
    expect(() => T.linspace(0, 1, -1)).toThrow('linspace: num must be a non-negative integer, got -1')
    expect(() => T.eye(-1)).toThrow('eye: rows must be a non-negative integer, got -1')
    // reads options strictly and checks every argument
    expect(() => T.full([2], '1' as never)).toThrow('full: value must be a number or a boolean, got "1"')
    expect(() => T.zeros([2], { dtpye: 'int32' } as never)).toThrow(
      'zeros: unknown option dtpye, expected one of dtype; did you mean dtype?',
    )
    expect(() => T.ones([2], { dtype: 'half' } as never)).toThrow(
      'ones: dtype must be "bool", "int32", "float32" or "float64", got "half"',
    )
    expect(() => T.zerosLike([1, 2] as never)).toThrow('zerosLike: like must be a Tensor, got [1,2]')
    expect(() => T.arange(0, Infinity)).toThrow('arange: stop must be a finite number, got Infinity')
    expect(() => T.arange(0, 2 ** 32)).toThrow(
      'arange: shape [4294967296] has 4294967296 elements, more than the limit of 2147483647',
    )
    expect(() => T.linspace(0, 1, 3, { dtype: 'float64', shape: [3] } as never)).toThrow(
      'linspace: unknown option shape, expected one of dtype',
    )
    expect(() => T.cast(T.tensor([1]), 'int8' as never)).toThrow(
      'cast: dtype must be "bool", "int32", "float32" or "float64", got "int8"',
    )
    expect(T.full([2], 2 ** 31 - 1, { dtype: 'int32' }).toArray()).toEqual([2 ** 31 - 1, 2 ** 31 - 1])
    expect(T.full([1], true, { dtype: 'int32' }).toArray()).toEqual([1])
  })
})
