import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { gemm } from './reference.js'

function naive(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  aOff: number,
  ars: number,
  acs: number,
  b: Float64Array,
  bOff: number,
  brs: number,
  bcs: number,
): Float64Array {
  const c = new Float64Array(m * n)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0
      for (let p = 0; p < k; p++) s += a[aOff + i * ars + p * acs]! * b[bOff + p * brs + j * bcs]!
      c[i * n + j] = s
    }
  }
  return c
}

function filled(n: number, seed: number): Float64Array {
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = Math.sin(seed * 7.1 + i * 1.3)
  return out
}

describe('gemm', () => {
  it('accumulates into C: [[1,2],[3,4]]·[[5,6],[7,8]] + 1 = [[20,23],[44,51]]', () => {
    const c = new Float32Array([1, 1, 1, 1])
    gemm(2, 2, 2, new Float32Array([1, 2, 3, 4]), 0, 2, 1, new Float32Array([5, 6, 7, 8]), 0, 2, 1, c, 0, 2)
    expect([...c]).toEqual([20, 23, 44, 51])
  })

  it('matches a naive loop for any strides, offsets and ldc, across block edges', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 110 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        fc.boolean(),
        fc.nat(5),
        (m, n, k, ta, tb, pad) => {
          const a = filled(m * k + 3, m)
          const b = filled(k * n + 5, n)
          const [ars, acs] = ta ? [1, m] : [k, 1]
          const [brs, bcs] = tb ? [1, k] : [n, 1]
          const ldc = n + pad
          const c = new Float64Array(m * ldc + 2)
          gemm(m, n, k, a, 3, ars, acs, b, 5, brs, bcs, c, 2, ldc)
          const want = naive(m, n, k, a, 3, ars, acs, b, 5, brs, bcs)
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < ldc; j++) {
              // padding columns of C stay untouched (zero); sums of k <= 300 unit terms: 1e-12 is ample
              const expected = j < n ? want[i * n + j]! : 0
              expect(Math.abs(c[2 + i * ldc + j]! - expected)).toBeLessThan(1e-12)
            }
          }
          expect(c[0]).toBe(0)
          expect(c[1]).toBe(0)
        },
      ),
      { numRuns: 40 },
    )
  })

  it('accepts zero strides (a broadcast row) and wide matrices past one column block', () => {
    const m = 3
    const n = 1030
    const k = 2
    const a = new Float64Array([2, 3])
    const b = filled(k * n, 1)
    const c = new Float64Array(m * n)
    gemm(m, n, k, a, 0, 0, 1, b, 0, n, 1, c, 0, n)
    for (let j = 0; j < n; j++) {
      const want = 2 * b[j]! + 3 * b[n + j]!
      for (let i = 0; i < m; i++) expect(c[i * n + j]).toBeCloseTo(want, 14)
    }
  })

  it('does nothing for an empty dimension', () => {
    const c = new Float64Array([5])
    gemm(1, 1, 0, new Float64Array(0), 0, 0, 1, new Float64Array(0), 0, 1, 0, c, 0, 1)
    expect(c[0]).toBe(5)
  })
})
