import { describe, expect, it } from 'vitest'
import { bernoulli, permutation, randint, shuffle } from './randomDiscrete.js'
import { foldIn, prngKey, randomBits, splitKey } from './rng.js'
import { tensor } from './tensor.js'

const N = 200_000

function mean(x: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]!
  return s / x.length
}

function chiSquare(counts: readonly number[], expected: number): number {
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0)
}

describe('golden values for seed 42 (catch a change of algorithm)', () => {
  it('bernoulli, randint and permutation', () => {
    const key = prngKey(42)
    expect([...bernoulli(key, [12]).data]).toEqual([1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0])
    expect([...randint(key, [8], -3, 7).data]).toEqual([0, 4, 5, 1, -2, -1, 3, -2])
    expect([...permutation(key, 10).data]).toEqual([9, 1, 7, 8, 2, 0, 6, 5, 4, 3])
  })
})

describe('bernoulli', () => {
  it('draws 1 exactly where the word hi ^ lo is below p · 2³², for p at and near the edges, in every dtype', () => {
    const n = 4096
    const key = prngKey(8)
    const { hi, lo } = randomBits(key, n)
    const words = Array.from(hi, (h, i) => (h ^ lo[i]!) >>> 0)
    const sorted = [...words].sort((a, b) => a - b)
    // p with p · 2³² fractional, an integer, and between two drawn words; the words themselves as thresholds
    const ps = [
      0,
      1,
      2 ** -33,
      2 ** -32,
      0.3,
      0.5,
      1 - 2 ** -40,
      sorted[100]! / 2 ** 32,
      (sorted[200]! + 0.5) / 2 ** 32,
    ]
    for (const p of ps) {
      const expected = words.map((w) => (w < p * 2 ** 32 ? 1 : 0))
      for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const)
        expect([p, dtype, [...bernoulli(key, [n], { p, dtype }).data]]).toEqual([p, dtype, expected])
    }
  })

  it('has mean p, in every dtype', () => {
    const x = bernoulli(prngKey(1), [N], { p: 0.3 })
    expect(x.dtype).toBe('float32')
    // Binomial mean: sd √(0.3·0.7/N) = 0.00102; 5 sd.
    expect(Math.abs(mean(x.data) - 0.3)).toBeLessThan(5 * 0.00102)
    const b = bernoulli(prngKey(1), [N], { p: 0.3, dtype: 'bool' })
    expect(b.dtype).toBe('bool')
    expect([...b.data]).toEqual([...x.data]) // same key, same flips, whatever the dtype
    expect(bernoulli(prngKey(1), [3], { dtype: 'int32' }).dtype).toBe('int32')
  })

  it('is exact at p = 0 and p = 1', () => {
    expect([...bernoulli(prngKey(2), [1000], { p: 0 }).data].every((v) => v === 0)).toBe(true)
    expect([...bernoulli(prngKey(2), [1000], { p: 1, dtype: 'float64' }).data].every((v) => v === 1)).toBe(true)
  })

  it('rejects bad p and dtype', () => {
    expect(() => bernoulli(prngKey(0), [2], { p: 1.5 })).toThrow('bernoulli: p must be in [0, 1], got 1.5')
    expect(() => bernoulli(prngKey(0), [2], { p: Number.NaN })).toThrow('bernoulli: p must be in [0, 1], got NaN')
    expect(() => bernoulli(prngKey(0), [2], { dtype: 'uint8' as never })).toThrow(
      'bernoulli: dtype must be "float32", "float64", "int32" or "bool", got "uint8"',
    )
  })
})

describe('randint', () => {
  it('covers [low, high) evenly (chi-square, 10 values)', () => {
    const x = randint(prngKey(3), [N], -5, 5)
    expect(x.dtype).toBe('int32')
    const counts = new Array<number>(10).fill(0)
    for (const v of x.data) counts[v + 5]!++
    expect(counts.every((c) => c > 0)).toBe(true)
    // 9 degrees of freedom: P(χ² > 33) ≈ 1e-4.
    expect(chiSquare(counts, N / 10)).toBeLessThan(33)
  })

  it('stays unbiased when half the words are rejected (span 2^31 + 1)', () => {
    // limit = 2^32 - (2^32 mod (2^31 + 1)) = 2^31 + 1: each word is rejected with probability
    // ~1/2, so a quarter of the elements take the re-draw path.
    const x = randint(prngKey(4), [N], -(2 ** 31), 1, { dtype: 'float64' }).data
    let below = 0
    let lo = Infinity
    let hi = -Infinity
    for (const v of x) {
      lo = Math.min(lo, v)
      hi = Math.max(hi, v)
      if (v < -(2 ** 30)) below++
    }
    expect(lo).toBeGreaterThanOrEqual(-(2 ** 31))
    expect(hi).toBeLessThanOrEqual(0)
    // P(v < -2^30) = (2^30) / (2^31 + 1) ≈ 1/2; sd √(N/4) = 224; 5 sd.
    expect(Math.abs(below - N / 2)).toBeLessThan(5 * 224)
  })

  it('uses the full int32 range when asked', () => {
    const x = randint(prngKey(5), [1000], -(2 ** 31), 2 ** 31).data
    expect(x.some((v) => v < 0) && x.some((v) => v > 0)).toBe(true)
    expect([...randint(prngKey(5), [4], 7, 8).data]).toEqual([7, 7, 7, 7])
  })

  it('rejects bad bounds and dtypes', () => {
    const key = prngKey(0)
    expect(() => randint(key, [2], 3, 3)).toThrow('randint: low must be < high, got 3 and 3')
    expect(() => randint(key, [2], 0, 2.5)).toThrow(
      'randint: high must be an integer in [-2147483648, 2147483648], got 2.5',
    )
    expect(() => randint(key, [2], 0, 2 ** 31 + 1)).toThrow(
      'randint: high must be an integer in [-2147483648, 2147483648], got 2147483649',
    )
    expect(() => randint(key, [2], 0, 2, { dtype: 'bool' as never })).toThrow(
      'randint: dtype must be "int32", "float32" or "float64", got "bool"',
    )
    expect(() => randint(key, [2], 0, 2, { dtpye: 'int32' } as never)).toThrow(
      'randint: unknown option dtpye, expected one of dtype; did you mean dtype?',
    )
    expect(() => randint(key, [2], '0' as never, 2)).toThrow(
      'randint: low must be an integer in [-2147483648, 2147483648], got "0"',
    )
    expect(() => bernoulli(key, [2], { prob: 0.5 } as never)).toThrow(
      'bernoulli: unknown option prob, expected one of p, dtype',
    )
    expect(() => permutation(key, 3, { axis: 0 } as never)).toThrow(
      'permutation: unknown option axis, expected one of dtype',
    )
  })
})

