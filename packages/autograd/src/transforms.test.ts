import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import * as AG from './index.js'
import type { Var } from './variable.js'

const f64 = (v: number[] | number[][], shape?: number[]) =>
  T.tensor(v as number[], { dtype: 'float64', ...(shape ? { shape } : {}) })
const arr = (x: unknown) => (x as T.Tensor).toArray()

describe('grad and valueAndGrad', () => {
  it('differentiate over parameter trees and keep their structure', () => {
    // loss = Σ (w·x + b)² with x = [1, 2]: ∂w = 2(w·x + b)x, ∂b = 2(w·x + b)
    const params = { w: f64([0.5, -1]), b: [f64([0.25])] }
    const x = f64([1, 2])
    const loss = (p: { w: Var; b: Var[] }) => AG.sum(AG.square(AG.add(AG.sum(AG.mul(p.w, x)), p.b[0]!)))
    const g = AG.grad(loss)(params)
    // w·x + b = 0.5 − 2 + 0.25 = −1.25
    expect(arr(g.w)).toEqual([-2.5, -5])
    expect(arr(g.b[0])).toEqual([-2.5])
    const [value, g2] = AG.valueAndGrad(loss)(params)
    expect(value.item()).toBe(1.5625)
    expect(arr(g2.w)).toEqual([-2.5, -5])
  })

  it('choose arguments with argnums and pass aux through with hasAux', () => {
    const f = (a: Var, b: Var) => AG.sum(AG.mul(a, b))
    const [ga, gb] = AG.grad(f, { argnums: [0, 1] } as never)(f64([1, 2]), f64([3, 4])) as unknown as T.Tensor[]
    expect(arr(ga)).toEqual([3, 4])
    expect(arr(gb)).toEqual([1, 2])
    expect(arr(AG.grad(f, { argnums: 1 })(f64([1, 2]), f64([3, 4])))).toEqual([1, 2])
    const [[value, aux], g] = AG.valueAndGrad((a: Var) => [AG.sum(a), 'note'], { hasAux: true })(
      f64([1, 2]),
    ) as unknown as [[T.Tensor, string], T.Tensor]
    expect(value.item()).toBe(3)
    expect(aux).toBe('note')
    expect(arr(g)).toEqual([1, 1])
  })

  it('gives float32 gradients for float32 parameters', () => {
    const g = AG.grad((x: Var) => AG.sum(AG.mul(x, 2)))(T.tensor([1, 2]))
    expect(g.dtype).toBe('float32')
    expect(arr(g)).toEqual([2, 2])
  })

  it('returns zeros for inputs the output does not depend on', () => {
    const g = AG.grad((p: { a: Var; b: Var }) => AG.sum(p.a))({ a: f64([1]), b: f64([5, 6]) })
    expect(arr(g.b)).toEqual([0, 0])
  })

  it('computes second derivatives: grad(grad(f))', () => {
    // f(x) = x³ → f'' = 6x
    const d2 = AG.grad((x: Var) =>
      AG.sum(AG.grad((y: Var) => AG.sum(AG.mul(AG.mul(y, y), y)))(x as never) as unknown as Var),
    )
    expect(arr(d2(f64([2])))).toEqual([12])
  })

  it('names the problem: non-scalar output, integer input, bad argnums, bad aux, mismatched trees', () => {
    expect(() => AG.grad((x: Var) => AG.mul(x, 2))(f64([1, 2]))).toThrow(
      'grad: f must return a scalar (one element), got shape [2]; use vjp or jacobian for non-scalar outputs',
    )
    expect(() => AG.grad((x: Var) => AG.sum(x))(T.tensor([1], { dtype: 'int32' }))).toThrow(
      'grad: can only differentiate float32 or float64 inputs, got int32 of shape [1]',
    )
    expect(() => AG.grad((x: Var) => AG.sum(x), { argnums: 2 })(f64([1]))).toThrow(
      'grad: argnums must be less than the number of arguments (1), got 2',
    )
    expect(() => AG.valueAndGrad((x: Var) => AG.sum(x), { hasAux: true })(f64([1]))).toThrow(
      'valueAndGrad: f must return [value, aux] with hasAux, got a float64 Var of shape []',
    )
    expect(() => AG.grad((p: { w: Var }) => AG.sum(p.w))({ w: 3 } as never)).toThrow(
      'grad: x.w must be a Tensor or a Var (or a plain object or array of them), got 3',
    )
    expect(() => T.treeMap((a) => a, { w: f64([1]) }, { v: f64([1]) })).toThrow(
      'treeMap: tree structures differ at the root',
    )
  })

  it('rejects a raw @gd/tensor op on a traced value instead of dropping its gradient', () => {
    // the message is @gd/tensor's; it names the traced value and says what to use instead
    expect(() => AG.grad((x: Var) => AG.sum(T.exp(x as never)))(f64([1]))).toThrow(
      /^exp: .*Var.* \(a traced value: use the differentiable ops of @gd\/autograd on it\)/,
    )
    expect(() => AG.grad((x: Var) => AG.sum(T.add(x as never, 1)))(f64([1]))).toThrow(/^add: .*Var.* \(a traced value/)
  })
})

describe('constants get no cotangent', () => {
  it("a matmul or conv2d with a constant operand computes only the tracked operand's cotangent", () => {
    let products = 0
    const base = T.kernels.gemm
    const restore = T.useKernels({ gemm: (...args) => (products++, base(...args)) })
    try {
      const x = T.tensor([
        [1, 2, 3],
        [4, 5, 6],
      ])
      const w = T.tensor([[1], [0], [-1]])
      const dw = AG.grad((v: Var) => AG.sum(AG.matmul(x, v)))(w)
      expect(dw.toArray()).toEqual([[5], [7], [9]])
      expect(products).toBe(2) // forward, and Xᵀ·G; no G·Wᵀ for the constant X
      products = 0
      const image = T.ones([1, 1, 4, 4])
      const filter = T.ones([2, 1, 3, 3])
      AG.grad((f: Var) => AG.sum(AG.conv2d(image, f)))(filter)
      const forwardOnly = products
      products = 0
      AG.grad((f: Var, i: Var) => AG.sum(AG.conv2d(i, f)), { argnums: [0, 1] })(filter, image)
      expect(products).toBeGreaterThan(forwardOnly) // the image's cotangent costs products of its own
    } finally {
      restore()
    }
  })
})

describe('an inner backward pass skips what only an enclosing transform tracks', () => {
  it('computes no cotangent for a closed-over parameter inside an inner grad', () => {
    let products = 0
    const base = T.kernels.gemm
    const restore = T.useKernels({ gemm: (...args) => (products++, base(...args)) })
    try {
      const x = T.tensor([[1, 2]])
      // ∇ₓ Σ x·W has entries Σⱼ Wᵢⱼ, so Σ ∇ₓ = Σᵢⱼ Wᵢⱼ and its gradient w.r.t. W is all ones
      const g = AG.grad((w: Var) => AG.sum(AG.grad((y: Var) => AG.sum(AG.matmul(y, w)))(x) as unknown as Var))(
        T.tensor([
          [1, 2],
          [3, 4],
        ]),
      )
      expect(g.toArray()).toEqual([
        [1, 1],
        [1, 1],
      ])
      // forward x·W, the inner pass's G·Wᵀ (not xᵀ·G: W is the outer transform's), the outer pass's ∂W
      expect(products).toBe(3)
    } finally {
      restore()
    }
  })
})

describe('vjp, jvp, hvp, jacobian, hessian', () => {
  const f = (x: Var) => AG.mul(AG.sin(x), AG.sum(AG.square(x)))
  const x = f64([0.3, -1.2, 2])

  it('satisfy the inner-product identity <u, J v> = <Jᵀ u, v>', () => {
    const u = f64([0.5, -2, 1])
    const v = f64([1, 0.25, -3])
    const [, pullback] = AG.vjp(f, x)
    const jtu = pullback(u)[0] as T.Tensor
    const [out, jv] = AG.jvp(f, [x], [v])
    expect(out.shape).toEqual([3])
    const lhs = T.sum(T.mul(u, jv)).item()
    const rhs = T.sum(T.mul(jtu, v)).item()
    expect(lhs).toBeCloseTo(rhs, 12)
  })

  it('pullbacks are repeatable and check the cotangent shape', () => {
    const [, pullback] = AG.vjp(f, x)
    expect(arr(pullback(f64([1, 0, 0]))[0])).toEqual(arr(pullback(f64([1, 0, 0]))[0]))
    expect(() => pullback(f64([1]))).toThrow("vjp: cotangent has shape [1], expected the output's shape [3]")
  })

  it('jacobian agrees with numerical differences, and jvp with its columns', () => {
    const J = AG.jacobian(f)(x)
    expect(J.shape).toEqual([3, 3])
    for (let i = 0; i < 3; i++) {
      const num = AG.numericalGradient((t) => Math.sin(t.data[i]!) * t.data.reduce((s, v) => s + v * v, 0), x)
      ;[...num.data].forEach((v, k) => expect(J.data[i * 3 + k]).toBeCloseTo(v, 6))
    }
    const e1 = f64([0, 1, 0])
    const [, col] = AG.jvp(f, [x], [e1])
    ;[0, 1, 2].forEach((i) => expect(col.data[i]).toBeCloseTo(J.data[i * 3 + 1]!, 12))
  })

  it('hvp matches finite differences of the gradient and the hessian', () => {
    const g = (y: Var) => AG.sum(AG.mul(AG.exp(AG.mul(y, 0.5)), AG.square(y)))
    const v = f64([1, -2, 0.5])
    const hv = AG.hvp(g, x, v)
    const eps = 1e-6
    const gradAt = (t: T.Tensor) => AG.grad(g)(t)
    const plus = gradAt(T.add(x, T.mul(v, eps)))
    const minus = gradAt(T.sub(x, T.mul(v, eps)))
    ;[0, 1, 2].forEach((i) => expect(hv.data[i]).toBeCloseTo((plus.data[i]! - minus.data[i]!) / (2 * eps), 5))
    const H = AG.hessian(g)(x)
    expect(H.shape).toEqual([3, 3])
    ;[0, 1, 2].forEach((i) =>
      expect(hv.data[i]).toBeCloseTo(
        [0, 1, 2].reduce((s, k) => s + H.data[i * 3 + k]! * v.data[k]!, 0),
        10,
      ),
    )
  })

  it('hvp and jvp pair trees by key, never by leaf order', () => {
    // f = Σ a² + Σ a·b³: H·v at a = [1], b = [2] with v = (va = 1, vb = 0): ∂²/∂a² = 2, ∂²/∂b∂a = 3b² = 12
    const g = (p: { a: Var; b: Var }) =>
      AG.add(AG.sum(AG.square(p.a)), AG.sum(AG.mul(p.a, AG.mul(AG.square(p.b), p.b))))
    const at = { a: f64([1]), b: f64([2]) }
    const hv = AG.hvp(g, at, { b: f64([0]), a: f64([1]) }) // keys in the other order
    expect(arr(hv.a)).toEqual([2])
    expect(arr(hv.b)).toEqual([12])
    // J·t for f = a + 10 b with t = (a: 1, b: 0) given as { b, a }
    const [, jv] = AG.jvp((p: { a: Var; b: Var }) => AG.add(p.a, AG.mul(p.b, 10)), [at], [{ b: f64([0]), a: f64([1]) }])
    expect(arr(jv)).toEqual([1])
    expect(() =>
      AG.hvp(g, { a: f64([1]), b: [f64([2]), f64([3])] } as never, { a: f64([1]), b: [f64([2])] } as never),
    ).toThrow('hvp: v differs from x at x.b: expected an array of length 2, got length 1')
    expect(() => AG.hvp(g, at, { a: f64([1]), b: 'z' } as never)).toThrow(
      'hvp: v differs from x at x.b: expected a Tensor or a Var of shape [1], got "z"',
    )
  })

  it('jvp checks that tangents match primals', () => {
    expect(() => AG.jvp(f, [x], [f64([1])])).toThrow(
      'jvp: tangents differs from primals at primals[0]: expected shape [3], got shape [1]',
    )
    const g = (p: { a: Var; b: Var }) => AG.add(p.a, p.b)
    expect(() => AG.jvp(g, [{ a: x, b: x }], [{ a: x }] as never)).toThrow(
      'jvp: tangents differs from primals at primals[0].b: missing',
    )
    expect(() => AG.hvp((p: { a: Var }) => AG.sum(p.a), { a: x }, { a: x, b: x } as never)).toThrow(
      'hvp: v differs from x at x.b: extra',
    )
  })
})

describe('stopGradient, noGrad, customGradient', () => {
  it('stopGradient blocks the gradient but keeps the value', () => {
    // d/dx [x · stop(x)] = stop(x) = x
    expect(arr(AG.grad((x: Var) => AG.sum(AG.mul(x, AG.stopGradient(x))))(f64([3])))).toEqual([3])
  })

  it('noGrad records nothing', () => {
    let inside: AG.Var | null = null
    AG.grad((x: Var) => {
      inside = AG.noGrad(() => AG.mul(x, 2))
      return AG.sum(x)
    })(f64([1]))
    expect(inside!.tracked).toBe(false)
    expect(inside!.parents).toEqual([])
    expect(AG.isRecording()).toBe(true)
  })

  it('customGradient replaces the rule and is used by every transform', () => {
    // Value sign(x); gradient passes straight through (a straight-through estimator).
    const ste = AG.customGradient((x) => ({ value: T.sign(x.value), gradient: (g) => [g] }))
    expect(arr(AG.grad((x: Var) => AG.sum(ste(x)))(f64([-2, 3])))).toEqual([1, 1])
    expect(arr(ste(f64([-2, 3])))).toEqual([-1, 1])
    const bad = AG.customGradient((x) => ({ value: x, gradient: (g) => [g, g] }))
    expect(() => AG.grad((x: Var) => AG.sum(bad(x)))(f64([1]))).toThrow(
      'customGradient: gradient must return an array of 1 cotangent(s), one per input (null for none), got an array of length 2',
    )
  })

  it('a first-order gradient keeps no second-order graph', () => {
    const g = AG.grad((x: Var) => AG.sum(AG.mul(x, x)))(f64([1, 2]))
    expect(g).toBeInstanceOf(T.Tensor)
  })

  it('differentiates through the stable units without NaN at extreme logits', () => {
    const z = f64([1000, -1000, 0])
    const g = AG.grad((v: Var) => AG.sum(AG.mul(AG.logSoftmax(v), f64([0, 1, 0]))))(z)
    expect([...g.data].every(Number.isFinite)).toBe(true)
    // ∂/∂z of log softmax(z)₁ = e₁ − softmax(z) = [−1, 1, 0] (softmax ≈ [1, 0, 0])
    expect(arr(g)).toEqual([-1, 1, 0])
    const s = AG.grad((v: Var) => AG.sum(AG.sigmoid(v)))(f64([-1000, 1000]))
    expect(arr(s)).toEqual([0, 0])
  })
})

describe('gradcheck', () => {
  it('finds a wrong gradient rule and says where', () => {
    const wrong = AG.primitive({
      name: 'wrongSquare',
      forward: (x) => T.mul(x, x),
      backward: (g, [x]) => [AG.mul(g, x!)],
    })
    expect(() => AG.gradcheck((x) => wrong(x), [f64([1.5])])).toThrow(
      /^gradcheck: d\(output 0\)\/d\(input 0 element 0\) is 1.5, but central differences give 2.99999/,
    )
    expect(() => AG.gradcheck((x) => wrong(x), [f64([1.5, 2, 3, 4])], { mode: 'projection' })).toThrow(
      /gradcheck: projection 0/,
    )
  })

  it('insists on float64 inputs', () => {
    expect(() => AG.gradcheck((x) => AG.sum(x), [T.tensor([1])])).toThrow(
      'gradcheck: inputs[0] must be a float64 Tensor, got a float32 Tensor of shape [1]',
    )
  })

  it('checks big inputs by random projections', () => {
    const x = T.tensor(
      Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i)),
      { shape: [50, 100] },
    )
    expect(AG.gradcheck((v) => AG.sum(AG.tanh(v), { axis: 1 }), [x], { mode: 'projection' })).toBe(true)
  })
})
