// float32 `C += A · B` (and `C = A · B`, whatever C held) in WebAssembly SIMD128, compiled by scripts/build-wasm.mjs into
// src/kernels/gemm/module.generated.ts. Same blocking as the JavaScript kernel (src/kernels/gemm/reference.ts,
// after Goto and van de Geijn): a KC × NC block of B and an MC × KC block of A are packed into
// contiguous panels, then an MR × NR micro-kernel keeps the C tile in v128 registers while it walks
// the shared dimension.
//
// Memory: no runtime and no allocator. The scratch panels sit right after the static data
// (`__heap_base`); `workspaceEnd()` tells the JavaScript side where its own copies of A, B and C
// may start, and that side grows the memory as it needs. All strides are in elements and may be
// negative or zero (a negative step wraps in 32-bit address arithmetic, which is what we want).
//
// Built twice: with SIMD128 only, and with relaxed SIMD too (`ASC_FEATURE_RELAXED_SIMD`), where each
// multiply-add is one `f32x4.relaxed_madd` (a fused FMA on x64 and arm64).
//
// What bounds the plain build (measured on the AMD EPYC Zen 4 here, ~3.6 GHz, Node 20): the FP ports
// (2 mul + 2 add, 16 flops a cycle, ~57 GFLOP/s) would take 4 cycles per k-step of the 4 × 8 tile
// (8 mul + 8 add), but V8 folds no load into SIMD arithmetic, so a step also issues 6 vector loads
// (2 of B, 4 of A) and its loop's adds and compare: 25-27 instructions, and the core sustains about
// 5 a cycle, ~5 cycles a step (44-46 GFLOP/s). A larger tile (5 × 8, 3 × 12) or a k-loop unrolled by
// hand would load less per flop, but V8 issues every load of a step before its arithmetic, so more
// than 15 live vectors spill (measured 20-24 GFLOP/s). What is left is instructions: A is packed
// splatted (below), which saves the address registers V8 spends on `load32_splat` offsets. The
// relaxed build's FMA does a step's arithmetic in 8 instructions: ~51 against ~44 GFLOP/s on the MLP
// 784-256-128-10's products under Node 20's --experimental-wasm-relaxed-simd.

/** Rows of A per micro-kernel call. 4 rows × 2 vectors = 8 accumulators + 2 B vectors + 4 A
 * splats (V8 loads a step's operands together) + 1 product = 15 of the 16 xmm registers V8 has on
 * x64 (it keeps one as scratch), so nothing spills; 8 independent accumulators cover the add
 * latency on two FP ports. */
const MR = 4
/** Columns of B per micro-kernel call: two f32x4 vectors. */
const NR = 8
/** Depth of a packed block: a KC × NR micro-panel of B (8 KiB) stays in L1. */
const KC = 256
/** Rows of A per packed block: MC × KC floats (192 KiB) stay in L2; MC / 4 rows when A is packed splatted. */
const MC = 192
/** Columns of B per packed block: KC × NC floats (1 MiB) stay in L2/L3. */
const NC = 1024
/**
 * Columns of C from which {@link gemmBatch} packs A splatted: each value as a whole v128, which the micro-kernel
 * reads with a plain `v128.load` at a constant offset (V8 gives `load32_splat` no address offset and spends a
 * register or an instruction on each): ~5% fewer instructions a k-step, for 4 times the bytes packed, which
 * pays once the packed block of A serves 16 or more micro-panels of B. Measured: the MLP 784-256-128-10's
 * products and 256³ to 1024³ 2.5-4% faster; a 128 × 128 × 10 product 4-9% slower, hence SPLAT_MIN_K too. The
 * relaxed build, bound by its FMA ports, measured ~2% slower splatted: its threshold is out of reach (a
 * constant, not a removed path, so that the two builds' bytes stay alike and gzip together).
 */
const SPLAT_MIN_N = ASC_FEATURE_RELAXED_SIMD ? i32.MAX_VALUE : 128
/** Depth from which A is packed splatted: below it a micro-kernel call's fixed costs outweigh the saving. */
const SPLAT_MIN_K = 64

@inline function packedA(): usize {
  return (__heap_base + 63) & ~(<usize>63)
}
@inline function packedB(): usize {
  return packedA() + <usize>(MC * KC * 4)
}
@inline function edgeTile(): usize {
  return packedB() + <usize>(KC * NC * 4)
}

