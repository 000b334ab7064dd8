import { prngKey } from '@gd/tensor'
import { normalCdf, normalPdf } from '@gd/tensor/internal'
import { describe, expect, it } from 'vitest'
import { TRUNCATED_STD } from './internal/scaledByFan.js'
import { varianceScalingInit } from './varianceScalingInit.js'

function moments(x: ArrayLike<number>): { mean: number; variance: number; maxAbs: number } {
  let s = 0
  let maxAbs = 0
  for (let i = 0; i < x.length; i++) {
    s += x[i]!
    maxAbs = Math.max(maxAbs, Math.abs(x[i]!))
  }
  const mean = s / x.length
  let v = 0
  for (let i = 0; i < x.length; i++) v += (x[i]! - mean) ** 2
  return { mean, variance: v / x.length, maxAbs }
}

// 120000 samples. The standard error of a sample variance is σ²·√((κ - 1)/N) with κ the
// kurtosis: 3 for the normal, 1.8 for the uniform, ≈2.4 for the normal truncated at ±2. We allow
// 5 standard errors of the worst case, 5·σ²·√(2/N) = 2.0% of σ².
const shape = [400, 300]
const N = 120_000
const fans = { fanIn: 400, fanOut: 300, fanAvg: 350 }

describe('varianceScalingInit', () => {
  for (const distribution of ['truncatedNormal', 'normal', 'uniform'] as const) {
    for (const mode of ['fanIn', 'fanOut', 'fanAvg'] as const) {
      it(`has variance scale / ${mode} with a ${distribution}`, () => {
        const scale = 2
        const w = varianceScalingInit(prngKey(1), shape, { scale, mode, distribution, dtype: 'float64' })
        expect(w.shape).toEqual(shape)
        const v = scale / fans[mode]
        const m = moments(w.data)
        expect(Math.abs(m.variance - v)).toBeLessThan(5 * v * Math.sqrt(2 / N))
        expect(Math.abs(m.mean)).toBeLessThan(5 * Math.sqrt(v / N))
        if (distribution === 'uniform') {
          // U(-b, b) with b = √(3v): bounded by b and filling the interval.
          expect(m.maxAbs).toBeLessThanOrEqual(Math.sqrt(3 * v))
          expect(m.maxAbs).toBeGreaterThan(0.999 * Math.sqrt(3 * v))
        }
        if (distribution === 'truncatedNormal') {
          // Truncated at 2 of the underlying std √v / 0.8796.
          expect(m.maxAbs).toBeLessThanOrEqual((2 * Math.sqrt(v)) / TRUNCATED_STD)
          expect(m.maxAbs).toBeGreaterThan((1.99 * Math.sqrt(v)) / TRUNCATED_STD)
        }
      })
    }
  }

  it('computes conv fans from the OIHW layout', () => {
    // [64, 32, 3, 3]: fanIn = 32·9 = 288, fanOut = 64·9 = 576; 18432 samples (5 SE = 5.2%).
    const shapeConv = [64, 32, 3, 3]
    for (const [mode, fan] of [
      ['fanIn', 288],
      ['fanOut', 576],
    ] as const) {
      const w = varianceScalingInit(prngKey(2), shapeConv, { mode, distribution: 'normal', dtype: 'float64' })
      expect(Math.abs(moments(w.data).variance - 1 / fan)).toBeLessThan((5 / fan) * Math.sqrt(2 / 18432))
    }
  })

  it('uses the exact std of the truncated standard normal', () => {
    // Var of N(0,1) on [-2, 2] = 1 - 2·2φ(2)/(Φ(2) - Φ(-2)) = 0.773741...; its root 0.87962566.
    expect(TRUNCATED_STD).toBeCloseTo(0.87962566103423978, 14)
    expect(TRUNCATED_STD ** 2).toBeCloseTo(1 - (4 * normalPdf(2)) / (normalCdf(2) - normalCdf(-2)), 15)
  })

  it('is deterministic by key or seed, and float32 by default', () => {
    const a = varianceScalingInit(7, [20, 30])
    expect(a.dtype).toBe('float32')
    expect([...varianceScalingInit(prngKey(7), [20, 30]).data]).toEqual([...a.data])
    expect([...varianceScalingInit(8, [20, 30]).data]).not.toEqual([...a.data])
  })

  it('gives an empty tensor for a shape with no elements', () => {
    expect(varianceScalingInit(0, [0, 5]).shape).toEqual([0, 5])
    expect(varianceScalingInit(0, [3, 0], { mode: 'fanOut' }).size).toBe(0)
  })

  it('rejects bad options and shapes without fans', () => {
    expect(() => varianceScalingInit(0, [3])).toThrow('varianceScalingInit: shape [3] has no fans')
    expect(() => varianceScalingInit(0, [3, 3], { scale: 0 })).toThrow(
      'varianceScalingInit: scale must be a positive finite number, got 0',
    )
    expect(() => varianceScalingInit(0, [3, 3], { mode: 'fan_in' as never })).toThrow(
      'varianceScalingInit: mode must be "fanIn", "fanOut" or "fanAvg", got "fan_in"',
    )
    expect(() => varianceScalingInit(0, [3, 3], { distribution: 'cauchy' as never })).toThrow(
      'varianceScalingInit: distribution must be "truncatedNormal", "normal" or "uniform", got "cauchy"',
    )
    expect(() => varianceScalingInit(0, [3, 3], { dtype: 'int32' as never })).toThrow(
      'varianceScalingInit: dtype must be "float32" or "float64", got "int32"',
    )
    expect(() => varianceScalingInit(1.5, [3, 3])).toThrow('varianceScalingInit: seed must be a safe integer, got 1.5')
  })
})
