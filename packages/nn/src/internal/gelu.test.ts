import * as AG from '@gd/autograd'
import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { fusedGelu, tanh32 } from './gelu.js'

const list = (t: T.Tensor | AG.Var) => [...(t instanceof AG.Var ? t.value : t).data]
const close = (a: number[], b: number[], digits: number) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, digits))

describe('fusedGelu (private, for transformerBlock)', () => {
  const x = T.tensor([-6, -2.5, -1, -0.3, 0, 0.2, 1, 1.7, 4, 9], { dtype: 'float64' })
  const up = T.tensor([0.5, -1, 2, 1, -0.7, 3, 1, -2, 0.25, 1], { dtype: 'float64' })

  it('is autograd gelu: values, gradients and second derivatives (float64)', () => {
    close(list(fusedGelu(x)), list(AG.gelu(x)), 14)
    const first = (f: (v: AG.Var) => AG.Var) => AG.grad((v: AG.Var) => AG.sum(AG.mul(f(v), up)))
    close(list(first(fusedGelu)(x)), list(first(AG.gelu)(x)), 13)
    // d/dx Σ (∂/∂x Σ up·gelu(x))²: the second derivative through the fused backward rule
    const second = (f: (v: AG.Var) => AG.Var) => AG.grad((v: AG.Var) => AG.sum(AG.square(first(f)(v as never) as unknown as AG.Var)))
    close(list(second(fusedGelu)(x)), list(second(AG.gelu)(x)), 12)
    expect(AG.gradcheck(fusedGelu, [x])).toBe(true)
    expect(AG.gradgradcheck(fusedGelu, [x])).toBe(true)
  })

  it('float32: its tanh is within 4 float32 ulps of Math.tanh on [-12, 12]', () => {
    const f32 = new Float32Array(2)
    let worst = 0
    for (let u = -12; u <= 12; u += 1e-3) {
      f32[0] = tanh32(u)
      f32[1] = Math.tanh(u)
      worst = Math.max(worst, Math.abs(f32[0] - f32[1]) / Math.max(2 ** -24 * Math.abs(f32[1]), 2 ** -149))
    }
    expect(worst).toBeLessThanOrEqual(4)
    expect(tanh32(0)).toBe(0)
    expect(tanh32(30)).toBe(1)
  })

  it('float32: values and gradients within float32 rounding of the float64 ones', () => {
    const x32 = T.cast(x, 'float32')
    const y = fusedGelu(x32)
    expect(y.dtype).toBe('float32')
    const rel = (a: number[], b: number[], tol: number) => a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]!))))
    rel(list(y), list(fusedGelu(x)), 1e-6)
    const first = (v: T.Tensor) => AG.grad((u: AG.Var) => AG.sum(AG.mul(fusedGelu(u), T.cast(up, v.dtype))))(v)
    rel(list(first(x32)), list(first(x)), 1e-6)
  })
})