/** First byte after the scratch panels, 64-byte aligned: where the caller's operands may go. */
export function workspaceEnd(): usize {
  return edgeTile() + <usize>(MR * NR * 4) + 64
}

@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2)
}

/**
 * `C += A · B` with `A[i, p] = f32 at a + 4 (i ars + p acs)`, `B[p, j] = f32 at b + 4 (p brs + j bcs)`,
 * `C[i, j] = f32 at c + 4 (i ldc + j)`. A is never packed splatted here: this entry serves the convolutions
 * (assembly/conv.ts), whose products are shallow or narrow, and keeps their module free of that path. The
 * bits are those of {@link gemmBatch} either way.
 */
export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, ldc: i32,
): void {
  product(m, n, k, a, ars, acs, b, brs, bcs, c, ldc, false, false)
}

/**
 * `outer × inner` products of one shape (a stack of matrices, as a batched matmul has): product (i, j) reads A
 * from `a + 4 (i aOuter + j aInner)`, B from `b + 4 (i bOuter + j bInner)` and writes C at
 * `c + 4 (i cOuter + j cInner)`, each as {@link gemm} with those operands (a stride 0 repeats an operand). One
 * call for the whole stack: the JavaScript side pays its per-call cost once, not once per matrix.
 *
 * `overwrite`: `C = A · B` instead of `C += A · B`. C's old values never reach the result, so C need not be
 * initialized, and every one of its m × n elements is written when k > 0 (for k ≤ 0 nothing is: the caller
 * writes the zeros). The bits are those of `gemm` into a zero-filled C: the first k-panel stores
 * `+0 + sum` where `gemm` stores `C + sum` with C = +0 (so a sum of −0 becomes +0 in both), and the later
 * panels add as `gemm` does.
 */
export function gemmBatch(
  outer: i32, inner: i32,
  m: i32, n: i32, k: i32,
  a: usize, ars: i32, acs: i32, aOuter: i32, aInner: i32,
  b: usize, brs: i32, bcs: i32, bOuter: i32, bInner: i32,
  c: usize, ldc: i32, cOuter: i32, cInner: i32,
  overwrite: bool,
): void {
  for (let i = 0; i < outer; i++) {
    for (let j = 0; j < inner; j++) {
      product(
        m, n, k,
        at(a, i * aOuter + j * aInner), ars, acs,
        at(b, i * bOuter + j * bInner), brs, bcs,
        at(c, i * cOuter + j * cInner), ldc,
        overwrite, true,
      )
    }
  }
}

/** `x` rounded up to a multiple of `r`. */
@inline function padded(x: i32, r: i32): i32 {
  return (x + r - 1) / r * r
}

/**
 * Runs `C = A · B` as it is, or, when that wastes less of the register tile, as `Cᵀ = Bᵀ · Aᵀ` (the operands'
 * strides swapped, C written through its columns): a narrow product (n = 10 columns fill one NR = 8 tile and
 * 2 / 8 of another) computes 128 × 16 for 128 × 10 outputs, while its transpose computes 12 × 128. Swapped
 * when the padded tile work falls by at least 1 / 8 once each tile's store is counted (a transposed tile is
 * written through the scratch tile, about 8 k-steps' time, against about none for a row-major one). The
 * bits are the same either way: each output is summed over the same k in the same order, and `a · b` and
 * `b · a` round alike.
 */
function product(
  m: i32, n: i32, k: i32,
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, ldc: i32,
  overwrite: bool, splatting: bool,
): void {
  if (m <= 0 || n <= 0 || k <= 0) return
  let crs = ldc
  let ccs = 1
  const straight = <i64>padded(m, MR) * <i64>padded(n, NR)
  const swapped = <i64>padded(n, MR) * <i64>padded(m, NR)
  if (swapped * <i64>(k + 8) * 8 <= straight * <i64>k * 7) {
    // Bᵀ is the n × k left operand (rows bcs apart, columns brs), Aᵀ the k × m right one, C is read by columns
    const rows = n
    n = m
    m = rows
    const left = b
    b = a
    a = left
    const rs = bcs
    bcs = ars
    ars = rs
    const cs = brs
    brs = acs
    acs = cs
    crs = 1
    ccs = ldc
  }
  blocked(m, n, k, a, ars, acs, b, brs, bcs, c, crs, ccs, overwrite, splatting) // one call: Binaryen inlines it once
}

