/**
 * General matrix multiply over typed arrays: the one loop nest that matmul and convolution
 * (through im2col) spend their time in.
 *
 * Blocked as in Goto and van de Geijn's "Anatomy of high-performance matrix multiplication":
 * a `KC × NC` block of B and an `MC × KC` block of A are packed into contiguous Float64 scratch
 * panels (so a transposed or strided operand costs one O(n²) packing pass, never a slower inner
 * loop), then a 4 × 4 register-blocked micro-kernel keeps 16 accumulators in locals while it walks
 * the shared dimension. Packing into Float64Array keeps the hot loop monomorphic for both dtypes;
 * for float32 it changes nothing but the rounding of partial sums, which only gets better.
 * @module
 */

/** The floating-point storage the kernels accept. */
export type FloatArray = Float32Array | Float64Array

/** Rows of A per micro-kernel call (register block height). */
const MR = 4
/** Columns of B per micro-kernel call (register block width). */
const NR = 4
/** Depth of a packed block: a `KC × NR` panel of B (8 KiB) stays in L1. */
const KC = 256
/** Rows of A per packed block: `MC × KC` doubles (192 KiB) stay in L2. */
const MC = 96
/** Columns of B per packed block. */
const NC = 1024

// Packing scratch, allocated on the first product (not at import: a bundle that never multiplies
// should carry neither the 2.2 MB nor the code that allocates it).
let packedA = /* @__PURE__ */ new Float64Array(0)
let packedB = /* @__PURE__ */ new Float64Array(0)
const edge = /* @__PURE__ */ new Float64Array(16) // MR × NR: a literal, so that bundlers can drop it unused

/**
 * `C += A · B` for an `m × k` matrix A and a `k × n` matrix B, each read through an offset and
 * two strides, so a transposed operand is just swapped strides:
 *
 * - `A[i, p] = a[aOffset + i * aRowStride + p * aColStride]`
 * - `B[p, j] = b[bOffset + p * bRowStride + j * bColStride]`
 * - `C[i, j] = c[cOffset + i * ldc + j]` (row-major rows `ldc` apart; `C` is accumulated into,
 *   so pass zeros for a plain product).
 *
 * Strides may be zero (a broadcast operand). Inputs are never written. Not re-entrant: the packing
 * buffers are shared module state (JavaScript is single-threaded, so only a nested call could
 * collide, and none exists).
 *
 * @example
 * ```ts
 * import { gemm } from './reference.js'
 * // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
 * const c = new Float32Array(4)
 * gemm(2, 2, 2, new Float32Array([1, 2, 3, 4]), 0, 2, 1, new Float32Array([5, 6, 7, 8]), 0, 2, 1, c, 0, 2)
 * c // Float32Array [19, 22, 43, 50]
 * ```
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  aRowStride: number,
  aColStride: number,
  b: FloatArray,
  bOffset: number,
  bRowStride: number,
  bColStride: number,
  c: FloatArray,
  cOffset: number,
  ldc: number,
): void {
  if (m === 0 || n === 0 || k === 0) return
  const ncMax = Math.min(NC, roundUp(n, NR))
  if (packedA.length === 0) packedA = new Float64Array(MC * KC)
  if (packedB.length < KC * ncMax) packedB = new Float64Array(KC * ncMax)
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc)
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc)
      packB(kc, nc, b, bOffset + pc * bRowStride + jc * bColStride, bRowStride, bColStride, packedB)
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic)
        packA(mc, kc, a, aOffset + ic * aRowStride + pc * aColStride, aRowStride, aColStride, packedA)
        macroKernel(mc, nc, kc, packedA, packedB, c, cOffset + ic * ldc + jc, ldc)
      }
    }
  }
}

function roundUp(x: number, to: number): number {
  return Math.ceil(x / to) * to
}

/** Packs an `mc × kc` block of A into `MR`-row panels: panel r holds `A[r*MR + i, p]` at `(p*MR + i)`. */
function packA(mc: number, kc: number, a: FloatArray, offset: number, rs: number, cs: number, out: Float64Array): void {
  for (let r = 0; r < mc; r += MR) {
    const rows = Math.min(MR, mc - r)
    const base = r * kc
    for (let i = 0; i < MR; i++) {
      let dst = base + i
      if (i >= rows) {
        for (let p = 0; p < kc; p++, dst += MR) out[dst] = 0
        continue
      }
      let src = offset + (r + i) * rs
      for (let p = 0; p < kc; p++, dst += MR, src += cs) out[dst] = a[src]!
    }
  }
}

