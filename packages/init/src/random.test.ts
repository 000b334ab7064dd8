import { prngKey } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { normalInit, truncatedNormalInit, uniformInit } from './random.js'

describe('uniformInit, normalInit and truncatedNormalInit', () => {
  it('take a seed or a key, with the same bits for both', () => {
    expect([...uniformInit(3, [5]).data]).toEqual([...uniformInit(prngKey(3), [5]).data])
    expect([...normalInit(3, [5], { std: 0.01 }).data]).toEqual([...normalInit(prngKey(3), [5], { std: 0.01 }).data])
    expect([...truncatedNormalInit(3, [5]).data]).toEqual([...truncatedNormalInit(prngKey(3), [5]).data])
    expect([...normalInit(3, [5]).data]).not.toEqual([...normalInit(4, [5]).data])
  })

  it('honour their parameters', () => {
    const u = uniformInit(0, [10000], { low: -0.1, high: 0.1, dtype: 'float64' }).data
    expect(u.every((v) => v >= -0.1 && v < 0.1)).toBe(true)
    // N(1, 0.01²) over 10000 samples: SE of the mean 1e-4; 5 SE.
    const n = normalInit(0, [10000], { mean: 1, std: 0.01, dtype: 'float64' }).data
    expect(Math.abs(n.reduce((a, b) => a + b, 0) / 10000 - 1)).toBeLessThan(5e-4)
    // Bounds in standard deviations: ±2·0.02 = ±0.04.
    const t = truncatedNormalInit(0, [10000], { std: 0.02 }).data
    expect(t.every((v) => Math.abs(v) <= Math.fround(0.04))).toBe(true)
  })

  it('reject bad seeds and parameters under their own names', () => {
    expect(() => uniformInit(0.5, [2])).toThrow('uniformInit: seed must be a safe integer, got 0.5')
    expect(() => uniformInit(0, [2], { low: 1, high: 0 })).toThrow('uniformInit: high must be above low (1), got 0')
    expect(() => normalInit(0, [2], { std: -1 })).toThrow(
      'normalInit: std must be a non-negative finite number, got -1',
    )
    expect(() => truncatedNormalInit(0, [2], { lower: 2, upper: 1 })).toThrow(
      'truncatedNormalInit: upper must be above lower (2), got 1',
    )
    expect(() => truncatedNormalInit(0, [2], { lower: NaN })).toThrow(
      'truncatedNormalInit: lower must be a number (±Infinity allowed), got NaN',
    )
    expect(() => normalInit(0, [2.5])).toThrow('normalInit: shape must hold non-negative integers, got [2.5]')
    expect(() => uniformInit(0, 'x' as never)).toThrow('uniformInit: shape must hold non-negative integers, got "x"')
  })

  it('reject misspelt options, naming the valid ones (normalInit(k, s, { stddev: 5 }) used to draw std 1)', () => {
    expect(() => normalInit(0, [2], { stddev: 5 } as never)).toThrow(
      'normalInit: unknown option stddev, expected one of dtype, mean, std',
    )
    expect(() => uniformInit(0, [2], { hgih: 1 } as never)).toThrow(
      'uniformInit: unknown option hgih, expected one of dtype, low, high; did you mean high?',
    )
    expect(() => truncatedNormalInit(0, [2], { lowr: -1 } as never)).toThrow(
      'truncatedNormalInit: unknown option lowr, expected one of dtype, mean, std, lower, upper; did you mean lower?',
    )
    expect(() => normalInit(0, [2], 5 as never)).toThrow('normalInit: options must be a plain object, got 5')
    // null and undefined are no options
    expect(normalInit(0, [2], null as never).toArray()).toEqual(normalInit(0, [2]).toArray())
  })
})
