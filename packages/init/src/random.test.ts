import { prngKey } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { normal, truncatedNormal, uniform } from './random.js'

describe('uniform, normal and truncatedNormal', () => {
  it('take a seed or a key, with the same bits for both', () => {
    expect([...uniform(3, [5]).data]).toEqual([...uniform(prngKey(3), [5]).data])
    expect([...normal(3, [5], { std: 0.01 }).data]).toEqual([...normal(prngKey(3), [5], { std: 0.01 }).data])
    expect([...truncatedNormal(3, [5]).data]).toEqual([...truncatedNormal(prngKey(3), [5]).data])
    expect([...normal(3, [5]).data]).not.toEqual([...normal(4, [5]).data])
  })

  it('honour their parameters', () => {
    const u = uniform(0, [10000], { low: -0.1, high: 0.1, dtype: 'float64' }).data
    expect(u.every((v) => v >= -0.1 && v < 0.1)).toBe(true)
    // N(1, 0.01²) over 10000 samples: SE of the mean 1e-4; 5 SE.
    const n = normal(0, [10000], { mean: 1, std: 0.01, dtype: 'float64' }).data
    expect(Math.abs(n.reduce((a, b) => a + b, 0) / 10000 - 1)).toBeLessThan(5e-4)
    // Bounds in standard deviations: ±2·0.02 = ±0.04.
    const t = truncatedNormal(0, [10000], { std: 0.02 }).data
    expect(t.every((v) => Math.abs(v) <= Math.fround(0.04))).toBe(true)
  })

  it('reject bad seeds and parameters under their own names', () => {
    expect(() => uniform(0.5, [2])).toThrow('uniform: seed must be a safe integer, got 0.5')
    expect(() => uniform(0, [2], { low: 1, high: 0 })).toThrow('uniform: low must be < high, got 1 and 0')
    expect(() => normal(0, [2], { std: -1 })).toThrow('normal: std must be a non-negative finite number, got -1')
    expect(() => truncatedNormal(0, [2], { lower: 2, upper: 1 })).toThrow(
      'truncatedNormal: lower must be < upper, got 2 and 1',
    )
  })
})