/** Packs a `kc × nc` block of B into `NR`-column panels: panel s holds `B[p, s*NR + j]` at `(p*NR + j)`. */
function packB(kc: number, nc: number, b: FloatArray, offset: number, rs: number, cs: number, out: Float64Array): void {
  for (let s = 0; s < nc; s += NR) {
    const cols = Math.min(NR, nc - s)
    const base = s * kc
    for (let j = 0; j < NR; j++) {
      let dst = base + j
      if (j >= cols) {
        for (let p = 0; p < kc; p++, dst += NR) out[dst] = 0
        continue
      }
      let src = offset + (s + j) * cs
      for (let p = 0; p < kc; p++, dst += NR, src += rs) out[dst] = b[src]!
    }
  }
}

/** Multiplies packed panels into `C`, one `MR × NR` tile at a time. */
function macroKernel(
  mc: number,
  nc: number,
  kc: number,
  pa: Float64Array,
  pb: Float64Array,
  c: FloatArray,
  cOffset: number,
  ldc: number,
): void {
  for (let s = 0; s < nc; s += NR) {
    const cols = Math.min(NR, nc - s)
    const bBase = s * kc
    for (let r = 0; r < mc; r += MR) {
      const rows = Math.min(MR, mc - r)
      let ai = r * kc
      let bi = bBase
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0
      let c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0
      let c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0
      // One B value live at a time beside the 4 A values and 16 accumulators: 21 doubles, close to
      // the 16 SSE registers V8 allocates on x64 (faster than loading all of B first on x64;
      // re-measure with `packages/tensor/bench/kernels.ts matmul`).
      const end = ai + kc * MR
      for (; ai < end; ai += MR, bi += NR) {
        const a0 = pa[ai]!,
          a1 = pa[ai + 1]!,
          a2 = pa[ai + 2]!,
          a3 = pa[ai + 3]!
        let b = pb[bi]!
        c00 += a0 * b
        c10 += a1 * b
        c20 += a2 * b
        c30 += a3 * b
        b = pb[bi + 1]!
        c01 += a0 * b
        c11 += a1 * b
        c21 += a2 * b
        c31 += a3 * b
        b = pb[bi + 2]!
        c02 += a0 * b
        c12 += a1 * b
        c22 += a2 * b
        c32 += a3 * b
        b = pb[bi + 3]!
        c03 += a0 * b
        c13 += a1 * b
        c23 += a2 * b
        c33 += a3 * b
      }
      let o = cOffset + r * ldc + s
      if (rows === MR && cols === NR) {
        addRow(c, o, c00, c01, c02, c03)
        addRow(c, o + ldc, c10, c11, c12, c13)
        addRow(c, o + 2 * ldc, c20, c21, c22, c23)
        addRow(c, o + 3 * ldc, c30, c31, c32, c33)
        continue
      }
      edge[0] = c00
      edge[1] = c01
      edge[2] = c02
      edge[3] = c03
      edge[4] = c10
      edge[5] = c11
      edge[6] = c12
      edge[7] = c13
      edge[8] = c20
      edge[9] = c21
      edge[10] = c22
      edge[11] = c23
      edge[12] = c30
      edge[13] = c31
      edge[14] = c32
      edge[15] = c33
      for (let i = 0; i < rows; i++, o += ldc) {
        for (let j = 0; j < cols; j++) c[o + j] = c[o + j]! + edge[i * NR + j]!
      }
    }
  }
}

/** `c[o + j] += xj` for one full row of a tile. */
function addRow(c: FloatArray, o: number, x0: number, x1: number, x2: number, x3: number): void {
  c[o] = c[o]! + x0
  c[o + 1] = c[o + 1]! + x1
  c[o + 2] = c[o + 2]! + x2
  c[o + 3] = c[o + 3]! + x3
}
