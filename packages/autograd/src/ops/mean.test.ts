import * as T from '@gd/tensor'
import { beforeAll, describe, expect, it } from 'vitest'
import { seededValues as values } from '../../test/values.js'
import { grad, valueAndGrad } from '../grad.js'
import { normalizeAxes } from '@gd/tensor/internal'
import { reduceOptions } from '../internal/args.js'
import { sumOf } from '../internal/broadcast.js'
import { Var, toVar } from '../variable.js'
import { div, mul, square } from './arithmetic.js'
import { sum } from './broadcast.js'
import { mean } from './reduce.js'

/** The composite the float mean replaced: div(sum(x), count), with the count computed as mean computes it. */
function composite(x: Var, options: T.ReduceOptions): Var {
  const o = reduceOptions('mean', options, x.rank)
  const axes = normalizeAxes('mean', o.axis, x.rank)
  return div(
    sumOf(x, o),
    axes.reduce((n, a) => n * x.shape[a]!, 1),
  )
}

/** Element by element with Object.is: the same bits (−0 and +0 differ). */
function sameBits(a: T.Tensor, b: T.Tensor): void {
  expect(a.dtype).toBe(b.dtype)
  expect(a.shape).toEqual(b.shape)
  const x = [...a.data]
  const y = [...b.data]
  expect(x.flatMap((v, i) => (Object.is(v, y[i]) ? [] : [[i, v, y[i]]]))).toEqual([])
}

const cases: [number[], T.ReduceOptions][] = [
  [[5], {}],
  [[128], {}],
  [[3, 7], {}],
  [[3, 7], { axis: 0 }],
  [[3, 7], { axis: -1, keepdims: true }],
  [[2, 3, 70], { axis: [0, 2] }],
  [[2, 3, 70], { axis: 1, keepdims: true }],
  [[4, 0], { axis: 0 }],
]

describe('mean of a float tensor: one primitive, the composite’s bits', () => {
  beforeAll(async () => {
    await T.initWasm()
  })

  it('averages (hand-worked)', () => {
    // mean([1, 2, 6]) = 9 / 3 = 3; ∂/∂x = 1/3 each
    const [v, g] = valueAndGrad((x: Var) => mean(x))(T.tensor([1, 2, 6]))
    expect(v.item()).toBe(3)
    expect([...g.data]).toEqual([...T.tensor([1 / 3, 1 / 3, 1 / 3]).data])
    expect(String(mean(T.tensor([1, 2, 6])))).toBe('Var(div) Tensor(float32, []) 3')
  })

  it('gives the values and gradients of div(sum(x), count), bit for bit, inside a transform and outside', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [k, [shape, options]] of cases.entries()) {
        const x = values(shape, dtype, 7 + k)
        // a cotangent that is not all ones: the loss weights each mean element
        const w = values([...mean(x, options).shape], dtype, 100 + k)
        const loss = (f: (v: Var) => Var) => (v: Var) => sum(mul(f(v), w))
        const fused = valueAndGrad(loss((v) => mean(v, options)))(x)
        const reference = valueAndGrad(loss((v) => composite(v, options)))(x)
        sameBits(fused[0], reference[0])
        sameBits(fused[1], reference[1])
        sameBits(mean(x, options).value, composite(toVar('x', x), options).value)
      }
    }
  })

  it('gives the composite’s gradient of a gradient (the rule records with differentiable ops)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [k, [shape, options]] of cases.entries()) {
        const x = values(shape, dtype, 31 + k)
        // f(x) = Σ mean(x²)², whose gradient depends on x, so its own gradient goes through the mean's rule twice
        const inner = (f: (v: Var) => Var) => grad((u: Var) => sum(square(f(square(u)))))
        const outer = (f: (v: Var) => Var) => (v: Var) => sum(mul(inner(f)(v as never) as unknown as Var, v))
        sameBits(grad(outer((v) => mean(v, options)))(x), grad(outer((v) => composite(v, options)))(x))
      }
    }
  })

  it('keeps the composite for int32 and bool tensors', () => {
    expect(mean(T.tensor([1, 2], { dtype: 'int32' })).value.toArray()).toEqual(
      div(sum(T.tensor([1, 2], { dtype: 'int32' })), 2).value.toArray(),
    )
  })
})