/**
 * The blocked product with `C[i, j]` at `c + 4 (i crs + j ccs)`: adds into C, or (`overwrite`) stores the first
 * k-panel's sums and adds the rest.
 */
function blocked(
  m: i32, n: i32, k: i32,
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, crs: i32, ccs: i32,
  overwrite: bool, splatting: bool,
): void {
  const pa = packedA()
  const pb = packedB()
  const splat = splatting && n >= SPLAT_MIN_N && k >= SPLAT_MIN_K
  const mcMax = splat ? MC >> 2 : MC
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc)
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc)
      packB(kc, nc, at(b, pc * brs + jc * bcs), brs, bcs, pb)
      for (let ic = 0; ic < m; ic += mcMax) {
        const mc = min(mcMax, m - ic)
        packA(mc, kc, at(a, ic * ars + pc * acs), ars, acs, pa, splat)
        const first = overwrite && pc == 0
        if (splat) macroKernelSplat(mc, nc, kc, pa, pb, at(c, ic * crs + jc * ccs), crs, ccs, first)
        else macroKernel(mc, nc, kc, pa, pb, at(c, ic * crs + jc * ccs), crs, ccs, first)
      }
    }
  }
}

/**
 * Packs an mc × kc block of A into MR-row panels: panel r holds `A[r + i, p]` at `p MR + i`, zero-padded, as floats
 * or (`splat`) each splatted to a whole v128 (16 bytes a value).
 */
function packA(mc: i32, kc: i32, src: usize, rs: i32, cs: i32, dst: usize, splat: bool): void {
  const bytes = splat ? 16 : 4
  for (let r = 0; r < mc; r += MR) {
    const rows = min(MR, mc - r)
    let out = dst + <usize>(r * kc * bytes)
    const row0 = at(src, r * rs)
    if (rows == MR && rs == 1) {
      // Aᵀ stored row-major: the MR values of one p are already adjacent
      if (!splat) {
        for (let p = 0; p < kc; p++, out += 16) v128.store(out, v128.load(at(row0, p * cs)))
        continue
      }
      for (let p = 0; p < kc; p++, out += 64) {
        const x = v128.load(at(row0, p * cs))
        v128.store(out, v128.shuffle<f32>(x, x, 0, 0, 0, 0))
        v128.store(out, v128.shuffle<f32>(x, x, 1, 1, 1, 1), 16)
        v128.store(out, v128.shuffle<f32>(x, x, 2, 2, 2, 2), 32)
        v128.store(out, v128.shuffle<f32>(x, x, 3, 3, 3, 3), 48)
      }
      continue
    }
    if (rows == MR && cs == 1) {
      const row1 = at(row0, rs)
      const row2 = at(row1, rs)
      const row3 = at(row2, rs)
      if (splat) {
        // row-major A: each value splatted as it is read
        for (let p = 0; p < kc; p++, out += 64) {
          const o = <usize>(p << 2)
          v128.store(out, v128.load32_splat(row0 + o))
          v128.store(out, v128.load32_splat(row1 + o), 16)
          v128.store(out, v128.load32_splat(row2 + o), 32)
          v128.store(out, v128.load32_splat(row3 + o), 48)
        }
        continue
      }
      // row-major A: read 4 × 4 squares and transpose them in registers
      let p = 0
      for (; p + 4 <= kc; p += 4, out += 64) {
        const o = <usize>(p << 2)
        const x0 = v128.load(row0 + o)
        const x1 = v128.load(row1 + o)
        const x2 = v128.load(row2 + o)
        const x3 = v128.load(row3 + o)
        const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5)
        const t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7)
        const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5)
        const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7)
        v128.store(out, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5))
        v128.store(out, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 16)
        v128.store(out, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 32)
        v128.store(out, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 48)
      }
      for (; p < kc; p++, out += 16) {
        const o = <usize>(p << 2)
        store<f32>(out, load<f32>(row0 + o))
        store<f32>(out, load<f32>(row1 + o), 4)
        store<f32>(out, load<f32>(row2 + o), 8)
        store<f32>(out, load<f32>(row3 + o), 12)
      }
      continue
    }
    for (let p = 0; p < kc; p++) {
      for (let i = 0; i < MR; i++, out += bytes) {
        const x = i < rows ? load<f32>(at(row0, i * rs + p * cs)) : <f32>0
        if (splat) v128.store(out, f32x4.splat(x))
        else store<f32>(out, x)
      }
    }
  }
}

