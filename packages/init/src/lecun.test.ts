import { describe, expect, it } from 'vitest'
import { lecunNormalInit, lecunUniformInit } from './lecun.js'

function variance(x: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]! ** 2
  return s / x.length // the mean is 0 by construction
}

// [500, 200] = 100000 samples; 5 SE of a variance = 5·√(2/N) = 2.2%.
const tol = 5 * Math.sqrt(2 / 100_000)

describe('lecunNormalInit and lecunUniformInit', () => {
  it('have variance 1 / fanIn', () => {
    expect(Math.abs(variance(lecunNormalInit(0, [500, 200], { dtype: 'float64' }).data) * 500 - 1)).toBeLessThan(tol)
    const u = lecunUniformInit(1, [500, 200], { dtype: 'float64' }).data
    expect(Math.abs(variance(u) * 500 - 1)).toBeLessThan(tol)
    let maxAbs = 0
    for (const v of u) maxAbs = Math.max(maxAbs, Math.abs(v))
    expect(maxAbs).toBeLessThanOrEqual(Math.sqrt(3 / 500))
  })

  it('reject shapes without fans', () => {
    expect(() => lecunNormalInit(0, [])).toThrow('lecunNormalInit: shape [] has no fans')
    expect(() => lecunNormalInit(0, [2, 2], { mode: 'fanOut' } as never)).toThrow(
      'lecunNormalInit: unknown option mode, expected one of dtype',
    )
    expect(() => lecunUniformInit(0, [2], { dtype: 'float64' })).toThrow('lecunUniformInit: shape [2] has no fans')
  })
})
