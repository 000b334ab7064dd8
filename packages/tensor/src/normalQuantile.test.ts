import { describe, expect, it } from 'vitest'
import { normalCdf, normalPdf, normalQuantile } from './normalQuantile.js'

describe('normalPdf', () => {
  it('is exp(-x²/2)/√(2π)', () => {
    expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 15)
    expect(normalPdf(2)).toBeCloseTo(0.05399096651318806, 15)
  })
})

describe('normalCdf', () => {
  it('matches reference values in the centre and both tails', () => {
    // Reference values of Φ to 17 digits, computed with mpmath at 30 digits (ncdf).
    const cases: [number, number][] = [
      [0, 0.5],
      [1, 0.8413447460685429],
      [-1, 0.15865525393145705],
      [-2, 0.022750131948179207],
      [-5, 2.8665157187919391e-7],
      [-10, 7.6198530241605261e-24],
      [-37, 5.7255712225245768e-300],
    ]
    // Relative error allowed: 1e-14 · (1 + x²). Φ's condition number in the tail is about x², so
    // the rounding of x itself costs x² · 1.1e-16 (1.5e-13 at x = -37).
    for (const [x, p] of cases) expect(Math.abs(normalCdf(x) - p) / p).toBeLessThan(1e-14 * (1 + x * x))
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0)
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1)
    expect(normalCdf(Number.NaN)).toBeNaN()
  })
})

describe('normalQuantile', () => {
  it('matches reference quantiles', () => {
    expect(normalQuantile(0.5)).toBe(0)
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14)
    expect(normalQuantile(0.8413447460685429)).toBeCloseTo(1, 14)
    expect(normalQuantile(2.866515718791939e-7)).toBeCloseTo(-5, 12)
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY)
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY)
  })

  it('inverts normalCdf to near double precision across (0, 1) and deep into the tails', () => {
    // A wrong AS 241 coefficient shows up here as an error of 1e-9 or more. The allowed relative
    // error grows like x² · 1e-16 (the conditioning of Φ at x), hence the bound below.
    for (let i = 1; i < 2000; i++) {
      const u = i / 2000
      const x = normalQuantile(u)
      expect(Math.abs(normalCdf(x) - u) / Math.min(u, 1 - u)).toBeLessThan(1e-14 * (1 + x * x))
    }
    for (let k = 3; k < 300; k += 7) {
      const u = 3.7 * 10 ** -k
      const x = normalQuantile(u)
      expect(Math.abs(normalCdf(x) - u) / u).toBeLessThan(1e-14 * (1 + x * x))
    }
  })

  it('keeps its bits in the centre, where it is arithmetic alone (no Math.log): a hash of 100,000 quantiles', () => {
    // 199678571: the hash as the first version (Horner loops over coefficient arrays) computed it
    const words = new Uint32Array(2)
    const x = new Float64Array(words.buffer)
    let h = 0
    for (let i = 0; i < 100_000; i++) {
      x[0] = normalQuantile(0.075 + (0.85 * (i + 0.5)) / 100_000)
      h = (Math.imul(h, 31) + words[0]!) | 0
      h = (Math.imul(h, 31) + words[1]!) | 0
    }
    expect(h).toBe(199678571)
  })

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => normalQuantile(1.5)).toThrow('normalQuantile: p must be in [0, 1], got 1.5')
    expect(() => normalQuantile(Number.NaN)).toThrow('normalQuantile: p must be in [0, 1], got NaN')
  })
})
