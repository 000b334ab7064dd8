import { describe, expect, it } from 'vitest'
import { categorical, multinomial } from './randomCategorical.js'
import { prngKey } from './rng.js'
import { tensor, type Tensor } from './tensor.js'

const N = 100_000

function counts(x: ArrayLike<number>, k: number): number[] {
  const c = new Array<number>(k).fill(0)
  for (let i = 0; i < x.length; i++) c[x[i]!]!++
  return c
}

/** Pearson's statistic of observed counts against probabilities p (classes with p = 0 left out). */
function chiSquare(observed: readonly number[], p: readonly number[]): number {
  const n = observed.reduce((a, b) => a + b, 0)
  return observed.reduce((s, o, j) => (p[j]! > 0 ? s + (o - n * p[j]!) ** 2 / (n * p[j]!) : s), 0)
}

// Bounds: the χ² quantiles at tail probability 1e-4 (scipy.stats.chi2.isf(1e-4, df)): a correct
// sampler exceeds them once in 10⁴ keys, and the keys are fixed, so a pass is deterministic.
const CHI2_1E4 = { 3: 21.11, 4: 23.51, 5: 25.74 } as const

describe('categorical', () => {
  it('draws each class with probability softmax(logits) (χ², 4 classes, 10⁵ draws)', () => {
    const p = [0.1, 0.2, 0.3, 0.4]
    const logits = tensor([...p.map(Math.log), -Infinity], { dtype: 'float64' })
    const x = categorical(prngKey(7), logits, { shape: [N] })
    expect(x.dtype).toBe('int32')
    expect(x.shape).toEqual([N])
    const c = counts(x.data, 5)
    expect(c[4]).toBe(0) // −Infinity is never drawn
    expect(chiSquare(c, p)).toBeLessThan(CHI2_1E4[3])
  })

  it('is shift invariant and stable for huge logits, in float32 too', () => {
    const x = categorical(prngKey(3), tensor([1000, 1000 + Math.log(3)]), { shape: [N] })
    // p = [1/4, 3/4]; binomial sd of the share of class 1: √(3/16 / N) = 0.00137, 5 sd
    const share = counts(x.data, 2)[1]! / N
    expect(Math.abs(share - 0.75)).toBeLessThan(5 * 0.00137)
  })

  it('draws rows independently along any axis; −Infinity is never drawn', () => {
    // classes on axis 0: column 0 can only be class 0, column 1 only class 2, column 2 class 1 or 2
    const logits = tensor([
      [0, -Infinity, -Infinity],
      [-Infinity, -Infinity, 0],
      [-Infinity, 0, 0],
    ])
    const x = categorical(prngKey(1), logits, { axis: 0, shape: [1000, 3] })
    const cols = [0, 1, 2].map((c) =>
      counts(
        Array.from({ length: 1000 }, (_, i) => x.data[i * 3 + c]!),
        3,
      ),
    )
    expect(cols[0]).toEqual([1000, 0, 0])
    expect(cols[1]).toEqual([0, 0, 1000])
    expect(cols[2]![0]).toBe(0)
    expect(cols[2]![1]! + cols[2]![2]!).toBe(1000)
    expect(Math.abs(cols[2]![1]! - 500)).toBeLessThan(5 * Math.sqrt(250)) // binomial(1000, 1/2): sd 15.8
    expect(categorical(prngKey(1), logits, { axis: 0 }).shape).toEqual([3])
    expect(categorical(prngKey(1), logits).shape).toEqual([3])
  })

  it('maps every result element to its row, classes on a middle axis', () => {
    // logits [2, 6, 3] with classes on axis 1: row (a, b) allows only class 3a + b
    const v = Array.from({ length: 36 }, (_, i) => {
      const [a, j, b] = [Math.floor(i / 18), Math.floor(i / 3) % 6, i % 3]
      return j === 3 * a + b ? 0 : -Infinity
    })
    const x = categorical(prngKey(4), tensor(v, { shape: [2, 6, 3] }), { axis: 1, shape: [4, 2, 3] })
    expect(x.toArray()).toEqual(
      Array.from({ length: 4 }, () => [
        [0, 1, 2],
        [3, 4, 5],
      ]),
    )
  })

  it('broadcasts a batch of one row to the requested shape, and the same key gives the same draw', () => {
    const logits = tensor([[0, 1, 2, 3]])
    const a = categorical(prngKey(5), logits, { shape: [2, 3] })
    expect(a.shape).toEqual([2, 3])
    expect([...categorical(prngKey(5), logits, { shape: [2, 3] }).data]).toEqual([...a.data])
    expect([...categorical(prngKey(6), logits, { shape: [50] }).data]).not.toEqual([
      ...categorical(prngKey(5), logits, { shape: [50] }).data,
    ])
    // golden draw for key 42 (catches a change of algorithm)
    expect([...categorical(prngKey(42), logits, { shape: [10] }).data]).toEqual(GOLDEN_CATEGORICAL)
  })

  it('rejects what cannot be drawn from, naming the first bad logit', () => {
    const k = prngKey(0)
    expect(() =>
      categorical(
        k,
        tensor([
          [0, 1],
          [NaN, 0],
        ]),
      ),
    ).toThrow('categorical: logits[1,0] must be a finite number or -Infinity, got NaN')
    expect(() => categorical(k, tensor([0, Infinity]))).toThrow(
      'categorical: logits[1] must be a finite number or -Infinity, got Infinity',
    )
    expect(() =>
      categorical(
        k,
        tensor([
          [0, 1],
          [-Infinity, -Infinity],
        ]),
      ),
    ).toThrow('categorical: every logit of row [1] is -Infinity, so no class can be drawn')
    expect(() => categorical(k, tensor([-Infinity]))).toThrow(
      'categorical: every logit is -Infinity, so no class can be drawn',
    )
    expect(categorical(k, tensor([[0, 1]]), { shape: [3] }).shape).toEqual([3]) // batch [1] broadcasts to [3]
    expect(() =>
      categorical(
        k,
        tensor([
          [0, 1],
          [0, 1],
        ]),
        { shape: [3, 1] },
      ),
    ).toThrow('categorical: shape must end in sizes that the batch shape [2] broadcasts to, got [3,1]')
    expect(() =>
      categorical(
        k,
        tensor([
          [0, 1],
          [0, 1],
        ]),
        { shape: [3] },
      ),
    ).toThrow('categorical: shape must end in sizes that the batch shape [2] broadcasts to, got [3]')
    expect(() =>
      categorical(
        k,
        tensor([
          [0, 1],
          [0, 1],
        ]),
        { shape: [] },
      ),
    ).toThrow('categorical: shape must end in sizes that the batch shape [2] broadcasts to, got []')
    expect(() => categorical(k, tensor([0, 1], { dtype: 'int32' }))).toThrow(
      'categorical: logits must have dtype float32 or float64, got int32 of shape [2]',
    )
    expect(() => categorical(k, tensor(0))).toThrow(
      'categorical: logits must be a Tensor of rank >= 1, got a float32 Tensor of shape []',
    )
    expect(() => categorical(k, tensor([[]]))).toThrow(
      'categorical: logits must be a Tensor with classes on axis 1, got a float32 Tensor of shape [1,0]',
    )
    expect(() => categorical(k, tensor([0, 1]), { axis: 1 })).toThrow(
      'categorical: axis must be an integer in [-1, 1) for a tensor of rank 1, got 1',
    )
    expect(() => categorical(k, tensor([0, 1]), { axes: 0 } as never)).toThrow(
      'categorical: unknown option axes, expected one of axis, shape; did you mean axis?',
    )
    expect(() => categorical([1, 2, 3] as never, tensor([0, 1]))).toThrow(/^categorical: key must be/)
  })
})

