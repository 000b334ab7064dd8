import { describe, expect, it } from 'vitest'
import { constantSchedule } from './constantSchedule.js'

describe('constantSchedule', () => {
  it('returns its value at every step', () => {
    const s = constantSchedule(0.01)
    expect([0, 1, 1000].map(s)).toEqual([0.01, 0.01, 0.01])
  })

  it('takes an options object as well as a bare number', () => {
    expect(constantSchedule({ value: 0.3 })(7)).toBe(0.3)
  })

  it('rejects bad values and steps', () => {
    expect(() => constantSchedule(Number.NaN)).toThrow('constantSchedule: value must be a finite number, got NaN')
    expect(() => constantSchedule({ value: Infinity })).toThrow(
      'constantSchedule: value must be a finite number, got Infinity',
    )
    expect(() => constantSchedule(1)(-1)).toThrow('constantSchedule: step must be a non-negative integer, got -1')
    expect(() => constantSchedule(1)(0.5)).toThrow('constantSchedule: step must be a non-negative integer, got 0.5')
  })
})
