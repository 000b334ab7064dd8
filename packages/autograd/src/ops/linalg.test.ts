import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import * as AG from '../index.js'

describe('matmul: a weight shared by a batch', () => {
  it("gives ∂W in float32 within the float32 summation bound of float64's, for plain and transposed weights", () => {
    const [kx, kw, kr] = T.splitKey(T.prngKey(7), 3)
    const x = T.normal(kx, [8, 16, 32], { dtype: 'float64' })
    const r = T.normal(kr, [8, 16, 24], { dtype: 'float64' })
    for (const transposeB of [false, true]) {
      const w = T.normal(kw, transposeB ? [24, 32] : [32, 24], { dtype: 'float64' })
      const gradOf = (dtype: 'float32' | 'float64') =>
        AG.grad((v: AG.Var) => AG.sum(AG.mul(AG.matmul(T.cast(x, dtype), v, { transposeB }), T.cast(r, dtype))))(
          T.cast(w, dtype),
        ).data
      const got = gradOf('float32')
      const want = gradOf('float64')
      // ∂W[i][j] = Σₖ x[k][i]·r[k][j] over the 128 stacked rows k: float32 summation errs by at most
      // 128 · 2⁻²⁴ · Σₖ |x[k][i]·r[k][j]| (plus the products' own rounding)
      const xs = x.data
      const rs = r.data
      want.forEach((v, flat) => {
        const [i, j] = transposeB ? [flat % 32, Math.floor(flat / 32)] : [Math.floor(flat / 24), flat % 24]
        let magnitude = 0
        for (let k = 0; k < 128; k++) magnitude += Math.abs(xs[k * 32 + i]! * rs[k * 24 + j]!)
        expect(Math.abs(got[flat]! - v)).toBeLessThanOrEqual(130 * 2 ** -24 * magnitude)
      })
    }
  })
})