describe('multinomial', () => {
  it('with replacement: independent draws in proportion to the weights (χ², 10⁵ draws)', () => {
    const w = [1, 0, 2, 3, 4]
    const x = multinomial(prngKey(11), tensor(w), N, { replacement: true })
    expect(x.shape).toEqual([N])
    const c = counts(x.data, 5)
    expect(c[1]).toBe(0)
    expect(
      chiSquare(
        c,
        w.map((v) => v / 10),
      ),
    ).toBeLessThan(CHI2_1E4[3])
  })

  it('without replacement: the first draw is categorical and the ordered pair follows successive sampling (χ²)', () => {
    // weights 1, 2, 3 (W = 6): P(i then j) = w_i / 6 · w_j / (6 - w_i)
    const w = [1, 2, 3]
    const x = multinomial(prngKey(12), tensor(Array.from({ length: N }, () => w)), 2)
    expect(x.shape).toEqual([N, 2])
    const pairs: number[] = new Array(9).fill(0)
    for (let r = 0; r < N; r++) pairs[x.data[2 * r]! * 3 + x.data[2 * r + 1]!]!++
    const p = Array.from({ length: 9 }, (_, ij) => {
      const [i, j] = [Math.floor(ij / 3), ij % 3]
      return i === j ? 0 : (w[i]! / 6) * (w[j]! / (6 - w[i]!))
    })
    expect([0, 4, 8].map((d) => pairs[d])).toEqual([0, 0, 0]) // no repeats
    expect(chiSquare(pairs, p)).toBeLessThan(CHI2_1E4[5])
  })

  it('never draws a zero weight, never repeats, and takes every non-zero class when asked for all', () => {
    const probs = tensor(
      [
        [0, 5, 0, 1e-300, 2, 5e-324],
        [3, 3, 3, 3, 0, 0],
      ],
      { dtype: 'float64' },
    )
    const x = multinomial(prngKey(2), probs, 4)
    const rows = x.toArray() as number[][]
    expect([...rows[0]!].sort()).toEqual([1, 3, 4, 5])
    expect([...rows[1]!].sort()).toEqual([0, 1, 2, 3])
    expect(() => multinomial(prngKey(2), probs, 5)).toThrow(
      'multinomial: numSamples must be at most 4 (the non-zero weights of probs[0]) without replacement, got 5',
    )
    // with replacement any number of draws, still never a zero weight
    const y = multinomial(prngKey(2), probs, 1000, { replacement: true })
    expect(y.shape).toEqual([2, 1000])
    expect([...y.data.subarray(0, 1000)].every((c) => c === 1 || c === 4)).toBe(true) // 1e-300 is drawn with probability 1e-301
    expect([...y.data.subarray(1000)].every((c) => c < 4)).toBe(true)
  })

  it('a few draws (kept by insertion) are the first of all draws (a full sort); weights 1e318 apart do not tie', () => {
    const w = tensor(Array.from({ length: 40 }, (_, j) => (j % 7 === 0 ? 0 : 1 + (j % 5))))
    const all = multinomial(prngKey(8), w, 34)
    expect([...multinomial(prngKey(8), w, 3).data]).toEqual([...all.data.subarray(0, 3)])
    expect(new Set(all.data).size).toBe(34)
    // E / (w / max) overflows for 1e-10 / 1e308: that row is compared in log space; the order is
    // 0, 3, 1 unless a draw of probability ~1e-10 happens
    expect([...multinomial(prngKey(8), tensor([1e308, 1e-10, 0, 1], { dtype: 'float64' }), 3).data]).toEqual([0, 3, 1])
  })

  it('is deterministic per key', () => {
    const probs = tensor([0.2, 0.3, 0.5])
    const a: Tensor = multinomial(prngKey(9), probs, 3)
    expect([...multinomial(prngKey(9), probs, 3).data]).toEqual([...a.data])
    expect([...multinomial(prngKey(42), tensor([1, 2, 3, 4]), 8, { replacement: true }).data]).toEqual(
      GOLDEN_MULTINOMIAL,
    )
  })

  it('rejects bad weights, naming the first, and bad counts', () => {
    const k = prngKey(0)
    expect(() =>
      multinomial(
        k,
        tensor([
          [1, 2],
          [-1, 2],
        ]),
        1,
      ),
    ).toThrow('multinomial: probs[1,0] must be a non-negative finite weight, got -1')
    expect(() => multinomial(k, tensor([1, NaN]), 1)).toThrow(
      'multinomial: probs[1] must be a non-negative finite weight, got NaN',
    )
    expect(() => multinomial(k, tensor([1, Infinity]), 1)).toThrow(
      'multinomial: probs[1] must be a non-negative finite weight, got Infinity',
    )
    expect(() =>
      multinomial(
        k,
        tensor([
          [1, 2],
          [0, 0],
        ]),
        1,
      ),
    ).toThrow('multinomial: probs[1] must hold a positive weight, got [0,0]')
    expect(() => multinomial(k, tensor([0, 0]), 1, { replacement: true })).toThrow(
      'multinomial: probs must hold a positive weight, got [0,0]',
    )
    expect(() => multinomial(k, tensor([1, 2]), 0)).toThrow('multinomial: numSamples must be a positive integer, got 0')
    expect(() => multinomial(k, tensor([1, 2]), 3)).toThrow(
      'multinomial: numSamples must be at most 2 (the non-zero weights of probs) without replacement, got 3',
    )
    expect(() => multinomial(k, tensor([[[1]]]), 1)).toThrow(
      'multinomial: probs must be a Tensor of rank 1 or 2, got a float32 Tensor of shape [1,1,1]',
    )
    expect(() => multinomial(k, tensor([1, 2], { dtype: 'int32' }), 1)).toThrow(
      'multinomial: probs must have dtype float32 or float64, got int32 of shape [2]',
    )
    expect(() => multinomial(k, tensor([1, 2]), 1, { replace: true } as never)).toThrow(
      'multinomial: unknown option replace, expected one of replacement',
    )
  })
})

const GOLDEN_CATEGORICAL = [3, 0, 3, 3, 3, 3, 3, 3, 2, 2]
const GOLDEN_MULTINOMIAL = [2, 0, 2, 3, 3, 3, 3, 2]
