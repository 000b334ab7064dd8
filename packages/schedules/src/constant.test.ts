import { describe, expect, it } from 'vitest'
import { constant } from './constant.js'

describe('constant', () => {
  it('returns its value at every step', () => {
    const s = constant(0.01)
    expect([0, 1, 1000].map(s)).toEqual([0.01, 0.01, 0.01])
  })

  it('takes an options object as well as a bare number', () => {
    expect(constant({ value: 0.3 })(7)).toBe(0.3)
  })

  it('rejects bad values and steps', () => {
    expect(() => constant(Number.NaN)).toThrow('constant: value must be a finite number, got NaN')
    expect(() => constant({ value: Infinity })).toThrow('constant: value must be a finite number, got Infinity')
    expect(() => constant(1)(-1)).toThrow('constant: step must be a non-negative integer, got -1')
    expect(() => constant(1)(0.5)).toThrow('constant: step must be a non-negative integer, got 0.5')
  })
})
