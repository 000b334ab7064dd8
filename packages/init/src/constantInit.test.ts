import { describe, expect, it } from 'vitest'
import { constantInit, onesInit, zerosInit } from './constantInit.js'

describe('constantInit', () => {
  it('fills the shape with the value', () => {
    const t = constantInit([2, 2], 0.5, { dtype: 'float64' })
    expect(t.dtype).toBe('float64')
    expect(t.toArray()).toEqual([
      [0.5, 0.5],
      [0.5, 0.5],
    ])
  })

  it('rejects bad shapes and values', () => {
    expect(() => constantInit([2, 1.5], 0)).toThrow('constantInit: shape must hold non-negative integers, got [2,1.5]')
    expect(() => constantInit([2], Number.POSITIVE_INFINITY)).toThrow(
      'constantInit: value must be a finite number, got Infinity',
    )
    expect(() => constantInit([2], '1' as never)).toThrow('constantInit: value must be a finite number, got "1"')
  })

  it('never rounds or wraps the value into an integer dtype', () => {
    expect(constantInit([2], -3, { dtype: 'int32' }).toArray()).toEqual([-3, -3])
    expect(constantInit([1], 1, { dtype: 'bool' }).toArray()).toEqual([true])
    expect(() => constantInit([2], 1.5, { dtype: 'int32' })).toThrow(
      'constantInit: value must be an int32 integer (the dtype is int32), got 1.5',
    )
    expect(() => constantInit([2], 2 ** 31, { dtype: 'int32' })).toThrow(
      'constantInit: value must be an int32 integer (the dtype is int32), got 2147483648',
    )
    expect(() => constantInit([2], 2, { dtype: 'bool' })).toThrow(
      'constantInit: value must be 0 or 1 (the dtype is bool), got 2',
    )
  })

  it('reads its options strictly', () => {
    expect(() => constantInit([2], 1, { dtype: 'float16' as never })).toThrow(
      'constantInit: dtype must be "float32", "float64", "int32" or "bool", got "float16"',
    )
    expect(() => zerosInit([2], { dtyp: 'float64' } as never)).toThrow(
      'zerosInit: unknown option dtyp, expected one of dtype; did you mean dtype?',
    )
    expect(() => onesInit([2], [] as never)).toThrow('onesInit: options must be a plain object, got []')
    expect(zerosInit([2], { dtype: 'int32' }).dtype).toBe('int32')
  })
})

describe('zerosInit and onesInit', () => {
  it('fill with 0 and 1 in the requested dtype', () => {
    expect(zerosInit([2, 3]).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ])
    expect(zerosInit([2]).dtype).toBe('float32')
    const o = onesInit([3], { dtype: 'float64' })
    expect(o.dtype).toBe('float64')
    expect(o.toArray()).toEqual([1, 1, 1])
    expect(onesInit([]).item()).toBe(1)
  })

  it('reject bad shapes under their own names', () => {
    expect(() => zerosInit([-1])).toThrow('zerosInit: shape must hold non-negative integers, got [-1]')
    expect(() => onesInit([2, 0.5])).toThrow('onesInit: shape must hold non-negative integers, got [2,0.5]')
    // 2^31 elements (8 GiB of float32) is refused before anything is allocated
    expect(() => zerosInit([65536, 32768])).toThrow(
      'zerosInit: shape [65536,32768] has 2147483648 elements, more than the limit of 2147483647',
    )
  })
})
