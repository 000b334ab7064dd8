// Transforms nested inside transforms, whatever they close over: each transform opens a trace level,
// and an inner transform whose output depends on an enclosing transform's values (its arguments or
// values it closes over) records its own backward pass, so the outer one differentiates through it.
// Every case is checked against float64 central differences of the same computation run at the top
// level (where the inner transform sees only constants).
import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import * as AG from './index.js'
import type { Var } from './variable.js'

const f64 = (v: number[], shape?: number[]) => T.tensor(v, { dtype: 'float64', ...(shape ? { shape } : {}) })
const scalar = (x: unknown) => (x instanceof AG.Var ? x.value : (x as T.Tensor)).item()

/** Expects `analytical` to agree with central differences of `value` at `at`, element by element. */
function agrees(analytical: T.Tensor, value: (t: T.Tensor) => number, at: T.Tensor, digits = 6): void {
  const numerical = AG.numericalGradient((t) => value(t), at)
  expect(analytical.shape).toEqual(at.shape)
  const scale = Math.max(1, ...[...numerical.data].map(Math.abs))
  ;[...numerical.data].forEach((n, i) => expect(analytical.data[i]! / scale).toBeCloseTo(n / scale, digits))
}

// A tiny MLP critic D(x; θ) = tanh(x W + b) · v on a batch x of shape [4, 2]; θ is flat [W (2×3), b (3), v (3)].
const theta = f64([0.3, -0.8, 0.5, 1.1, 0.2, -0.6, 0.1, -0.2, 0.05, 0.9, -1.3, 0.7])
const points = f64([0.5, -1, 1.5, 0.25, -0.7, 0.3, 0.1, 2], [4, 2])
function critic(x: T.Tensor | Var, th: T.Tensor | Var): Var {
  const w = AG.reshape(AG.slice(th, [0], [6]), [2, 3])
  const b = AG.slice(th, [6], [3])
  const v = AG.reshape(AG.slice(th, [9], [3]), [3, 1])
  return AG.matmul(AG.tanh(AG.add(AG.matmul(x, w), b)), v)
}
/** ∇ₓ Σ D(x; θ), the critic's input-gradient per sample (shape [4, 2]); the grad closes over θ. */
const inputGradient = (th: T.Tensor | Var) =>
  AG.grad((x: Var) => AG.sum(critic(x, th)))(points as never) as unknown as Var
/** WGAN-GP: mean over samples of (‖∇ₓ D‖ − 1)². */
const gradientPenalty = (th: T.Tensor | Var) => AG.mean(AG.square(AG.sub(AG.norm(inputGradient(th), { axis: 1 }), 1)))
/** R1: ½ mean over samples of ‖∇ₓ D‖². */
const r1Penalty = (th: T.Tensor | Var) => AG.mul(AG.mean(AG.sum(AG.square(inputGradient(th)), { axis: 1 })), 0.5)