/** Packs a kc × nc block of B into NR-column panels: panel s holds `B[p, s + j]` at `p NR + j`, zero-padded. */
function packB(kc: i32, nc: i32, src: usize, rs: i32, cs: i32, dst: usize): void {
  for (let s = 0; s < nc; s += NR) {
    const cols = min(NR, nc - s)
    let out = dst + <usize>(s * kc * 4)
    const col0 = at(src, s * cs)
    if (cols == NR && cs == 1) {
      // row-major B: the NR values of one p are adjacent
      for (let p = 0; p < kc; p++, out += 32) {
        const x = at(col0, p * rs)
        v128.store(out, v128.load(x))
        v128.store(out, v128.load(x, 16), 16)
      }
      continue
    }
    if (cols == NR && rs == 1) {
      // Bᵀ stored row-major: read 4 × 4 squares down the columns and transpose them
      let p = 0
      for (; p + 4 <= kc; p += 4, out += 128) {
        transposeInto(out, at(col0, p), cs)
        transposeInto(out + 16, at(col0, p + 4 * cs), cs)
      }
      for (; p < kc; p++, out += 32) {
        for (let j = 0; j < NR; j++) store<f32>(out + <usize>(j << 2), load<f32>(at(col0, p + j * cs)))
      }
      continue
    }
    for (let p = 0; p < kc; p++) {
      for (let j = 0; j < NR; j++, out += 4) {
        store<f32>(out, j < cols ? load<f32>(at(col0, p * rs + j * cs)) : <f32>0)
      }
    }
  }
}

/** Reads 4 columns (`cs` apart) of 4 adjacent values each and writes them as 4 rows of a panel NR wide. */
@inline function transposeInto(out: usize, src: usize, cs: i32): void {
  const x0 = v128.load(src)
  const x1 = v128.load(at(src, cs))
  const x2 = v128.load(at(src, 2 * cs))
  const x3 = v128.load(at(src, 3 * cs))
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5)
  const t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7)
  const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5)
  const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7)
  v128.store(out, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5))
  v128.store(out, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), NR * 4)
  v128.store(out, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), NR * 8)
  v128.store(out, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), NR * 12)
}

/**
 * Multiplies packed panels into C one MR × NR tile at a time; the B micro-panel stays in L1 across the A panels.
 * `first`: C = +0 + sums (C's old values masked out) instead of C + sums.
 */
function macroKernel(
  mc: i32, nc: i32, kc: i32, pa: usize, pb: usize, c: usize, crs: i32, ccs: i32, first: bool,
): void {
  for (let s = 0; s < nc; s += NR) {
    const cols = min(NR, nc - s)
    const bPanel = pb + <usize>(s * kc * 4)
    for (let r = 0; r < mc; r += MR) {
      const rows = min(MR, mc - r)
      microKernel(kc, pa + <usize>(r * kc * 4), bPanel, at(c, r * crs + s * ccs), crs, ccs, rows, cols, first, false)
    }
  }
}

/**
 * {@link macroKernel} on A packed splatted, a row of tiles at a time: the A micro-panel (16 KiB) stays in L1 while
 * the B micro-panels stream past it from L2.
 */
function macroKernelSplat(
  mc: i32, nc: i32, kc: i32, pa: usize, pb: usize, c: usize, crs: i32, ccs: i32, first: bool,
): void {
  for (let r = 0; r < mc; r += MR) {
    const rows = min(MR, mc - r)
    const aPanel = pa + <usize>(r * kc * 16)
    for (let s = 0; s < nc; s += NR) {
      const cols = min(NR, nc - s)
      microKernel(kc, aPanel, pb + <usize>(s * kc * 4), at(c, r * crs + s * ccs), crs, ccs, rows, cols, first, true)
    }
  }
}

