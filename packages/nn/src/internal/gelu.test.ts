import * as AG from '@gd/autograd'
import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { fusedGelu } from './gelu.js'

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

  it('keeps float32 in float32, within float32 rounding of the composed form', () => {
    const x32 = T.cast(x, 'float32')
    const y = fusedGelu(x32)
    expect(y.dtype).toBe('float32')
    close(list(y), list(AG.gelu(x32)), 6)
  })
})
