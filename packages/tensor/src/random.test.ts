import { describe, expect, it } from 'vitest'
import { normalCdf, normalPdf } from './normalQuantile.js'
import { normal, truncatedNormal, uniform } from './random.js'
import { prngKey, splitKey } from './rng.js'

const N = 200_000

function moments(x: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]!
  const mean = s / x.length
  let v = 0
  for (let i = 0; i < x.length; i++) v += (x[i]! - mean) ** 2
  return { mean, variance: v / x.length }
}

function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = moments(x)
  const my = moments(y)
  let c = 0
  for (let i = 0; i < x.length; i++) c += (x[i]! - mx.mean) * (y[i]! - my.mean)
  return c / x.length / Math.sqrt(mx.variance * my.variance)
}

describe('determinism', () => {
  it('gives the same bits for the same key and different bits for different keys', () => {
    const [k1, k2] = splitKey(prngKey(0))
    for (const draw of [uniform, normal, truncatedNormal]) {
      const a = draw(k1!, [100], { dtype: 'float64' })
      expect([...draw(k1!, [100], { dtype: 'float64' }).data]).toEqual([...a.data])
      const b = draw(k2!, [100], { dtype: 'float64' })
      expect([...b.data].filter((v, i) => v === a.data[i])).toEqual([])
    }
  })

  it('depends on the size, not the shape: element i is a function of (key, i) only', () => {
    const key = prngKey(3)
    const flat = [...normal(key, [12]).data]
    expect([...normal(key, [3, 4]).data]).toEqual(flat)
    expect([...normal(key, [5]).data]).toEqual(flat.slice(0, 5))
  })

  it("matches jax.random.uniform bit for bit in float32 (JAX's default partitionable Threefry)", () => {
    // jax.random.uniform(jax.random.key(0), (4,)) with jax_threefry_partitionable (the default
    // since JAX 0.5), as pinned in the jax-js and other ports' test suites.
    expect([...uniform(prngKey(0), [4]).data]).toEqual([
      0.9476670026779175, 0.9785798788070679, 0.33229148387908936, 0.46866846084594727,
    ])
  })

  it('has golden values for seed 42 (catches a change of algorithm)', () => {
    const key = prngKey(42)
    expect([...uniform(key, [4]).data]).toEqual([
      0.48870956897735596, 0.6797971725463867, 0.6162714958190918, 0.5610160827636719,
    ])
    expect([...uniform(key, [4], { dtype: 'float64' }).data]).toEqual([
      0.4267275666499091, 0.015010069515314584, 0.5741444178995352, 0.7298188969046309,
    ])
    expect([...normal(key, [4]).data]).toEqual([
      -0.028304448351264, 0.4671318531036377, 0.2957031726837158, 0.15354612469673157,
    ])
    const n64 = normal(key, [4], { dtype: 'float64' }).data
    const expected64 = [-0.1847117452819115, -2.169824560397752, 0.18693555179382593, 0.612265357051096]
    // float64 normals go through Math.log in the tails; allow an ulp or two across JS engines.
    for (let i = 0; i < 4; i++) expect(n64[i]).toBeCloseTo(expected64[i]!, 14)
    expect([...truncatedNormal(key, [4]).data]).toEqual([
      -0.02701626718044281, 0.4443809390068054, 0.2818773686885834, 0.1465083211660385,
    ])
  })
})