/** `acc + x · y` lane-wise: one relaxed (fused where the CPU can) multiply-add when the build has relaxed SIMD. */
@inline function madd(x: v128, y: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, y, acc)
  return f32x4.add(acc, f32x4.mul(x, y))
}

/**
 * One MR × NR tile: 8 f32x4 accumulators over kc steps, then added into C, or (`first`) added to +0 in place
 * of C's values, which may be anything. C's rows are `crs` apart and its columns `ccs`: row-major (ccs = 1)
 * full tiles are written a vector at a time, edge tiles and column-major C (a transposed product) through a
 * scratch tile.
 */
@inline function microKernel(
  kc: i32, pa: usize, pb: usize, c: usize, crs: i32, ccs: i32, rows: i32, cols: i32, first: bool, splat: bool,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0)
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0)
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0)
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0)
  if (splat) {
    // A's values packed splatted: plain loads at constant offsets
    const end = pa + <usize>(kc * MR * 16)
    while (pa < end) {
      const b0 = v128.load(pb)
      const b1 = v128.load(pb, 16)
      let x = v128.load(pa)
      c00 = madd(x, b0, c00)
      c01 = madd(x, b1, c01)
      x = v128.load(pa, 16)
      c10 = madd(x, b0, c10)
      c11 = madd(x, b1, c11)
      x = v128.load(pa, 32)
      c20 = madd(x, b0, c20)
      c21 = madd(x, b1, c21)
      x = v128.load(pa, 48)
      c30 = madd(x, b0, c30)
      c31 = madd(x, b1, c31)
      pa += MR * 16
      pb += NR * 4
    }
  } else {
    const end = pa + <usize>(kc * MR * 4)
    while (pa < end) {
      const b0 = v128.load(pb)
      const b1 = v128.load(pb, 16)
      let x = v128.load32_splat(pa)
      c00 = madd(x, b0, c00)
      c01 = madd(x, b1, c01)
      x = v128.load32_splat(pa, 4)
      c10 = madd(x, b0, c10)
      c11 = madd(x, b1, c11)
      x = v128.load32_splat(pa, 8)
      c20 = madd(x, b0, c20)
      c21 = madd(x, b1, c21)
      x = v128.load32_splat(pa, 12)
      c30 = madd(x, b0, c30)
      c31 = madd(x, b1, c31)
      pa += MR * 4
      pb += NR * 4
    }
  }
  // C's old values, or (first) +0 in their place: C & 0 is +0 whatever C holds (even NaN), and +0 + sum is
  // what gemm computes into a zero-filled C, the same bits (a −0 sum included: it gives +0)
  const keep = first ? i32x4.splat(0) : i32x4.splat(-1)
  if (rows == MR && cols == NR && ccs == 1) {
    const step = <usize>(crs << 2)
    let row = c
    v128.store(row, f32x4.add(v128.and(v128.load(row), keep), c00))
    v128.store(row, f32x4.add(v128.and(v128.load(row, 16), keep), c01), 16)
    row += step
    v128.store(row, f32x4.add(v128.and(v128.load(row), keep), c10))
    v128.store(row, f32x4.add(v128.and(v128.load(row, 16), keep), c11), 16)
    row += step
    v128.store(row, f32x4.add(v128.and(v128.load(row), keep), c20))
    v128.store(row, f32x4.add(v128.and(v128.load(row, 16), keep), c21), 16)
    row += step
    v128.store(row, f32x4.add(v128.and(v128.load(row), keep), c30))
    v128.store(row, f32x4.add(v128.and(v128.load(row, 16), keep), c31), 16)
    return
  }
  const e = edgeTile()
  v128.store(e, c00)
  v128.store(e, c01, 16)
  v128.store(e, c10, 32)
  v128.store(e, c11, 48)
  v128.store(e, c20, 64)
  v128.store(e, c21, 80)
  v128.store(e, c30, 96)
  v128.store(e, c31, 112)
  for (let i = 0; i < rows; i++) {
    const row = at(c, i * crs)
    for (let j = 0; j < cols; j++) {
      const to = at(row, j * ccs)
      const old = select<f32>(0, load<f32>(to), first)
      store<f32>(to, old + load<f32>(e + <usize>((i * NR + j) << 2)))
    }
  }
}
