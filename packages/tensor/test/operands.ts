// Operands for the gemm kernels' property tests: an `rows × cols` matrix laid out in a flat array
// in one of several ways, deterministic fillings, and products built from them.
import type { GemmKernel } from '../src/kernels/gemm/wasm.js'

/** How an `rows × cols` operand lies in its array. */
export type Layout = 'row' | 'col' | 'gapped' | 'broadcast' | 'reversed'

/** Strides, offset of element (0, 0) and the array length a layout needs, after `pad` leading elements. */
export function place(
  layout: Layout,
  rows: number,
  cols: number,
  pad: number,
): { rs: number; cs: number; offset: number; length: number } {
  switch (layout) {
    case 'row':
      return { rs: cols, cs: 1, offset: pad, length: pad + rows * cols }
    case 'col':
      return { rs: 1, cs: rows, offset: pad, length: pad + rows * cols }
    // neither stride is 1: the packing's general path (a strided view, every other column)
    case 'gapped':
      return { rs: 2 * cols + 3, cs: 2, offset: pad, length: pad + rows * (2 * cols + 3) }
    // one row repeated (stride 0), as a broadcast operand
    case 'broadcast':
      return { rs: 0, cs: 1, offset: pad, length: pad + cols }
    // rows last to first (negative stride): the span starts below element (0, 0)
    case 'reversed':
      return { rs: -cols, cs: 1, offset: pad + (rows - 1) * cols, length: pad + rows * cols }
  }
}

/** `n` float32 values from a seeded sine: distinct, in [-1, 1], the same for the same seed. */
export function filled(n: number, seed: number): Float32Array {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = Math.sin(seed * 7.1 + i * 1.3)
  return out
}

/**
 * The operands of an `m × n × k` product: A and B laid out as `la` and `lb` after `pad` leading
 * elements, C with `cPad` leading floats and rows `n + cPad` apart; `run(gemm)` adds A·B into a
 * fresh copy of C and returns it.
 */
export function product(m: number, n: number, k: number, la: Layout, lb: Layout, pad: number, cPad: number) {
  const A = place(la, m, k, pad)
  const B = place(lb, k, n, pad + 1)
  const a = filled(A.length, m)
  const b = filled(B.length, n + 0.5)
  const ldc = n + cPad
  const c0 = filled(cPad + m * ldc, k + 0.25)
  const run = (gemm: GemmKernel): Float32Array => {
    const c = c0.slice()
    gemm(m, n, k, a, A.offset, A.rs, A.cs, b, B.offset, B.rs, B.cs, c, cPad, ldc)
    return c
  }
  return { A, B, a, b, ldc, c0, run }
}

/** Row-major `m × k` and `k × n` operands filled from seeds `seed` and `seed + 1`, multiplied by `gemm` into a zeroed C. */
export function rowMajorProduct(
  gemm: GemmKernel,
  m: number,
  n: number,
  k: number,
  seed: number,
  dtype: 'float32' | 'float64' = 'float32',
) {
  const Array = dtype === 'float64' ? Float64Array : Float32Array
  const c = new Array(m * n)
  gemm(m, n, k, Array.from(filled(m * k, seed)), 0, k, 1, Array.from(filled(k * n, seed + 1)), 0, n, 1, c, 0, n)
  return c
}
