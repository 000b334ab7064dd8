import { describe, expect, it } from 'vitest'
import { constant, ones, zeros } from './constant.js'

describe('constant', () => {
  it('fills the shape with the value', () => {
    const t = constant([2, 2], 0.5, { dtype: 'float64' })
    expect(t.dtype).toBe('float64')
    expect(t.toArray()).toEqual([
      [0.5, 0.5],
      [0.5, 0.5],
    ])
  })

  it('rejects bad shapes and values', () => {
    expect(() => constant([2, 1.5], 0)).toThrow('constant: shape must hold non-negative integers, got [2,1.5]')
    expect(() => constant([2], Number.POSITIVE_INFINITY)).toThrow(
      'constant: value must be a finite number, got Infinity',
    )
  })
})

describe('zeros and ones', () => {
  it('fill with 0 and 1 in the requested dtype', () => {
    expect(zeros([2, 3]).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ])
    expect(zeros([2]).dtype).toBe('float32')
    const o = ones([3], { dtype: 'float64' })
    expect(o.dtype).toBe('float64')
    expect(o.toArray()).toEqual([1, 1, 1])
    expect(ones([]).item()).toBe(1)
  })

  it('reject bad shapes under their own names', () => {
    expect(() => zeros([-1])).toThrow('zeros: shape must hold non-negative integers, got [-1]')
    expect(() => ones([2, 0.5])).toThrow('ones: shape must hold non-negative integers, got [2,0.5]')
  })
})
