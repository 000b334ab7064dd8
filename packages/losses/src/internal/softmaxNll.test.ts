import { grad, logSoftmax, mul, neg, squeeze, sum, takeAlongAxis, valueAndGrad, vjp, type Var } from '@gd/autograd'
import { expandDims, initWasm, tensor, type Tensor } from '@gd/tensor'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { softmaxNll } from './softmaxNll.js'

/** The composite the fused primitive replaces: −log softmax(z) picked at each label. */
const composite = (z: Var, y: Tensor): Var => neg(squeeze(takeAlongAxis(logSoftmax(z), expandDims(y, -1), -1), -1))

/** Element by element with Object.is: the same bits up to NaN payloads (−0 and +0 differ). */
function sameBits(a: Tensor, b: Tensor): void {
  expect(a.dtype).toBe(b.dtype)
  expect(a.shape).toEqual(b.shape)
  const x = Array.from(a.data as Float32Array)
  const y = Array.from(b.data as Float32Array)
  const differ = x.flatMap((v, i) => (Object.is(v, y[i]) ? [] : [[i, v, y[i]]]))
  expect(differ).toEqual([])
}

/** Values and the vector-Jacobian product with cotangent c, for one way of computing the loss. */
function run(loss: (z: Var, y: Tensor) => Var, z: Tensor, y: Tensor, c: Tensor): [Tensor, Tensor] {
  const [out, pullback] = vjp((v: Var) => loss(v, y), z)
  return [out, (pullback(c) as Tensor[])[0]!]
}

const cases = fc
  .record({
    n: fc.integer({ min: 1, max: 6 }),
    classes: fc.integer({ min: 1, max: 12 }),
    dtype: fc.constantFrom('float32' as const, 'float64' as const),
    scale: fc.constantFrom(1, 30, 1e4),
  })
  .chain(({ n, classes, dtype, scale }) =>
    fc.record({
      z: fc.array(fc.double({ min: -scale, max: scale, noNaN: true }), {
        minLength: n * classes,
        maxLength: n * classes,
      }),
      y: fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: n, maxLength: n }),
      c: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n }),
      n: fc.constant(n),
      classes: fc.constant(classes),
      dtype: fc.constant(dtype),
    }),
  )

function check(z: Tensor, y: Tensor, c: Tensor): void {
  const [v1, g1] = run(softmaxNll, z, y, c)
  const [v2, g2] = run(composite, z, y, c)
  sameBits(v1, v2)
  sameBits(g1, g2)
}

describe('softmaxNll (fused softmax cross-entropy from labels)', () => {
  it('gives the composite’s values and gradients bit for bit on random logits, labels and cotangents', () => {
    fc.assert(
      fc.property(cases, ({ z, y, c, n, classes, dtype }) => {
        check(
          tensor(z, { shape: [n, classes], dtype }),
          tensor(y, { dtype: 'int32' }),
          tensor(c, { shape: [n], dtype }),
        )
      }),
    )
  })

  it('gives the composite’s bits at −∞ on other classes, at +∞, for an all −∞ row (NaN) and for a zero cotangent', () => {
    const z = tensor([
      [0, -Infinity, 2],
      [-Infinity, 1, -Infinity],
      [Infinity, 0, 1],
      [-Infinity, -Infinity, -Infinity],
      [1e30, -1e30, 0],
    ])
    const y = tensor([0, 1, 1, 2, 0], { dtype: 'int32' })
    check(z, y, tensor([1, 0.5, 1, 1, 0]))
    // [0, −∞, 2], label 0: −log(1 / (1 + e²)) = log(1 + e²) = 2.1269…; [−∞, 1, −∞], label 1: −(1 − 1) = −0
    const [v] = run(softmaxNll, z, y, tensor([1, 1, 1, 1, 1]))
    expect(v.data[0]).toBeCloseTo(Math.log(1 + Math.E ** 2), 5)
    expect(v.data[1]).toBe(-0)
  })

  it('a batch of one sample (logits [C], a label of shape [])', () => {
    check(tensor([0.5, -1, 3]), tensor(2, { dtype: 'int32' }), tensor(1.5))
  })

  it('gives the composite’s second-order gradient (the rule records a graph then)', () => {
    const z = tensor(
      [
        [0.3, -1.2, 2],
        [1, 1, -0.5],
      ],
      { dtype: 'float64' },
    )
    const y = tensor([2, 0], { dtype: 'int32' })
    const w = tensor([0.7, -1.3], { dtype: 'float64' })
    const outer = (loss: (z: Var, y: Tensor) => Var) =>
      grad((v: Var) => {
        const g = grad((u: Var) => sum(mul(loss(u, y), w)))(v as never) as unknown as Var
        return sum(mul(g, g))
      })(z) as Tensor
    sameBits(outer(softmaxNll), outer(composite))
  })

  describe('with the Wasm kernels (a [128, 10] batch, inside a transform: results in the arena)', () => {
    beforeAll(async () => {
      await initWasm()
    })

    it('gives the composite’s loss and gradient bit for bit', () => {
      const z = tensor(
        Array.from({ length: 1280 }, (_, i) => Math.sin(i * 0.37) * 6),
        { shape: [128, 10] },
      )
      const y = tensor(
        Array.from({ length: 128 }, (_, i) => (i * 7) % 10),
        { dtype: 'int32' },
      )
      const mean = (loss: (z: Var, y: Tensor) => Var) =>
        valueAndGrad((v: Var) => mul(sum(loss(v, y)), 1 / 128))(z) as [Tensor, Tensor]
      const [v1, g1] = mean(softmaxNll)
      const [v2, g2] = mean(composite)
      sameBits(v1, v2)
      sameBits(g1, g2)
    })

    it('gives the composite’s bits for rows of 300 classes (the row maximum and sums on the Wasm row kernels)', () => {
      const z = tensor(
        Array.from({ length: 1200 }, (_, i) => (i % 300 === 7 ? -Infinity : Math.cos(i * 0.91) * 40)),
        { shape: [4, 300] },
      )
      const y = tensor([3, 299, 0, 150], { dtype: 'int32' })
      const [v1, g1] = valueAndGrad((v: Var) => sum(softmaxNll(v, y)))(z) as [Tensor, Tensor]
      const [v2, g2] = valueAndGrad((v: Var) => sum(composite(v, y)))(z) as [Tensor, Tensor]
      sameBits(v1, v2)
      sameBits(g1, g2)
    })
  })
})
