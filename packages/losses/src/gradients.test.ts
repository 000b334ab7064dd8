import { grad, gradcheck, gradgradcheck, logSoftmax, type Var } from '@gd/autograd'
import { anywhere, awayFromZero, gradientTable, positive, valuesArb, type Domain, type GradientRow } from '@gd/testing'
import fc from 'fast-check'
import { Tensor, tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import * as losses from './index.js'

const f64 = (values: number[], shape?: number[]): Tensor =>
  tensor(values, { dtype: 'float64', ...(shape ? { shape } : {}) })
const labels = tensor([2, 0, 1], { dtype: 'int32' })
const signs = f64([1, -1, 1, -1, -1, 1])
const unitInterval: Domain = { min: 0.05, max: 0.95 }
/**
 * Values on both sides of ±δ, at least `margin` from it: |x| ≤ δ − margin or |x| ≥ δ + margin, each
 * element on either side (u ∈ [-3, 3] picks the side by its sign).
 */
const straddle =
  (delta: number, margin: number): Domain =>
  (u) =>
    u.map((x) => {
      const inside = (delta - margin) * Math.sin(x * 7) // in [−(δ − m), δ − m]
      return x < 0 ? inside : Math.sign(Math.cos(x * 5)) * (delta + margin + x / 3)
    })
const distributions = f64([0.2, 0.3, 0.5, 0.6, 0.4, 0, 0.1, 0.1, 0.8], [3, 3])

const table: Record<string, GradientRow<Var>> = {
  mse: {
    f: (p, t) => losses.mse(p!, t!),
    inputs: [
      [[2, 3], anywhere],
      [[2, 3], anywhere],
    ],
  },
  // |d| has a kink at d = 0: predictions stay ≥ 0.2 away from targets of 0.
  mae: { f: (p) => losses.mae(p!, f64([0, 0, 0, 0, 0, 0], [2, 3])), inputs: [[[2, 3], awayFromZero]] },
  l1: { f: (p) => losses.l1(p!, f64([0, 0, 0])), inputs: [[[3], awayFromZero]] },
  // d = p − t on both sides of δ = 0.5 (|d| ≤ 0.4 or ≥ 0.6), never within 0.1 of the kinks at ±δ.
  huber: {
    f: (p, t) => losses.huber(p!, t!, { delta: 0.5 }),
    inputs: [
      [[6], straddle(0.5, 0.15)],
      [[6], { min: -0.05, max: 0.05 }],
    ],
  },
  // As huber: d on both sides of β = 0.5, at least 0.15 from the switch at ±β.
  smoothL1: {
    f: (p) => losses.smoothL1(p!, f64([0, 0, 0, 0, 0, 0]), { beta: 0.5 }),
    inputs: [[[6], straddle(0.5, 0.15)]],
  },
  logCosh: {
    f: (p, t) => losses.logCosh(p!, t!),
    inputs: [
      [[2, 2], anywhere],
      [[2, 2], anywhere],
    ],
  },
  poissonNll: {
    f: (p, t) => losses.poissonNll(p!, t!),
    inputs: [
      [[3], anywhere],
      [[3], positive],
    ],
  },
  gaussianNll: {
    f: (m, t, v) => losses.gaussianNll(m!, t!, v!),
    inputs: [
      [[2, 2], anywhere],
      [[2, 2], anywhere],
      [[2], positive],
    ],
  },
  binaryCrossEntropy: {
    f: (p, t) => losses.binaryCrossEntropy(p!, t!),
    inputs: [
      [[3], unitInterval],
      [[3], unitInterval],
    ],
  },
  sigmoidBinaryCrossEntropy: {
    f: (z, t) => losses.sigmoidBinaryCrossEntropy(z!, t!, { positiveWeight: 2 }),
    inputs: [
      [[3], anywhere],
      [[3], unitInterval],
    ],
  },
  softmaxCrossEntropy: {
    f: (z) => losses.softmaxCrossEntropy(z!, labels, { labelSmoothing: 0.1, classWeights: f64([1, 2, 0.5]) }),
    inputs: [[[3, 3], anywhere]],
  },
  nll: { f: (z) => losses.nll(logSoftmax(z!), labels, { ignoreIndex: 0 }), inputs: [[[3, 3], anywhere]] },
  klDivergence: { f: (z) => losses.klDivergence(logSoftmax(z!), distributions), inputs: [[[3, 3], anywhere]] },
  // 1 − y·s stays away from the kink at 0 when |s| ≥ 1.2.
  hinge: { f: (s) => losses.hinge(s!, signs), inputs: [[[6], { min: -0.8, max: 0.8 }]] },
  squaredHinge: { f: (s) => losses.squaredHinge(s!, signs), inputs: [[[6], { min: -0.8, max: 0.8 }]] },
  // Scores in [0, 0.3] keep every margin term 1 − s_y + s_c inside its linear zone.
  multiclassHinge: { f: (s) => losses.multiclassHinge(s!, labels), inputs: [[[3, 3], { min: 0, max: 0.3 }]] },
  sigmoidFocal: {
    f: (z) => losses.sigmoidFocal(z!, f64([1, 0, 0.3]), { gamma: 1.5, alpha: 0.25 }),
    inputs: [[[3], anywhere]],
  },
  cosineSimilarity: {
    f: (a, b) => losses.cosineSimilarity(a!, b!),
    inputs: [
      [[2, 3], awayFromZero],
      [[2, 3], awayFromZero],
    ],
  },
  cosineDistance: {
    f: (a, b) => losses.cosineDistance(a!, b!),
    inputs: [
      [[2, 3], awayFromZero],
      [[2, 3], awayFromZero],
    ],
  },
  l1Penalty: {
    f: (w, b) => losses.l1Penalty({ w: w!, layers: [b!] }, { scale: 0.3 }),
    inputs: [
      [[2, 2], awayFromZero],
      [[2], awayFromZero],
    ],
  },
  l2Penalty: {
    f: (w, b) => losses.l2Penalty({ w: w!, layers: [b!] }, { scale: 0.3 }),
    inputs: [
      [[2, 2], anywhere],
      [[2], anywhere],
    ],
  },
  elasticNet: { f: (w) => losses.elasticNet([w!], { l1: 0.1, l2: 0.2 }), inputs: [[[3], awayFromZero]] },
}

/** Exports that are not losses: types' helpers and checks. */
const helpers = [
  'checkReduction',
  'checkPair',
  'pair',
  'reduceLoss',
  'checkOptions',
  'checkNumber',
  'checkBoolean',
  'classTargets',
  'requireLabels',
  'crossEntropy',
]

gradientTable({
  title: 'gradients of every loss (float64)',
  module: losses,
  exempt: helpers,
  rows: table,
  checks: { gradcheck, gradgradcheck },
})

describe('the huber row', () => {
  it('draws d on both sides of δ = 0.5 and never within 0.1 of ±δ', () => {
    const ds = fc
      .sample(valuesArb([6], straddle(0.5, 0.15)), { numRuns: 50, seed: 1 })
      .flatMap((t) => Array.from(t.data))
    const d = (x: number): number => Math.abs(x) // targets lie in ±0.05, so |d| is within 0.05 of |x|
    expect(ds.some((x) => d(x) <= 0.35)).toBe(true)
    expect(ds.some((x) => d(x) >= 0.65 && x > 0)).toBe(true)
    expect(ds.some((x) => d(x) >= 0.65 && x < 0)).toBe(true)
    expect(ds.filter((x) => d(x) > 0.35 && d(x) < 0.65)).toEqual([])
  })
})

describe('gradients of the losses by hand', () => {
  it('sigmoidBinaryCrossEntropy has gradient σ(z) − y and softmaxCrossEntropy softmax(z) − q (sum reduction)', () => {
    const y = f64([1, 0, 0.5])
    const g = grad((z: Var) => losses.sigmoidBinaryCrossEntropy(z, y, { reduction: 'sum' }))(f64([-2, 0, 3]))
    const expected = [-2, 0, 3].map((v, i) => 1 / (1 + Math.exp(-v)) - [1, 0, 0.5][i]!)
    Array.from(g.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12))
    // logits [0, ln 3], label 1: softmax = [¼, ¾], so the gradient is [¼, −¼]
    const gs = grad((z: Var) => losses.softmaxCrossEntropy(z, tensor([1], { dtype: 'int32' }), { reduction: 'sum' }))(
      f64([0, Math.log(3)], [1, 2]),
    )
    expect(Array.from(gs.data)[0]).toBeCloseTo(0.25, 12)
    expect(Array.from(gs.data)[1]).toBeCloseTo(-0.25, 12)
  })
})