describe('uniform', () => {
  it('stays in [low, high) with the right mean and variance', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = uniform(prngKey(1), [N], { low: -3, high: 5, dtype })
      expect(x.dtype).toBe(dtype)
      expect(x.shape).toEqual([N])
      let lo = Infinity
      let hi = -Infinity
      for (const v of x.data) {
        lo = Math.min(lo, v)
        hi = Math.max(hi, v)
      }
      expect(lo).toBeGreaterThanOrEqual(-3)
      expect(hi).toBeLessThan(5)
      // U(-3, 5): mean 1, variance 8²/12 = 5.333. Standard errors: sd/√N = 2.309/447 = 0.0052 for
      // the mean; √((μ4 - σ⁴)/N) = √((8⁴/80 - 5.333²)/N) = 0.0106 for the variance. Allow 5 SE.
      const m = moments(x.data)
      expect(Math.abs(m.mean - 1)).toBeLessThan(5 * 0.0052)
      expect(Math.abs(m.variance - 64 / 12)).toBeLessThan(5 * 0.0106)
    }
  })

  it('fills equal-width bins evenly (chi-square, 20 bins)', () => {
    const x = uniform(prngKey(2), [N], { dtype: 'float64' }).data
    const bins = new Array<number>(20).fill(0)
    for (const v of x) bins[Math.floor(v * 20)]!++
    const e = N / 20
    const chi2 = bins.reduce((s, c) => s + (c - e) ** 2 / e, 0)
    // 19 degrees of freedom: P(χ² > 50) ≈ 1e-4.
    expect(chi2).toBeLessThan(50)
  })

  it('never returns high, even when float32 rounding would reach it', () => {
    // high = 1 + 2⁻³⁰ rounds to 1 in float32; values just below it must be pulled under high.
    const x = uniform(prngKey(3), [10000], { low: 0.999, high: 1 + 2 ** -30 }).data
    for (const v of x) expect(v).toBeLessThan(1 + 2 ** -30)
    expect(x.reduce((a, b) => Math.max(a, b))).toBeLessThanOrEqual(1)
  })

  it('gives uncorrelated streams for split keys and for neighbouring elements', () => {
    const [k1, k2] = splitKey(prngKey(5))
    const a = uniform(k1!, [N], { dtype: 'float64' }).data
    const b = uniform(k2!, [N], { dtype: 'float64' }).data
    // Correlation of independent samples has sd 1/√N = 0.00224; allow 5 sd.
    expect(Math.abs(correlation(a, b))).toBeLessThan(5 / Math.sqrt(N))
    expect(Math.abs(correlation(a.subarray(1), a.subarray(0, N - 1)))).toBeLessThan(5 / Math.sqrt(N))
  })

  it('rejects bad input', () => {
    const key = prngKey(0)
    expect(() => uniform(key, [2], { low: 1, high: 0 })).toThrow('uniform: low must be < high, got 1 and 0')
    expect(() => uniform(key, [2], { low: 0, high: Infinity })).toThrow(
      'uniform: high must be a finite number, got Infinity',
    )
    expect(() => uniform(key, [2], { low: -1e308, high: 1e308 })).toThrow(
      'uniform: high - low must be finite, got Infinity',
    )
    expect(() => uniform(key, [2], { dtype: 'int32' as never })).toThrow(
      'uniform: dtype must be "float32" or "float64", got "int32"',
    )
    expect(() => uniform(key, [2, -1])).toThrow('uniform: shape must hold non-negative integers, got [2,-1]')
    expect(() => uniform([0.5, 1], [2])).toThrow(
      'uniform: key must be a pair of uint32 (from prngKey or splitKey), got [0.5,1]',
    )
    // options are read strictly
    expect(() => uniform(key, [2], { lo: 0 } as never)).toThrow(
      'uniform: unknown option lo, expected one of low, high, dtype; did you mean low?',
    )
    expect(() => normal(key, [2], { stddev: 5 } as never)).toThrow(
      'normal: unknown option stddev, expected one of mean, std, dtype',
    )
    expect(() => normal(key, [2], 'float64' as never)).toThrow('normal: options must be a plain object, got "float64"')
    expect(() => truncatedNormal(key, [2], { std: 1, lowr: -1 } as never)).toThrow(
      'truncatedNormal: unknown option lowr, expected one of mean, std, dtype, lower, upper; did you mean lower?',
    )
    expect(() => truncatedNormal(key, [2], { upper: Number.NaN })).toThrow(
      'truncatedNormal: upper must be a number, not NaN, got NaN',
    )
    expect(() => uniform(key, [1.5, 3])).toThrow('uniform: shape must hold non-negative integers, got [1.5,3]')
    expect(() => normal(key, [65536, 32768])).toThrow(
      'normal: shape [65536,32768] has 2147483648 elements, more than the limit of 2147483647',
    )
    // null options are no options
    expect(normal(key, [2], null as never).dtype).toBe('float32')
  })
})

