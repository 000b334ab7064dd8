import * as T from '@gd/tensor'
import { beforeAll, describe, expect, it } from 'vitest'
import { seededValues as values } from '../../test/values.js'
import { gradcheck, gradgradcheck } from '../gradcheck.js'
import { grad } from '../grad.js'
import { Var } from '../variable.js'
import { add, mul, square } from './arithmetic.js'
import { sum } from './broadcast.js'
import { affine, matmul } from './linalg.js'

const list = (t: T.Tensor | Var) => [...(t instanceof Var ? t.value : t).data]
const composed = (x: Var, w: Var, b: Var) => add(matmul(x, w), b)
const messageOf = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    return (e as Error).message
  }
  return 'no error'
}

describe('affine: x·W + b in one primitive', () => {
  beforeAll(async () => {
    await T.initWasm()
  })

  it('computes x·W + b (hand-worked)', () => {
    // [1, 2]·[[3, 5], [4, 6]] = [11, 17]; + [0.5, -1] = [11.5, 16]
    const x = T.tensor([[1, 2]])
    const w = T.tensor([
      [3, 5],
      [4, 6],
    ])
    expect(affine(x, w, T.tensor([0.5, -1])).toArray()).toEqual([[11.5, 16]])
    expect(affine(x, w).toArray()).toEqual([[11, 17]])
  })

  // the MLP's shapes (Wasm gemm and row kernels), a small one (JavaScript loops), batch axes, float64
  const cases: [number[], number, 'float32' | 'float64'][] = [
    [[128, 784], 256, 'float32'],
    [[128, 256], 128, 'float32'],
    [[5, 7], 3, 'float32'],
    [[2, 4, 7], 3, 'float32'],
    [[3, 2, 6], 5, 'float64'],
  ]

  it.each(cases)(
    'has the bits of add(matmul(x, w), b): value and every gradient (x %j, out %i, %s)',
    (shape, out, dtype) => {
      const inner = shape[shape.length - 1]!
      const x = values(shape, dtype, 1)
      const w = values([inner, out], dtype, 2)
      const b = values([out], dtype, 3)
      const r = values([...shape.slice(0, -1), out], dtype, 4)
      const xBefore = list(x)
      const bBefore = list(b)
      expect(list(affine(x, w, b))).toEqual(list(composed(new Var(x), new Var(w), new Var(b))))
      // the inputs are read, never written (the bias goes into the product's own fresh result)
      expect(list(x)).toEqual(xBefore)
      expect(list(b)).toEqual(bBefore)
      const loss = (f: typeof composed) => (p: { x: Var; w: Var; b: Var }) => sum(mul(f(p.x, p.w, p.b), r))
      const fused = grad(loss(affine))({ x, w, b }) as unknown as Record<string, T.Tensor>
      const plain = grad(loss(composed))({ x, w, b }) as unknown as Record<string, T.Tensor>
      for (const k of ['x', 'w', 'b']) {
        expect(fused[k]!.shape).toEqual(plain[k]!.shape)
        expect(list(fused[k]!)).toEqual(list(plain[k]!))
      }
    },
  )

  it('has the bits of the composition in second order (grad of grad, float64 and float32)', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const x = values([4, 3], dtype, 5)
      const w = values([3, 2], dtype, 6)
      const b = values([2], dtype, 7)
      const r = values([4, 2], dtype, 8)
      // the squared norm of the first gradients of Σ r·y², differentiated again through every rule
      const inner = (f: typeof composed) => (p: { x: Var; w: Var; b: Var }) => sum(mul(square(f(p.x, p.w, p.b)), r))
      const outer = (f: typeof composed) => (p: { x: Var; w: Var; b: Var }) => {
        const g = grad(inner(f))(p as never) as unknown as { x: Var; w: Var; b: Var }
        return add(add(sum(square(g.x)), sum(square(g.w))), sum(square(g.b)))
      }
      const fused = grad(outer(affine))({ x, w, b }) as unknown as Record<string, T.Tensor>
      const plain = grad(outer(composed))({ x, w, b }) as unknown as Record<string, T.Tensor>
      for (const k of ['x', 'w', 'b']) expect(list(fused[k]!)).toEqual(list(plain[k]!))
      expect(list(fused.b!).every((v) => v !== 0)).toBe(true)
    }
  })

  it('passes gradcheck and gradgradcheck (float64, central differences)', () => {
    const x = values([3, 2, 4], 'float64', 9)
    const w = values([4, 3], 'float64', 10)
    const b = values([3], 'float64', 11)
    const f = (xv: Var, wv: Var, bv: Var) => square(affine(xv, wv, bv))
    expect(gradcheck(f as never, [x, w, b])).toBe(true)
    expect(gradgradcheck(f as never, [x, w, b])).toBe(true)
  })

  it('rejects bad arguments before computing, naming affine', () => {
    const x = T.ones([2, 3])
    const w = T.ones([3, 4])
    const b = T.ones([4])
    expect(messageOf(() => affine(undefined as never, w, b))).toBe(
      'affine: x must be a Tensor, a Var or a number, got undefined',
    )
    expect(messageOf(() => affine(x, w, 'b' as never))).toBe('affine: b must be a Tensor, a Var or a number, got "b"')
    expect(messageOf(() => affine(T.ones([3]), w, b))).toBe(
      'affine: x must be of rank >= 2 ([..., in]), got a float32 Tensor of shape [3]',
    )
    expect(messageOf(() => affine(T.ones([2, 3], { dtype: 'int32' }), w, b))).toBe(
      'affine: x must be float32 or float64, got an int32 Tensor of shape [2,3]',
    )
    expect(messageOf(() => affine(x, T.ones([4, 4]), b))).toBe(
      'affine: w must be of shape [3, out] (x is [2,3]), got a float32 Tensor of shape [4,4]',
    )
    expect(messageOf(() => affine(x, T.ones([3, 4], { dtype: 'float64' }), b))).toBe(
      'affine: w must be float32 as x is, got a float64 Tensor of shape [3,4]',
    )
    expect(messageOf(() => affine(x, w, T.ones([1, 4])))).toBe(
      'affine: b must be of shape [4] (w is [3,4]), got a float32 Tensor of shape [1,4]',
    )
    expect(messageOf(() => affine(x, w, T.ones([4], { dtype: 'float64' })))).toBe(
      'affine: b must be float32 as x is, got a float64 Tensor of shape [4]',
    )
  })
})