describe('permutation', () => {
  it('is a permutation of 0..n-1', () => {
    const p = permutation(prngKey(6), 1000)
    expect(p.dtype).toBe('int32')
    expect(p.shape).toEqual([1000])
    expect([...p.data].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    expect([...p.data]).not.toEqual(Array.from({ length: 1000 }, (_, i) => i))
    expect(permutation(prngKey(6), 0).shape).toEqual([0])
    expect([...permutation(prngKey(6), 1, { dtype: 'float64' }).data]).toEqual([0])
  })

  it('makes all 3! orders equally likely (chi-square over 60000 keys)', () => {
    const key = prngKey(7)
    const counts = new Map<string, number>()
    for (let i = 0; i < 60000; i++) {
      const order = [...permutation(foldIn(key, i), 3).data].join('')
      counts.set(order, (counts.get(order) ?? 0) + 1)
    }
    expect(counts.size).toBe(6)
    // 5 degrees of freedom: P(χ² > 25) ≈ 1.4e-4.
    expect(chiSquare([...counts.values()], 10000)).toBeLessThan(25)
  })

  it('puts each element in each position equally often', () => {
    // Position of element 0 over 20000 permutations of 8: uniform over 8 positions.
    const [key] = splitKey(prngKey(8))
    const counts = new Array<number>(8).fill(0)
    for (let i = 0; i < 20000; i++) counts[[...permutation(foldIn(key!, i), 8).data].indexOf(0)]!++
    // 7 degrees of freedom: P(χ² > 29) ≈ 1.4e-4.
    expect(chiSquare(counts, 2500)).toBeLessThan(29)
  })

  it('rejects bad n', () => {
    expect(() => permutation(prngKey(0), -1)).toThrow('permutation: n must be an integer in [0, 4294967296], got -1')
    expect(() => permutation(prngKey(0), 2.5)).toThrow('permutation: n must be an integer in [0, 4294967296], got 2.5')
  })
})

describe('shuffle', () => {
  it('reorders rows like permutation, keeping dtype and leaving the input alone', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
      { dtype: 'int32' },
    )
    const key = prngKey(9)
    const y = shuffle(key, x)
    expect(y.dtype).toBe('int32')
    const order = [...permutation(key, 4).data]
    expect(y.toArray()).toEqual(order.map((i) => [2 * i + 1, 2 * i + 2]))
    expect(x.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ])
  })

  it('shuffles along another axis', () => {
    const x = tensor([
      [0, 1, 2, 3, 4],
      [10, 11, 12, 13, 14],
    ])
    const key = prngKey(10)
    const order = [...permutation(key, 5).data]
    expect(shuffle(key, x, { axis: -1 }).toArray()).toEqual([order, order.map((i) => i + 10)])
  })

  it('rejects scalars and bad axes', () => {
    expect(() => shuffle(prngKey(0), tensor(1))).toThrow('shuffle: cannot shuffle a scalar (rank 0), got shape []')
    expect(() => shuffle(prngKey(0), tensor([1, 2]), { axis: 1 })).toThrow(
      'shuffle: axis must be an integer in [-1, 1) for a tensor of rank 1, got 1',
    )
    expect(() => shuffle([1] as never, tensor([1, 2]))).toThrow(
      'shuffle: key must be a pair of uint32 (from prngKey or splitKey), got [1]',
    )
    expect(() => shuffle(prngKey(0), tensor([1, 2]), { axes: 0 } as never)).toThrow(
      'shuffle: unknown option axes, expected one of axis; did you mean axis?',
    )
    expect(() => shuffle(prngKey(0), [1, 2] as never)).toThrow('shuffle: x must be a Tensor, got [1,2]')
  })
})
