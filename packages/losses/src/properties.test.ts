import { logSoftmax, softmax } from '@gd/autograd'
import { awayFromZero, valuesArb } from '@gd/testing'
import { Tensor, tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as L from './index.js'

const inputs = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 4 }))
  .chain(([n, c]) => fc.tuple(valuesArb([n, c], awayFromZero), valuesArb([n, c])))
// awayFromZero: a zero vector has cosine similarity 0 by convention, so no 'perfect' direction
const unit = (t: Tensor): Tensor =>
  new Tensor(
    Float64Array.from(t.data, (v) => 1 / (1 + Math.exp(-v))),
    t.shape,
    'float64',
  )
const signOf = (t: Tensor): Tensor =>
  new Tensor(
    Float64Array.from(t.data, (v) => (v >= 0 ? 1 : -1)),
    t.shape,
    'float64',
  )
const argmax = (t: Tensor): Tensor => {
  const [n, c] = t.shape as [number, number]
  const rows = Array.from({ length: n }, (_, i) => Array.from(t.data.slice(i * c, (i + 1) * c)))
  return tensor(
    rows.map((r) => r.indexOf(Math.max(...r))),
    { dtype: 'int32' },
  )
}

/** Losses that are ≥ 0 everywhere, each with its value at a perfect prediction (when it has one) built from a random input. */
const cases: Record<string, { loss: (a: Tensor, b: Tensor) => number; perfect?: (a: Tensor) => number }> = {
  mse: { loss: (a, b) => L.mse(a, b).item(), perfect: (a) => L.mse(a, a).item() },
  mae: { loss: (a, b) => L.mae(a, b).item(), perfect: (a) => L.mae(a, a).item() },
  huber: { loss: (a, b) => L.huber(a, b).item(), perfect: (a) => L.huber(a, a).item() },
  smoothL1: { loss: (a, b) => L.smoothL1(a, b).item(), perfect: (a) => L.smoothL1(a, a).item() },
  logCosh: { loss: (a, b) => L.logCosh(a, b).item(), perfect: (a) => L.logCosh(a, a).item() },
  binaryCrossEntropy: { loss: (a, b) => L.binaryCrossEntropy(unit(a), unit(b)).item() },
  sigmoidBinaryCrossEntropy: { loss: (a, b) => L.sigmoidBinaryCrossEntropy(a, unit(b)).item() },
  sigmoidFocal: { loss: (a, b) => L.sigmoidFocal(a, unit(b)).item() },
  softmaxCrossEntropy: { loss: (a, b) => L.softmaxCrossEntropy(a, softmax(b).value).item() },
  klDivergence: {
    loss: (a, b) => L.klDivergence(logSoftmax(a).value, softmax(b).value).item(),
    perfect: (a) => L.klDivergence(logSoftmax(a).value, softmax(a).value).item(),
  },
  // a margin of 1 on the right side is a perfect score
  hinge: { loss: (a, b) => L.hinge(a, signOf(b)).item(), perfect: (a) => L.hinge(signOf(a), signOf(a)).item() },
  squaredHinge: {
    loss: (a, b) => L.squaredHinge(a, signOf(b)).item(),
    perfect: (a) => L.squaredHinge(signOf(a), signOf(a)).item(),
  },
  multiclassHinge: { loss: (a, b) => L.multiclassHinge(a, argmax(b)).item() },
  cosineDistance: {
    loss: (a, b) => L.cosineDistance(a, b).item(),
    perfect: (a) =>
      L.cosineDistance(
        a,
        tensor(
          Array.from(a.data, (v) => 3 * v),
          { dtype: 'float64', shape: [...a.shape] },
        ),
      ).item(),
  },
}

describe('non-negativity and zero at a perfect prediction', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`${name} is >= 0${c.perfect ? ' and 0 at a perfect prediction' : ''} on random inputs`, () => {
      fc.assert(
        fc.property(inputs, ([a, b]) => {
          expect(c.loss(a, b)).toBeGreaterThanOrEqual(-1e-12)
          if (c.perfect) expect(c.perfect(a)).toBeCloseTo(0, 12)
        }),
      )
    })
  }
})