describe('nested transforms differentiate through what the inner one closes over', () => {
  it('WGAN-GP gradient penalty: grad w.r.t. the critic parameters of the input-gradient norm', () => {
    const g = AG.grad((th: Var) => gradientPenalty(th))(theta)
    expect(g).toBeInstanceOf(T.Tensor)
    expect(T.sum(T.abs(g)).item()).toBeGreaterThan(0.1) // it was exactly 0 when the inner grad ignored θ
    agrees(g, (t) => scalar(gradientPenalty(t)), theta)
    // valueAndGrad agrees, and its value is the penalty
    const [value, g2] = AG.valueAndGrad((th: Var) => gradientPenalty(th))(theta)
    expect(value.item()).toBeCloseTo(scalar(gradientPenalty(theta)), 14)
    expect([...g2.data]).toEqual([...g.data])
  })

  it('R1 penalty', () => {
    const g = AG.grad((th: Var) => r1Penalty(th))(theta)
    agrees(g, (t) => scalar(r1Penalty(t)), theta)
  })

  it('the Hessian of a closure, differentiated w.r.t. what it closes over', () => {
    // f(x; p) = Σ p·x³ + (Σ p·x)², H(x; p) = diag(6 p x) + 2 p pᵀ; loss(p) = Σ H ⊙ M
    const x = f64([0.4, -1.2, 0.7])
    const m = f64([1, 2, -1, 0.5, 3, 1, -2, 1, 0.25], [3, 3])
    const f = (p: T.Tensor | Var) => (y: Var) =>
      AG.add(AG.sum(AG.mul(p, AG.mul(AG.mul(y, y), y))), AG.square(AG.sum(AG.mul(p, y))))
    const loss = (p: T.Tensor | Var) => AG.sum(AG.mul(AG.hessian(f(p))(x) as unknown as Var, m))
    const p = f64([0.5, -1, 2])
    const g = AG.grad((q: Var) => loss(q))(p)
    agrees(g, (t) => scalar(loss(t)), p)
    // H at p: the closure's Hessian itself, checked by hand for one entry: H₀₁ = 2 p₀ p₁ = −1
    expect((AG.hessian(f(p))(x) as T.Tensor).data[1]).toBeCloseTo(-1, 12)
  })

  it('grad of a function calling vjp on a closure', () => {
    const x = f64([0.3, -0.5])
    const u = f64([1, -2])
    // f(x; p) = sin(p ⊙ x) · Σ p; loss(p) = ‖uᵀ J_x f‖²
    const loss = (p: T.Tensor | Var) => {
      const [, pullback] = AG.vjp((y: Var) => AG.mul(AG.sin(AG.mul(p, y)), AG.sum(p)), x)
      return AG.sum(AG.square(pullback(u)[0] as Var))
    }
    const p = f64([1.5, 0.8])
    const g = AG.grad((q: Var) => loss(q))(p)
    agrees(g, (t) => scalar(loss(t)), p)
  })

  it('grad of a function calling jvp on a closure, and jvp with a closed-over tangent', () => {
    const x = f64([0.3, -0.5])
    const t = f64([0.7, 1])
    const loss = (p: T.Tensor | Var) => {
      const [, jv] = AG.jvp((y: Var) => AG.mul(AG.exp(AG.mul(p, y)), AG.sum(AG.mul(y, y))), [x], [t])
      return AG.sum(AG.square(jv as unknown as Var))
    }
    const p = f64([1.5, -0.8])
    agrees(AG.grad((q: Var) => loss(q))(p), (s) => scalar(loss(s)), p)
    // the tangent itself depends on the outer argument: d/dp Σ J·(p ⊙ t)
    const loss2 = (p: T.Tensor | Var) =>
      AG.sum(AG.jvp((y: Var) => AG.sin(y), [x], [AG.mul(p, t) as never])[1] as unknown as Var)
    agrees(AG.grad((q: Var) => loss2(q))(p), (s) => scalar(loss2(s)), p)
  })

  it('grad of a function calling hvp and jacobian on a closure', () => {
    const x = f64([0.3, -0.5, 1])
    const v = f64([1, 0.5, -1])
    const f = (p: T.Tensor | Var) => (y: Var) => AG.sum(AG.mul(p, AG.exp(AG.mul(y, p))))
    const viaHvp = (p: T.Tensor | Var) => AG.sum(AG.square(AG.hvp(f(p), x, v) as unknown as Var))
    const viaJacobian = (p: T.Tensor | Var) =>
      AG.sum(AG.jacobian((y: Var) => AG.mul(AG.sin(y), p))(x) as unknown as Var)
    const p = f64([0.5, -1, 0.25])
    agrees(AG.grad((q: Var) => viaHvp(q))(p), (s) => scalar(viaHvp(s)), p)
    agrees(AG.grad((q: Var) => viaJacobian(q))(p), (s) => scalar(viaJacobian(s)), p)
  })

  it("the values inner transforms return (valueAndGrad's value, vjp's and jvp's outputs) carry the closure too", () => {
    const x = f64([0.3, -0.5])
    const f = (p: T.Tensor | Var) => (y: Var) => AG.sum(AG.mul(AG.exp(AG.mul(p, y)), y))
    // loss(p) = f(x; p) + ‖∇ₓ f‖² + Σ vjp output + Σ jvp output, every piece through an inner transform
    const loss = (p: T.Tensor | Var) => {
      const [value, g] = AG.valueAndGrad(f(p))(x)
      const [out] = AG.vjp((y: Var) => AG.mul(AG.sin(y), p), x)
      const [out2] = AG.jvp((y: Var) => AG.mul(AG.cos(y), p), [x], [x])
      return AG.add(
        AG.add(value as unknown as Var, AG.sum(AG.square(g as unknown as Var))),
        AG.add(AG.sum(out as unknown as Var), AG.sum(out2 as unknown as Var)),
      )
    }
    const p = f64([0.7, -1.1])
    agrees(AG.grad((q: Var) => loss(q))(p), (t) => scalar(loss(t)), p)
  })

  it('argnums and several closed-over values at once', () => {
    const x = f64([0.3, -0.5])
    // loss(a, b) = Σ (∇ₓ Σ a·sin(b·x))², differentiated w.r.t. both a and b
    const loss = (a: T.Tensor | Var, b: T.Tensor | Var) =>
      AG.sum(AG.square(AG.grad((y: Var) => AG.sum(AG.mul(a, AG.sin(AG.mul(b, y)))))(x) as unknown as Var))
    const a = f64([1.5, -0.4])
    const b = f64([0.8, 2])
    const [ga, gb] = AG.grad((u: Var, v: Var) => loss(u, v), { argnums: [0, 1] })(a, b) as unknown as T.Tensor[]
    agrees(ga!, (t) => scalar(loss(t, b)), a)
    agrees(gb!, (t) => scalar(loss(a, t)), b)
  })

  it('jacobian, jvp, vjp and hessian around an inner grad that closes over their argument', () => {
    const x = f64([0.3, -0.5])
    // g(p) = ∇ₓ Σ p·sin(p ⊙ x): its Jacobian is the mixed partial ∂²f/∂p∂x
    const g = (p: T.Tensor | Var) => AG.grad((y: Var) => AG.sum(AG.mul(p, AG.sin(AG.mul(p, y)))))(x) as unknown as Var
    const p = f64([0.9, 1.7])
    const J = AG.jacobian((q: Var) => g(q))(p)
    expect(J.shape).toEqual([2, 2])
    for (let i = 0; i < 2; i++) {
      const row = T.tensor(J.data.slice(i * 2, i * 2 + 2), { dtype: 'float64' })
      agrees(row, (t) => (g(t) as unknown as T.Tensor).data[i]!, p)
    }
    // jvp and vjp of g agree with J
    const t = f64([1, -2])
    const [, jv] = AG.jvp((q: Var) => g(q), [p], [t])
    ;[0, 1].forEach((i) => expect(jv.data[i]).toBeCloseTo(J.data[i * 2]! * 1 + J.data[i * 2 + 1]! * -2, 12))
    const [, pullback] = AG.vjp((q: Var) => g(q), p)
    const uJ = pullback(t)[0] as T.Tensor
    ;[0, 1].forEach((k) => expect(uJ.data[k]).toBeCloseTo(J.data[k]! * 1 + J.data[2 + k]! * -2, 12))
    // the Hessian of h(p) = ‖g(p)‖², by central differences of its gradient
    const h = (q: T.Tensor | Var) => AG.sum(AG.square(g(q)))
    const H = AG.hessian((q: Var) => h(q))(p)
    for (let i = 0; i < 2; i++) {
      const row = T.tensor(H.data.slice(i * 2, i * 2 + 2), { dtype: 'float64' })
      agrees(row, (s) => (AG.grad((q: Var) => h(q))(s) as T.Tensor).data[i]!, p)
    }
  })

  it('has no perturbation confusion: d/dx [x · d/dy (x + y)] = 1', () => {
    // d/dy (x + y) = 1 whatever x is, so the outer derivative is d/dx x = 1 (confusing the two
    // perturbations gives 2). The inner grad is called at x itself, and at a constant.
    const inner = (x: Var) => AG.grad((y: Var) => AG.sum(AG.add(x, y)))
    expect(AG.grad((x: Var) => AG.sum(AG.mul(x, inner(x)(x as never) as unknown as Var)))(f64([1])).toArray()).toEqual([
      1,
    ])
    expect(AG.grad((x: Var) => AG.sum(AG.mul(x, inner(x)(f64([3])) as unknown as Var)))(f64([1])).toArray()).toEqual([
      1,
    ])
    // d/dx [x · d/dy (x · y)] = d/dx x² = 2x = 4 at x = 2 (the inner derivative is x, a value of the outer level)
    const g = AG.grad((x: Var) =>
      AG.sum(AG.mul(x, AG.grad((y: Var) => AG.sum(AG.mul(x, y)))(f64([3])) as unknown as Var)),
    )
    expect(g(f64([2])).toArray()).toEqual([4])
  })

  it('three levels: the third derivative of a closure', () => {
    // d³/dx³ (p x⁴) = 24 p x, and its derivative w.r.t. p is 24 x = 12 at x = 0.5
    const d = (h: (y: Var) => Var) => (y: Var) => AG.sum(AG.grad(h)(y as never) as unknown as Var)
    const third = (p: Var) => d(d(d((y: Var) => AG.sum(AG.mul(p, AG.square(AG.square(y)))))))(f64([0.5]) as never)
    expect(AG.grad(third)(f64([2])).toArray()).toEqual([12])
  })

  it('a transform that throws closes its level and restores recording', () => {
    const boom = () =>
      AG.grad((p: Var) =>
        AG.sum(AG.grad((y: Var) => AG.mul(AG.mul(y, p), AG.stopGradient(y)))(f64([1, 2])) as unknown as Var),
      )(f64([1, 1]))
    expect(boom).toThrow(
      'grad: f must return a scalar (one element), got shape [2]; use vjp or jacobian for non-scalar outputs',
    )
    expect(AG.isRecording()).toBe(true)
    expect(AG.withLevel('probe', (level) => level.bit)).toBe(1) // back at the top level
    // and nesting still works: d/dp Σ ∇ᵧ Σ p·y² at y = [1, 2] is 2y = [2, 4]
    const g = AG.grad((p: Var) =>
      AG.sum(AG.grad((y: Var) => AG.sum(AG.mul(p, AG.square(y))))(f64([1, 2])) as unknown as Var),
    )
    expect(g(f64([1, 1])).toArray()).toEqual([2, 4])
  })

  it('an inner transform inside noGrad is a constant to the outer one', () => {
    const g = AG.grad((p: Var) => {
      const frozen = AG.noGrad(() => AG.grad((y: Var) => AG.sum(AG.mul(p, y)))(f64([1])))
      expect(frozen).toBeInstanceOf(T.Tensor) // ∂/∂y = p, as a constant
      return AG.sum(AG.mul(p, frozen as never))
    })
    expect(g(f64([3])).toArray()).toEqual([3]) // d/dp [p · stop(p)] = stop(p)
  })

  it('a first-order gradient inside a transform that does not touch the outer values records nothing', () => {
    AG.grad((p: Var) => {
      const gy = AG.grad((y: Var) => AG.sum(AG.mul(y, y)))(f64([2]))
      expect(gy).toBeInstanceOf(T.Tensor) // independent of p: no graph, a plain tensor
      return AG.sum(AG.mul(p, gy as never))
    })(f64([1]))
  })
})

