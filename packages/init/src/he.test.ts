import { describe, expect, it } from 'vitest'
import { heNormalInit, heUniformInit } from './he.js'

function variance(x: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]! ** 2
  return s / x.length // the mean is 0 by construction
}

// [400, 250] = 100000 samples; 5 SE of a variance = 5·√(2/N) = 2.2%.
const tol = 5 * Math.sqrt(2 / 100_000)

describe('heNormalInit', () => {
  it('has variance 2 / fanIn for ReLU by default, 2 / fanOut on request', () => {
    expect(Math.abs(variance(heNormalInit(0, [400, 250], { dtype: 'float64' }).data) / (2 / 400) - 1)).toBeLessThan(tol)
    const out = heNormalInit(1, [400, 250], { mode: 'fanOut', dtype: 'float64' }).data
    expect(Math.abs(variance(out) / (2 / 250) - 1)).toBeLessThan(tol)
  })

  it('uses the gain of the nonlinearity', () => {
    // leakyRelu(0.2): gain² = 2 / 1.04; tanh: gain² = 25/9; linear: 1.
    const leaky = heNormalInit(2, [400, 250], { nonlinearity: 'leakyRelu', negativeSlope: 0.2, dtype: 'float64' }).data
    expect(Math.abs(variance(leaky) / (2 / 1.04 / 400) - 1)).toBeLessThan(tol)
    const tanh = heNormalInit(3, [400, 250], { nonlinearity: 'tanh', dtype: 'float64' }).data
    expect(Math.abs(variance(tanh) / (25 / 9 / 400) - 1)).toBeLessThan(tol)
    const linear = heNormalInit(4, [400, 250], { nonlinearity: 'linear', dtype: 'float64' }).data
    expect(Math.abs(variance(linear) / (1 / 400) - 1)).toBeLessThan(tol)
  })

  it('reads conv kernels as OIHW', () => {
    // [32, 64, 5, 5]: fanIn = 64·25 = 1600; 51200 samples, 5 SE = 3.1%.
    const w = heNormalInit(5, [32, 64, 5, 5], { dtype: 'float64' }).data
    expect(Math.abs(variance(w) / (2 / 1600) - 1)).toBeLessThan(5 * Math.sqrt(2 / 51200))
  })

  it('rejects bad modes, nonlinearities and shapes', () => {
    expect(() => heNormalInit(0, [3, 3], { mode: 'fanAvg' as never })).toThrow(
      'heNormalInit: mode must be "fanIn" or "fanOut", got "fanAvg"',
    )
    expect(() => heNormalInit(0, [3, 3], { nonlinearity: 'swish' as never })).toThrow(
      'heNormalInit: nonlinearity must be "linear", "identity", "conv", "sigmoid", "tanh", "relu", "leakyRelu" or "selu", got "swish"',
    )
    expect(() => heNormalInit(0, [3, 3], { negativeSlope: 0.1 })).toThrow(
      'heNormalInit: negativeSlope only applies to leakyRelu, got "relu"',
    )
    expect(() => heNormalInit(0, [3, 3], { nonLinearity: 'tanh' } as never)).toThrow(
      'heNormalInit: unknown option nonLinearity, expected one of dtype, mode, nonlinearity, negativeSlope; did you mean nonlinearity?',
    )
    expect(() => heNormalInit(0, [7])).toThrow('heNormalInit: shape [7] has no fans')
  })
})

describe('heUniformInit', () => {
  it('draws from U(-b, b) with b = gain·√(3 / fan)', () => {
    const w = heUniformInit(6, [400, 250], { dtype: 'float64' }).data
    const b = Math.SQRT2 * Math.sqrt(3 / 400)
    let maxAbs = 0
    for (const v of w) maxAbs = Math.max(maxAbs, Math.abs(v))
    expect(maxAbs).toBeLessThanOrEqual(b)
    expect(maxAbs).toBeGreaterThan(0.999 * b)
    expect(Math.abs(variance(w) / (2 / 400) - 1)).toBeLessThan(tol)
    expect(() => heUniformInit(0, [2])).toThrow('heUniformInit: shape [2] has no fans')
  })
})
