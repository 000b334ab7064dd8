import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { gradcheck, gradgradcheck } from '../gradcheck.js'
import { grad } from '../grad.js'
import { Var } from '../variable.js'
import { gelu } from './activations.js'
import { add, mul, square, tanh } from './arithmetic.js'
import { sum } from './broadcast.js'
import { tanh32 } from './gelu.js'

const list = (t: T.Tensor | Var) => [...(t instanceof Var ? t.value : t).data]
const close = (a: number[], b: number[], digits: number) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, digits))
/** The formula composed from ops, as the reference: ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
const composed = (x: Var) =>
  mul(mul(x, 0.5), add(tanh(mul(add(x, mul(mul(square(x), x), 0.044715)), Math.sqrt(2 / Math.PI))), 1))

describe('gelu, one primitive', () => {
  const x = T.tensor([-6, -2.5, -1, -0.3, 0, 0.2, 1, 1.7, 4, 9], { dtype: 'float64' })
  const up = T.tensor([0.5, -1, 2, 1, -0.7, 3, 1, -2, 0.25, 1], { dtype: 'float64' })

  it('equals the composed formula: values, gradients and second derivatives (float64)', () => {
    close(list(gelu(x)), list(composed(new Var(x))), 14)
    const first = (f: (v: Var) => Var) => grad((v: Var) => sum(mul(f(v), up)))
    close(list(first(gelu)(x)), list(first(composed)(x)), 13)
    // d/dx Σ (∂/∂x Σ up·gelu(x))²: the second derivative through the fused backward rule
    const second = (f: (v: Var) => Var) => grad((v: Var) => sum(square(first(f)(v as never) as unknown as Var)))
    close(list(second(gelu)(x)), list(second(composed)(x)), 12)
    expect(gradcheck(gelu, [x])).toBe(true)
    expect(gradgradcheck(gelu, [x])).toBe(true)
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

  it('float32: values and gradients within float32 rounding of the float64 ones; int32 input computes in float32', () => {
    const x32 = T.cast(x, 'float32')
    const y = gelu(x32)
    expect(y.dtype).toBe('float32')
    const rel = (a: number[], b: number[], tol: number) =>
      a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]!))))
    rel(list(y), list(gelu(x)), 1e-6)
    const first = (v: T.Tensor) => grad((u: Var) => sum(mul(gelu(u), T.cast(up, v.dtype))))(v)
    rel(list(first(x32)), list(first(x)), 1e-6)
    const ints = gelu(T.tensor([-1, 0, 2], { dtype: 'int32' }))
    expect(ints.dtype).toBe('float32')
    rel(list(ints), list(gelu(T.tensor([-1, 0, 2], { dtype: 'float64' }))), 1e-6)
  })

  it('float32 on Wasm (from 64 elements): within 5 ulps of float64 values and 9 of gradients, the same with Wasm off within 1e-6', async () => {
    await T.initWasm()
    // x on [-5, 8] (where the float64 loop's 1 + tanh u keeps 9 digits), one cotangent of 1, 2, 3 per element
    // (float32 values, so that both dtypes see the same inputs)
    const xs = T.tensor(
      Array.from({ length: 1301 }, (_, i) => Math.fround(-5 + i / 100)),
      { dtype: 'float64' },
    )
    const gs = T.tensor(
      Array.from({ length: 1301 }, (_, i) => 1 + (i % 3)),
      { dtype: 'float64' },
    )
    const ulps = (a: number, b: number) =>
      a === b ? 0 : Math.abs(a - b) / 2 ** (Math.floor(Math.log2(Math.abs(b))) - 23)
    const first = (v: T.Tensor, g: T.Tensor) => grad((u: Var) => sum(mul(gelu(u), g)))(v)
    const y64 = list(gelu(xs))
    const d64 = list(first(xs, gs))
    const y32 = list(gelu(T.cast(xs, 'float32')))
    const d32 = list(first(T.cast(xs, 'float32'), T.cast(gs, 'float32')))
    y32.forEach((v, i) => expect(ulps(v, y64[i]!), `x = ${list(xs)[i]}`).toBeLessThanOrEqual(5))
    // around x = −0.75 gelu′ crosses 0 and its two terms cancel: there the error is absolute (8e-8·|g|)
    d32.forEach((v, i) => expect(ulps(v, d64[i]!) <= 9 || Math.abs(v - d64[i]!) < 8e-8 * (1 + (i % 3))).toBe(true))
    const restore = T.useWasm(false)
    try {
      list(gelu(T.cast(xs, 'float32'))).forEach((v, i) => expect(Math.abs(v - y64[i]!)).toBeLessThan(1e-6))
    } finally {
      restore()
    }
  })
})