describe('every outer transform around every inner transform that closes over its argument', () => {
  const x0 = f64([0.4, -0.7])
  const u = f64([1, -0.5])
  const f = (p: T.Tensor | Var) => (y: Var) => AG.sum(AG.mul(p, AG.sin(AG.mul(p, y))))
  const vf = (p: T.Tensor | Var) => (y: Var) => AG.mul(AG.exp(AG.mul(p, y)), AG.sum(y))
  const v = (x: unknown) => x as Var
  // Scalars of p, each computed through one inner transform that closes over p.
  const inner: Record<string, (p: T.Tensor | Var) => Var> = {
    grad: (p) => AG.sum(AG.square(v(AG.grad(f(p))(x0)))),
    valueAndGrad: (p) => {
      const [value, g] = AG.valueAndGrad(f(p))(x0)
      return AG.add(v(value), AG.sum(v(g)))
    },
    vjp: (p) => AG.sum(v(AG.vjp(vf(p), x0)[1](u)[0])),
    jvp: (p) => AG.sum(v(AG.jvp(vf(p), [x0], [u])[1])),
    hvp: (p) => AG.sum(v(AG.hvp(f(p), x0, u))),
    jacobian: (p) => AG.sum(v(AG.jacobian(vf(p))(x0))),
    hessian: (p) => AG.sum(v(AG.hessian(f(p))(x0))),
  }
  // d/dp of a scalar of p, by each outer transform.
  const outer: Record<string, (s: (p: Var) => Var, p: T.Tensor) => T.Tensor> = {
    grad: (s, p) => AG.grad(s)(p),
    valueAndGrad: (s, p) => AG.valueAndGrad(s)(p)[1],
    vjp: (s, p) => AG.vjp(s, p)[1](T.tensor(1, { dtype: 'float64' }))[0] as T.Tensor,
    jacobian: (s, p) => AG.jacobian(s)(p),
    jvp: (s, p) => {
      const e = (i: number) => f64([0, 1].map((k) => (k === i ? 1 : 0)))
      return f64([0, 1].map((i) => AG.jvp(s, [p], [e(i)])[1].item()))
    },
  }
  const p = f64([0.9, 1.3])
  for (const [o, derivative] of Object.entries(outer)) {
    for (const [i, scalarOf] of Object.entries(inner)) {
      it(`${o} of a function calling ${i}`, () => {
        agrees(
          derivative((q: Var) => scalarOf(q), p),
          (t) => scalar(scalarOf(t)),
          p,
        )
      })
    }
  }
})
