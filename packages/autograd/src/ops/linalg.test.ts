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

describe('matmul reads its options once (then the tensor product through its flags)', () => {
  const a = T.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ])
  const b = T.tensor([
    [1, 0, 2],
    [0, 1, 3],
  ])
  it('gives the products of every flag pair, forward and backward, as @gd/tensor matmul does', () => {
    // a · bᵀ = [[1·1 + 3·2, 2 + 3·3], [4 + 6·2, 5 + 6·3]] = [[7, 11], [16, 23]]
    expect(AG.matmul(a, b, { transposeB: true }).toArray()).toEqual([
      [7, 11],
      [16, 23],
    ])
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const [x, y] = [transposeA ? T.transpose(a) : a, transposeB ? b : T.transpose(b)]
        const want = T.matmul(x, y, { transposeA, transposeB })
        expect(AG.matmul(x, y, { transposeA, transposeB }).toArray()).toEqual(want.toArray())
        // ∂x of Σ (x·y) is 1·yᵀ (or y·1ᵀ when x is transposed): every row (column) the row sums of y
        const gx = AG.grad((v: AG.Var) => AG.sum(AG.matmul(v, y, { transposeA, transposeB })))(x)
        const ones = T.ones(want.shape)
        const wantGx = transposeA
          ? T.matmul(y, ones, { transposeA: transposeB, transposeB: true })
          : T.matmul(ones, y, { transposeB: !transposeB })
        expect(gx.toArray()).toEqual(wantGx.toArray())
      }
    }
  })

  it('rejects bad options with the messages @gd/tensor matmul gives, before any product', () => {
    const messages = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        return (e as Error).message
      }
      return 'no error'
    }
    for (const options of [{ transposeA: 1 }, { transposeb: true }, { transposeB: 'yes' }, 3, null]) {
      const got = messages(() => AG.matmul(a, b, options as never))
      expect(got).toBe(messages(() => T.matmul(a, b, options as never)))
    }
    expect(messages(() => AG.matmul(a, b, { transposeA: 1 } as never))).toBe(
      'matmul: transposeA must be a boolean, got 1',
    )
    expect(messages(() => AG.matmul(a, b, { transposeb: true } as never))).toBe(
      'matmul: unknown option transposeb, expected one of transposeA, transposeB; did you mean transposeB?',
    )
  })
})