describe('normal', () => {
  it('has the requested mean and variance', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = normal(prngKey(6), [N], { mean: 2, std: 3, dtype })
      const m = moments(x.data)
      // N(2, 9): SE of the mean 3/√N = 0.0067; SE of the variance σ²√(2/N) = 0.0285. 5 SE each.
      expect(Math.abs(m.mean - 2)).toBeLessThan(5 * 0.0067)
      expect(Math.abs(m.variance - 9)).toBeLessThan(5 * 0.0285)
    }
  })

  it('puts the right mass in the tails', () => {
    const x = normal(prngKey(7), [N], { dtype: 'float64' }).data
    let beyond2 = 0
    for (const v of x) if (Math.abs(v) > 2) beyond2++
    // P(|Z| > 2) = 0.0455; the count is Binomial(N, 0.0455) with sd √(N·0.0455·0.9545) = 93.
    expect(Math.abs(beyond2 - N * 0.0455)).toBeLessThan(5 * 93)
  })

  it('gives exactly mean for std = 0 and rejects bad input', () => {
    expect([...normal(prngKey(0), [3], { mean: 4, std: 0 }).data]).toEqual([4, 4, 4])
    expect(() => normal(prngKey(0), [2], { std: -1 })).toThrow(
      'normal: std must be a non-negative finite number, got -1',
    )
    expect(() => normal(prngKey(0), [2], { mean: Number.NaN })).toThrow('normal: mean must be a finite number, got NaN')
    expect(() => normal(prngKey(0), [2], { dtype: 'bool' as never })).toThrow(
      'normal: dtype must be "float32" or "float64", got "bool"',
    )
  })
})

describe('truncatedNormal', () => {
  it('stays within ±2 std by default, with the truncated variance', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = truncatedNormal(prngKey(8), [N], { std: 0.5, dtype }).data
      let worst = 0
      for (const v of x) worst = Math.max(worst, Math.abs(v))
      expect(worst).toBeLessThanOrEqual(1)
      expect(worst).toBeGreaterThan(0.99) // the bound is reached, the tails are not cut short
      // Variance of N(0,1) truncated to [-2, 2]: 1 - 2·2φ(2)/(Φ(2) - Φ(-2)) = 0.77374, times 0.25.
      const v = 0.25 * (1 - (4 * normalPdf(2)) / (normalCdf(2) - normalCdf(-2)))
      const m = moments(x)
      // SE of the variance ≈ √((μ4 - σ⁴)/N) ≤ σ²√(2/N) = 0.00061 here; 5 SE.
      expect(Math.abs(m.variance - v)).toBeLessThan(5 * 0.00061)
      expect(Math.abs(m.mean)).toBeLessThan(5 * Math.sqrt(v / N))
    }
  })

  it('handles one-sided and far-tail intervals', () => {
    // Z | Z >= 1: mean φ(1)/(1 - Φ(1)) = 1.52514; variance 1 + 1·1.52514 - 1.52514² = 0.19909.
    const x = truncatedNormal(prngKey(9), [N], { lower: 1, upper: Infinity, dtype: 'float64' }).data
    expect(x.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(1)
    const m = moments(x)
    expect(Math.abs(m.mean - 1.52514)).toBeLessThan(5 * Math.sqrt(0.19909 / N))
    // [5, 6] holds mass 2.9e-7: inverting Φ directly on the right would lose it to rounding.
    const far = truncatedNormal(prngKey(10), [1000], { lower: 5, upper: 6, dtype: 'float64' }).data
    for (const v of far) {
      expect(v).toBeGreaterThanOrEqual(5)
      expect(v).toBeLessThanOrEqual(6)
    }
    // Most of the mass of Z | 5 <= Z <= 6 lies near 5 (mean ≈ 5.19).
    expect(moments(far).mean).toBeCloseTo(5.19, 1)
    const left = truncatedNormal(prngKey(11), [1000], { lower: -Infinity, upper: -3, mean: 1, std: 2 }).data
    for (const v of left) expect(v).toBeLessThanOrEqual(1 - 6)
  })

  it('rejects bad bounds', () => {
    const key = prngKey(0)
    expect(() => truncatedNormal(key, [2], { lower: 1, upper: -1 })).toThrow(
      'truncatedNormal: lower must be < upper, got 1 and -1',
    )
    expect(() => truncatedNormal(key, [2], { lower: 40, upper: 41 })).toThrow(
      'truncatedNormal: [lower, upper] has no probability mass, got 40 and 41',
    )
    expect(() => truncatedNormal(key, [2], { std: Infinity })).toThrow(
      'truncatedNormal: std must be a non-negative finite number, got Infinity',
    )
  })
})
