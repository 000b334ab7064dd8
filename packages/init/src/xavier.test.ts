import { describe, expect, it } from 'vitest'
import { xavierNormalInit, xavierUniformInit } from './xavier.js'

function variance(x: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]! ** 2
  return s / x.length // the mean is 0 by construction
}

// [300, 500]: fanIn + fanOut = 800, 150000 samples; 5 SE of a variance = 5·√(2/N) = 1.8%.
const tol = 5 * Math.sqrt(2 / 150_000)

describe('xavierUniformInit', () => {
  it('draws from U(-b, b) with b = gain·√(6 / (fanIn + fanOut))', () => {
    const gain = 5 / 3
    const w = xavierUniformInit(0, [300, 500], { gain, dtype: 'float64' }).data
    const b = gain * Math.sqrt(6 / 800)
    expect(Math.max(...w.subarray(0, 10000).map(Math.abs))).toBeLessThanOrEqual(b)
    // Variance b²/3 = gain²·2/800.
    expect(Math.abs(variance(w) / ((gain * gain * 2) / 800) - 1)).toBeLessThan(tol)
  })
})

describe('xavierNormalInit', () => {
  it('has variance gain²·2 / (fanIn + fanOut), untruncated', () => {
    const w = xavierNormalInit(1, [300, 500], { dtype: 'float64' }).data
    expect(Math.abs(variance(w) / (2 / 800) - 1)).toBeLessThan(tol)
    // An untruncated normal goes past 2σ about 4.6% of the time.
    const sigma = Math.sqrt(2 / 800)
    expect(w.filter((v) => Math.abs(v) > 2 * sigma).length).toBeGreaterThan(0.04 * w.length)
  })

  it('is deterministic and rejects bad gains and shapes', () => {
    expect([...xavierNormalInit(3, [4, 4]).data]).toEqual([...xavierNormalInit(3, [4, 4]).data])
    expect(() => xavierNormalInit(0, [4, 4], { gain: -1 })).toThrow(
      'xavierNormalInit: gain must be a positive finite number, got -1',
    )
    expect(() => xavierUniformInit(0, [4, 4], { gian: 2 } as never)).toThrow(
      'xavierUniformInit: unknown option gian, expected one of dtype, gain; did you mean gain?',
    )
    expect(() => xavierUniformInit(0, [4, 4], { scale: 2 } as never)).toThrow(
      'xavierUniformInit: unknown option scale, expected one of dtype, gain',
    )
    expect(() => xavierUniformInit(0, [4])).toThrow('xavierUniformInit: shape [4] has no fans')
  })
})
