import { grad, type Var } from '@gd/autograd'
import { tensor, type Tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import * as L from './index.js'
import { checkPair, checkReduction, reduceLoss, type LossOptions } from './reduction.js'

const f64 = (v: number[] | number[][]): Tensor => tensor(v, { dtype: 'float64' })
const int = (v: number[]): Tensor => tensor(v, { dtype: 'int32' })
const p = f64([
  [0.2, -1.3, 0.7],
  [1.1, 0.4, -0.6],
])
const t = f64([
  [0.5, 0.1, -0.2],
  [0.9, -0.8, 0.3],
])
const probs = f64([
  [0.2, 0.3, 0.5],
  [0.6, 0.1, 0.3],
])
const signs = f64([
  [1, -1, 1],
  [-1, -1, 1],
])
const y = int([2, 0])

/** Every loss called on [2, 3] inputs; `'none'` gives [2, 3] (elementwise) or [2] (over a class axis). */
const calls: Record<string, (o: LossOptions) => Var> = {
  mse: (o) => L.mse(p, t, o),
  mae: (o) => L.mae(p, t, o),
  huber: (o) => L.huber(p, t, o),
  smoothL1: (o) => L.smoothL1(p, t, o),
  logCosh: (o) => L.logCosh(p, t, o),
  poissonNll: (o) => L.poissonNll(p, probs, o),
  gaussianNll: (o) => L.gaussianNll(p, t, probs, o),
  binaryCrossEntropy: (o) =>
    L.binaryCrossEntropy(
      probs,
      f64([
        [1, 0, 1],
        [0, 0, 1],
      ]),
      o,
    ),
  sigmoidBinaryCrossEntropy: (o) => L.sigmoidBinaryCrossEntropy(p, probs, o),
  sigmoidFocal: (o) => L.sigmoidFocal(p, probs, o),
  softmaxCrossEntropy: (o) => L.softmaxCrossEntropy(p, y, o),
  nll: (o) => L.nll(p, y, o),
  klDivergence: (o) => L.klDivergence(p, probs, o),
  hinge: (o) => L.hinge(p, signs, o),
  squaredHinge: (o) => L.squaredHinge(p, signs, o),
  multiclassHinge: (o) => L.multiclassHinge(p, y, o),
  cosineSimilarity: (o) => L.cosineSimilarity(p, t, o),
  cosineDistance: (o) => L.cosineDistance(p, t, o),
}

describe('reductions and weights on every loss', () => {
  for (const [name, call] of Object.entries(calls)) {
    it(`${name}: sum = mean × count, weighted mean = Σwℓ/Σw, and rows weighted by [N] weights`, () => {
      const none = call({ reduction: 'none' })
      const values = Array.from(none.value.data)
      const total = values.reduce((a, b) => a + b, 0)
      expect(call({ reduction: 'sum' }).item()).toBeCloseTo(total, 12)
      expect(call({}).item()).toBeCloseTo(total / values.length, 12)
      // Weights [3, 1] on the two rows, broadcast over any trailing axis.
      const perRow = values.length / 2
      const w = values.map((_, i) => (i < perRow ? 3 : 1))
      const weighted = values.reduce((a, v, i) => a + w[i]! * v, 0)
      const options = { weights: f64([3, 1]) }
      expect(
        call({ ...options, reduction: 'none' }).value.data.every((v, i) => Math.abs(v - w[i]! * values[i]!) < 1e-12),
      ).toBe(true)
      expect(call({ ...options, reduction: 'sum' }).item()).toBeCloseTo(weighted, 12)
      expect(call(options).item()).toBeCloseTo(weighted / (4 * perRow), 12)
      expect(call({ weights: f64([0, 0]) }).item()).toBe(0)
    })
  }

  it('keeps the input dtype', () => {
    expect(L.mse(tensor([1, 2]), tensor([0, 0])).dtype).toBe('float32')
    expect(L.softmaxCrossEntropy(p, y).dtype).toBe('float64')
    expect(L.mse(tensor([1, 2]), tensor([0, 0]), { weights: f64([1, 2]) }).dtype).toBe('float32')
  })

  it('weights are constants: the gradient scales by w / Σw', () => {
    // d/dp of (1·(p₀ − 0)² + 3·(p₁ − 0)²) / 4 at p = [1, 1] is [2·1/4, 2·3/4]
    const g = grad((v: Var) => L.mse(v, tensor([0, 0]), { weights: tensor([1, 3]) }))(tensor([1, 1]))
    expect(g.toArray()).toEqual([0.5, 1.5])
  })
})

describe('checkReduction, checkPair, reduceLoss', () => {
  it('accepts the three reductions', () => {
    expect(['mean', 'sum', 'none'].map((r) => checkReduction('mse', r))).toEqual(['mean', 'sum', 'none'])
    expect(reduceLoss('mine', tensor([1, 2, 3]), { reduction: 'sum' }).item()).toBe(6)
  })

  it('takes the mean of an empty batch as 0, not NaN, with a zero gradient', () => {
    const empty = tensor([], { shape: [0, 3] })
    expect(L.mse(empty, empty).item()).toBe(0)
    expect(L.softmaxCrossEntropy(empty, tensor([], { dtype: 'int32' })).item()).toBe(0)
    expect(L.multiclassHinge(empty, tensor([], { dtype: 'int32' })).item()).toBe(0)
    expect(grad((p: Var) => L.mse(p, empty))(empty).shape).toEqual([0, 3])
  })

  it('names the loss and the problem', () => {
    expect(() => L.softmaxCrossEntropy(tensor([], { shape: [2, 0] }), tensor([], { shape: [2, 0] }))).toThrow(
      'softmaxCrossEntropy: predictions need at least one class, got shape [2,0]',
    )
    expect(() => checkReduction('mse', 'avg')).toThrow('mse: reduction must be "mean", "sum" or "none", got "avg"')
    expect(() => checkReduction(3 as never, 'sum')).toThrow('checkReduction: loss must be a string, got 3')
    expect(() => checkPair('mse', tensor([1]), tensor([1, 2]))).toThrow(
      'mse: predictions [1] and targets [2] differ in shape',
    )
    const x = tensor([
      [1, 2],
      [3, 4],
    ])
    expect(() => L.mse(x, x, { weights: tensor([1, 2, 3]) })).toThrow(
      'mse: weights [3] must match the leading axes of the per-sample loss [2,2]',
    )
    expect(() => L.mse(x, x, { weights: tensor([1, -2]) })).toThrow('mse: weights must be finite and >= 0, got -2')
    expect(() => L.mse(x, x, { weights: tensor([1, Number.NaN]) })).toThrow(
      'mse: weights must be finite and >= 0, got NaN',
    )
    expect(() => L.mse(x, x, { weights: [1, 2] as never })).toThrow('mse: weights must be a Tensor, got [1,2]')
    expect(() => L.mse(x, x, { wieghts: x } as never)).toThrow(
      'mse: unknown option wieghts, expected one of reduction, weights; did you mean weights?',
    )
    expect(() => L.mse(x, x, 5 as never)).toThrow('mse: options must be a plain object, got 5')
    // undefined and null both mean no options
    expect(
      L.mse(
        x,
        tensor([
          [1, 2],
          [3, 6],
        ]),
        null as never,
      ).item(),
    ).toBe(1) // (0 + 0 + 0 + 4) / 4
    expect(() => reduceLoss('mine', x, {}, [1] as never)).toThrow('mine: extra must be a Tensor, got [1]')
    expect(() => reduceLoss('mine', 'x' as never)).toThrow(
      'mine: perSample must be a Tensor, a Var or a number, got "x"',
    )
    expect(() => checkPair('mse', 3 as never, x)).toThrow('mse: predictions must be a Tensor or a Var, got 3')
  })
})
