import { logSoftmax } from '@gd/autograd'
import { valuesArb } from '@gd/testing'
import { tensor, type Tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nll } from './nll.js'
import { softmaxCrossEntropy } from './softmaxCrossEntropy.js'

const f64 = (v: number[][]): Tensor => tensor(v, { dtype: 'float64' })
const int = (v: number[]): Tensor => tensor(v, { dtype: 'int32' })

/** −Σ_c q_c log softmax(z)_c for one row, naively. */
function reference(z: number[], q: number[]): number {
  const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0))
  return -q.reduce((s, qc, c) => s + qc * (z[c]! - lse), 0)
}

const batches = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 4 }))
  .chain(([n, c]) =>
    fc.tuple(
      valuesArb([n, c]),
      fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    ),
  )

const rows = (t: Tensor): number[][] => t.toArray() as number[][]

describe('softmaxCrossEntropy', () => {
  it('matches −Σ q log softmax(z) with smoothed one-hot targets, on random logits, labels and ε', () => {
    fc.assert(
      fc.property(batches, ([z, y, eps]) => {
        const c = z.shape[1]!
        const got = softmaxCrossEntropy(z, int(y), { labelSmoothing: eps, reduction: 'none' }).value.data
        rows(z).forEach((row, i) => {
          const q = row.map((_, k) => (1 - eps) * (k === y[i] ? 1 : 0) + eps / c)
          expect(got[i]).toBeCloseTo(reference(row, q), 10)
        })
      }),
    )
  })

  it('gives the same for int32 labels and one-hot targets, and equals nll ∘ logSoftmax', () => {
    fc.assert(
      fc.property(batches, ([z, y]) => {
        const c = z.shape[1]!
        const oneHot = f64(y.map((k) => Array.from({ length: c }, (_, j) => (j === k ? 1 : 0))))
        const a = softmaxCrossEntropy(z, int(y)).item()
        expect(softmaxCrossEntropy(z, oneHot).item()).toBeCloseTo(a, 12)
        expect(nll(logSoftmax(z), int(y)).item()).toBeCloseTo(a, 12)
        expect(a).toBeGreaterThanOrEqual(0)
      }),
    )
  })

  it('weights samples by class and skips an ignored label (weighted mean Σwℓ/Σw)', () => {
    const z = f64([
      [0, Math.log(3)],
      [0, 0],
      [5, -5],
    ])
    // per-row losses: −log ¾ (label 1), log 2 (label 0), ignored
    const l0 = -Math.log(0.75)
    const l1 = Math.LN2
    const got = softmaxCrossEntropy(z, int([1, 0, -100]), {
      ignoreIndex: -100,
      classWeights: tensor([2, 1]),
      reduction: 'none',
    })
    expect(got.toArray()).toEqual([expect.closeTo(l0, 6), expect.closeTo(2 * l1, 6), 0])
    // mean = (1·l0 + 2·l1) / (1 + 2)
    expect(
      softmaxCrossEntropy(z, int([1, 0, -100]), { ignoreIndex: -100, classWeights: tensor([2, 1]) }).item(),
    ).toBeCloseTo((l0 + 2 * l1) / 3, 6)
    // every label ignored: the mean is 0, not NaN
    expect(softmaxCrossEntropy(z, int([-1, -1, -1]), { ignoreIndex: -1 }).item()).toBe(0)
    // soft targets take the class weight Σ_c w_c y_c: 0.5·2 + 0.5·1 = 1.5
    const soft = softmaxCrossEntropy(f64([[0, 0]]), f64([[0.5, 0.5]]), {
      classWeights: tensor([2, 1]),
      reduction: 'sum',
    })
    expect(soft.item()).toBeCloseTo(1.5 * Math.LN2, 12)
  })

  it('works the label-smoothing example by hand', () => {
    // ε = 0.2, 2 classes: q = [0.1, 0.9]; logits [0, ln 9] give p = [0.1, 0.9]: the entropy 0.3250…
    const got = softmaxCrossEntropy(f64([[0, Math.log(9)]]), int([1]), { labelSmoothing: 0.2 }).item()
    expect(got).toBeCloseTo(-(0.1 * Math.log(0.1) + 0.9 * Math.log(0.9)), 12)
  })

  it('names labels out of range, shape mismatches and bad options', () => {
    const z = tensor([[0, 0, 0]])
    expect(() => softmaxCrossEntropy(z, int([3]))).toThrow('softmaxCrossEntropy: label 3 is out of range for 3 classes')
    expect(() => softmaxCrossEntropy(z, int([-1]))).toThrow(
      'softmaxCrossEntropy: label -1 is out of range for 3 classes',
    )
    expect(() => softmaxCrossEntropy(z, int([0, 1]))).toThrow(
      "softmaxCrossEntropy: labels [2] must have the predictions' shape without the class axis [1]",
    )
    expect(() => softmaxCrossEntropy(z, tensor([[1, 0]]))).toThrow(
      'softmaxCrossEntropy: predictions [1,3] and targets [1,2] differ in shape',
    )
    expect(() => softmaxCrossEntropy(tensor(1), int([]))).toThrow(
      'softmaxCrossEntropy: predictions need a class axis, got shape []',
    )
    expect(() => softmaxCrossEntropy(z, int([0]), { labelSmoothing: 1.5 })).toThrow(
      'softmaxCrossEntropy: labelSmoothing must be in [0, 1], got 1.5',
    )
    expect(() => softmaxCrossEntropy(z, int([0]), { classWeights: tensor([1, 2]) })).toThrow(
      'softmaxCrossEntropy: classWeights must have shape [3], got [2]',
    )
    expect(() => softmaxCrossEntropy(z, int([0]), { classWeights: tensor([1, -2, 1]) })).toThrow(
      'softmaxCrossEntropy: classWeights must be finite and >= 0, got -2',
    )
    expect(() => softmaxCrossEntropy(z, tensor([[1, 0, 0]]), { ignoreIndex: 0 })).toThrow(
      'softmaxCrossEntropy: ignoreIndex needs int32 labels, got float32 targets',
    )
    expect(() => softmaxCrossEntropy(z, int([0]), { ignoreIndex: 0.5 })).toThrow(
      'softmaxCrossEntropy: ignoreIndex must be an integer, got 0.5',
    )
    expect(() => softmaxCrossEntropy(z, tensor([[true, false, false]]))).toThrow(
      'softmaxCrossEntropy: targets must be int32 labels or float distributions, got bool',
    )
  })
})
