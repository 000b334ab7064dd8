import { describe, expect, it } from 'vitest'
import { heNormal, heUniform } from './he.js'

function variance(x: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]! ** 2
  return s / x.length // the mean is 0 by construction
}

// [400, 250] = 100000 samples; 5 SE of a variance = 5·√(2/N) = 2.2%.
const tol = 5 * Math.sqrt(2 / 100_000)

describe('heNormal', () => {
  it('has variance 2 / fanIn for ReLU by default, 2 / fanOut on request', () => {
    expect(Math.abs(variance(heNormal(0, [400, 250], { dtype: 'float64' }).data) / (2 / 400) - 1)).toBeLessThan(tol)
    const out = heNormal(1, [400, 250], { mode: 'fanOut', dtype: 'float64' }).data
    expect(Math.abs(variance(out) / (2 / 250) - 1)).toBeLessThan(tol)
  })

  it('uses the gain of the nonlinearity', () => {
    // leakyRelu(0.2): gain² = 2 / 1.04; tanh: gain² = 25/9; linear: 1.
    const leaky = heNormal(2, [400, 250], { nonlinearity: 'leakyRelu', negativeSlope: 0.2, dtype: 'float64' }).data
    expect(Math.abs(variance(leaky) / (2 / 1.04 / 400) - 1)).toBeLessThan(tol)
    const tanh = heNormal(3, [400, 250], { nonlinearity: 'tanh', dtype: 'float64' }).data
    expect(Math.abs(variance(tanh) / (25 / 9 / 400) - 1)).toBeLessThan(tol)
    const linear = heNormal(4, [400, 250], { nonlinearity: 'linear', dtype: 'float64' }).data
    expect(Math.abs(variance(linear) / (1 / 400) - 1)).toBeLessThan(tol)
  })

  it('reads conv kernels as OIHW', () => {
    // [32, 64, 5, 5]: fanIn = 64·25 = 1600; 51200 samples, 5 SE = 3.1%.
    const w = heNormal(5, [32, 64, 5, 5], { dtype: 'float64' }).data
    expect(Math.abs(variance(w) / (2 / 1600) - 1)).toBeLessThan(5 * Math.sqrt(2 / 51200))
  })

  it('rejects bad modes, nonlinearities and shapes', () => {
    expect(() => heNormal(0, [3, 3], { mode: 'fanAvg' as never })).toThrow(
      'heNormal: mode must be "fanIn" or "fanOut", got "fanAvg"',
    )
    expect(() => heNormal(0, [3, 3], { nonlinearity: 'swish' as never })).toThrow(
      'heNormal: nonlinearity must be "linear", "identity", "conv", "sigmoid", "tanh", "relu", "leakyRelu" or "selu", got "swish"',
    )
    expect(() => heNormal(0, [3, 3], { negativeSlope: 0.1 })).toThrow(
      'heNormal: negativeSlope only applies to leakyRelu, got "relu"',
    )
    expect(() => heNormal(0, [3, 3], { nonLinearity: 'tanh' } as never)).toThrow(
      'heNormal: unknown option nonLinearity, expected one of dtype, mode, nonlinearity, negativeSlope; did you mean nonlinearity?',
    )
    expect(() => heNormal(0, [7])).toThrow('heNormal: shape [7] has no fans')
  })
})

describe('heUniform', () => {
  it('draws from U(-b, b) with b = gain·√(3 / fan)', () => {
    const w = heUniform(6, [400, 250], { dtype: 'float64' }).data
    const b = Math.SQRT2 * Math.sqrt(3 / 400)
    let maxAbs = 0
    for (const v of w) maxAbs = Math.max(maxAbs, Math.abs(v))
    expect(maxAbs).toBeLessThanOrEqual(b)
    expect(maxAbs).toBeGreaterThan(0.999 * b)
    expect(Math.abs(variance(w) / (2 / 400) - 1)).toBeLessThan(tol)
    expect(() => heUniform(0, [2])).toThrow('heUniform: shape [2] has no fans')
  })
})
