import { describe, expect, it } from 'vitest'
import { constant } from './constant.js'

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
