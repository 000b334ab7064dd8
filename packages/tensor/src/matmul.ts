import { boolean, readOptions, show, withDefault } from '@gd/check'
import { tensorArg } from './internal/args.js'
import { allocate, type DType } from './dtype.js'
import { gemmBatchOf, overwritingGemm, overwritingOf } from './kernels/gemm/overwrite.js'
import type { WasmGemmKernel } from './kernels/gemm/wasm.js'
import { allocateUnfilled } from './kernels/runtime/owner.js'
import { kernel } from './internal/trace.js'
import { kernels, type FloatArray } from './seam.js'
import { checkShape, formatList, sizeOf, stridesOf } from './shape.js'
import { forReplay, Tensor } from './tensor.js'

/**
 * Options of {@link matmul}.
 *
 * @example
 * ```ts
 * import { matmul, zeros } from '@gd/tensor'
 * matmul(zeros([3, 2]), zeros([3, 4]), { transposeA: true }).shape // [2, 4]
 * ```
 */
export interface MatmulOptions {
  /** Use the transpose of `a`'s last two dimensions (ignored for a 1-D `a`). Default false. */
  transposeA?: boolean
  /** Use the transpose of `b`'s last two dimensions (ignored for a 1-D `b`). Default false. */
  transposeB?: boolean
}

/**
 * The float dtypes the compute kernels run in.
 *
 * @example
 * ```ts
 * import type { FloatDType } from '@gd/tensor'
 * const dtype: FloatDType = 'float64'
 * ```
 */
export type FloatDType = 'float32' | 'float64'

/**
 * Checks that two operands share a float dtype. int32 and bool are refused rather than promoted
 * silently: convert them first (integer matmul would round differently anyway).
 *
 * @throws Error `op: dtypes differ: float32 and float64`, or `op: dtype must be float32 or float64, got int32`.
 * @example
 * ```ts
 * import { checkFloatPair } from '@gd/tensor/internal'
 * checkFloatPair('conv2d', 'float64', 'float64') // 'float64'
 * checkFloatPair('conv2d', 'float32', 'float64') // throws "conv2d: dtypes differ: float32 and float64"
 * ```
 */
export function checkFloatPair(op: string, a: DType, b: DType): FloatDType {
  for (const d of [a, b]) {
    if (d !== 'float32' && d !== 'float64')
      throw new Error(`${op}: dtype must be float32 or float64, got ${typeof d === 'string' ? d : show(d)}`)
  }
  if (a !== b) throw new Error(`${op}: dtypes differ: ${a} and ${b}`)
  return a as FloatDType
}

/**
 * `kernels.gemm` as the package set it up (the Wasm/JavaScript dispatcher), read once at load: while it is
 * still the one in use, a float32 product that dispatcher would send to the Wasm gemm runs there in
 * overwrite mode (`C = A · B`, the same bits), so its result needs no zero-fill. A replacement keeps that
 * mode only if it carries an overwrite entry (`overwriting`, see `kernels/gemm/overwrite.ts`), as
 * `@gd/tensor/threads`' kernel does; any other replacement adds into a zero-filled result.
 */
const builtInGemm = /* @__PURE__ */ gemmOf(kernels)

function gemmOf(k: typeof kernels): typeof kernels.gemm {
  return k.gemm
}

/** The options {@link matmul} reads, made once rather than on every call. */
const matmulSpec = { transposeA: withDefault(boolean, false), transposeB: withDefault(boolean, false) }

/** A stack of matrices read through strides: batch dims, then rows × cols. */
interface Operand {
  batch: readonly number[]
  batchStrides: readonly number[]
  rows: number
  cols: number
  rowStride: number
  colStride: number
}

/** The batch of a vector or a single matrix (shared: never written). */
const NO_BATCH: readonly number[] = []

function operand(t: Tensor, transpose: boolean, vectorAs: 'row' | 'col'): Operand {
  const r = t.rank
  const shape = t.shape
  const strides = t.strides
  if (r === 1) {
    const n = shape[0]!
    const s = strides[0]!
    return vectorAs === 'row'
      ? { batch: NO_BATCH, batchStrides: NO_BATCH, rows: 1, cols: n, rowStride: 0, colStride: s }
      : { batch: NO_BATCH, batchStrides: NO_BATCH, rows: n, cols: 1, rowStride: s, colStride: 0 }
  }
  const rows = shape[r - 2]!
  const cols = shape[r - 1]!
  const rs = strides[r - 2]!
  const cs = strides[r - 1]!
  const batch = r === 2 ? NO_BATCH : shape.slice(0, r - 2)
  const batchStrides = r === 2 ? NO_BATCH : strides.slice(0, r - 2)
  return transpose
    ? { batch, batchStrides, rows: cols, cols: rows, rowStride: cs, colStride: rs }
    : { batch, batchStrides, rows, cols, rowStride: rs, colStride: cs }
}

/**
 * Matrix product with NumPy semantics: `C[..., i, j] = Σ_p A[..., i, p] · B[..., p, j]`.
 *
 * - Dimensions before the last two are batch dimensions and broadcast as in NumPy
 *   (`[2, 1, m, k] x [5, k, n]` gives `[2, 5, m, n]`).
 * - A 1-D `a` is a row vector `[1, k]` and a 1-D `b` a column vector `[k, 1]`; the added dimension
 *   is removed from the result (so vector · vector gives a scalar).
 * - `transposeA` / `transposeB` multiply by the transpose of the last two dimensions without
 *   copying it, and so does passing a transposed view (any strides are read as they are). Both run
 *   at the speed of the plain product.
 * - float32 and float64 only, and both operands the same dtype (see {@link checkFloatPair}).
 *
 * The loops run through `kernels.gemm` (see `useKernels`).
 *
 * @throws Error for a rank-0 operand, non-float or mismatched dtypes, inner dimensions that differ
 *   (`matmul: inner dimensions differ: [2,3] x [4,5]`; a transposed operand is shown with `^T`),
 *   or batch dimensions that do not broadcast.
 * @example
 * ```ts
 * import { matmul, tensor } from '@gd/tensor'
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])).toArray() // [[19, 22], [43, 50]]
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]]), { transposeB: true }).toArray() // [[17, 23], [39, 53]]
 * matmul(tensor([1, 2]), tensor([3, 4])).item() // 11
 * ```
 */
export function matmul<D extends DType>(a: Tensor<D>, b: Tensor<D>, options: MatmulOptions = {}): Tensor<D> {
  tensorArg('matmul', 'a', a)
  tensorArg('matmul', 'b', b)
  const { transposeA, transposeB } = readOptions('matmul', options, matmulSpec)
  return product(a, b, transposeA, transposeB)
}

/**
 * {@link matmul} with its options already read, as two flags: for a caller that has read them itself
 * (@gd/autograd's `matmul`, once a call instead of twice). Checks the operands and that each flag is a
 * boolean, then gives exactly what `matmul(a, b, { transposeA, transposeB })` gives, messages included.
 *
 * @throws Error `matmul: transposeA must be a boolean, got 1`, and whatever {@link matmul} throws for its operands.
 * @example
 * ```ts
 * import { tensor } from '@gd/tensor'
 * import { matmulFlags } from '@gd/tensor/internal'
 * matmulFlags(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]]), false, true).toArray() // [[17, 23], [39, 53]]
 * ```
 */
export function matmulFlags<D extends DType>(
  a: Tensor<D>,
  b: Tensor<D>,
  transposeA: boolean,
  transposeB: boolean,
): Tensor<D> {
  tensorArg('matmul', 'a', a)
  tensorArg('matmul', 'b', b)
  boolean('matmul', 'transposeA', transposeA)
  boolean('matmul', 'transposeB', transposeB)
  return product(a, b, transposeA, transposeB)
}

/** The product itself, for checked tensors and flags. */
function product<D extends DType>(a: Tensor<D>, b: Tensor<D>, transposeA: boolean, transposeB: boolean): Tensor<D> {
  if (a.rank === 0 || b.rank === 0) {
    throw new Error(
      `matmul: operands must have rank >= 1, got shapes ${formatList(a.shape)} and ${formatList(b.shape)}`,
    )
  }
  const dtype = checkFloatPair('matmul', a.dtype, b.dtype)
  const A = operand(a, transposeA && a.rank > 1, 'row')
  const B = operand(b, transposeB && b.rank > 1, 'col')
  if (A.cols !== B.rows) {
    const t = (flag: boolean, x: Tensor): string => (flag && x.rank > 1 ? '^T' : '')
    throw new Error(
      `matmul: inner dimensions differ: ${formatList(a.shape)}${t(transposeA, a)} x ${formatList(b.shape)}${t(transposeB, b)}`,
    )
  }
  const batch = broadcastBatch(a, b, A.batch, B.batch)
  const m = A.rows
  const n = B.cols
  const k = A.cols
  checkShape('matmul', [...batch, m, n], 'result shape')
  const aStrides = alignStrides(A, batch)
  const bStrides = alignStrides(B, batch)
  const count = sizeOf(batch)
  const fold = B.batch.every((d) => d === 1) && canFoldRows(A, m)
  // The Wasm gemm in overwrite mode (the default's, or what the installed gemm's overwrite entry hands
  // out) writes every element of each product's m × n block, and the products below tile `out` exactly
  // (one of count·m rows, or count of m rows): no zero-fill needed
  const gemm = kernels.gemm
  const rows = fold ? count * m : m
  const wasm =
    dtype !== 'float32' ? null : gemm === builtInGemm ? overwritingGemm(rows, n, k) : overwritingOf(gemm, rows, n, k)
  const out = wasm !== null ? allocateUnfilled(count * m * n) : allocate(dtype, count * m * n)
  // the Wasm gemm is called directly with its overwrite flag (no closure spreading the arguments)
  const ars = A.rowStride
  const acs = A.colStride
  const brs = B.rowStride
  const bcs = B.colStride
  // (a trace keeps the call with the operands' own views: see internal/trace.ts)
  const dims = batch.slice() // (batch becomes the result's shape below)
  const at = forReplay(a)
  const bt = forReplay(b)
  kernel(
    out,
    () => {
      // (the operands' arrays read here, at each call: a replay may have pointed an input's view at another)
      const sa = at.storage as FloatArray
      const sb = bt.storage as FloatArray
      if (fold) {
        // Every matrix of A uses the same B and A's rows are evenly spaced across the batch:
        // one tall product instead of many small ones (the common `[batch, ..., in] x [in, out]`).
        if (wasm !== null) wasm(rows, n, k, sa, a.offset, ars, acs, sb, b.offset, brs, bcs, out, 0, n, true)
        else gemm(rows, n, k, sa, a.offset, ars, acs, sb, b.offset, brs, bcs, out, 0, n)
      } else if (wasm === null || !stacked(wasm, dims, aStrides, bStrides, m, n, k, at, A, bt, B, out as FloatArray)) {
        const index = new Array<number>(dims.length).fill(0)
        for (let i = 0; i < count; i++) {
          let ao = a.offset
          let bo = b.offset
          for (let d = 0; d < dims.length; d++) {
            ao += index[d]! * aStrides[d]!
            bo += index[d]! * bStrides[d]!
          }
          if (wasm !== null) wasm(m, n, k, sa, ao, ars, acs, sb, bo, brs, bcs, out, i * m * n, n, true)
          else gemm(m, n, k, sa, ao, ars, acs, sb, bo, brs, bcs, out, i * m * n, n)
          for (let d = dims.length - 1; d >= 0 && ++index[d]! === dims[d]; d--) index[d] = 0
        }
      }
    },
    wasm !== null,
  )
  const shape = batch // the result's shape: batch dims, then m unless a is 1-D, then n unless b is 1-D
  if (a.rank > 1) shape.push(m)
  if (b.rank > 1) shape.push(n)
  return new Tensor(out as Tensor<D>['storage'], shape, a.dtype)
}

function broadcastBatch(a: Tensor, b: Tensor, x: readonly number[], y: readonly number[]): number[] {
  const rank = Math.max(x.length, y.length)
  const out: number[] = []
  // a shorter batch's missing leading dimensions read as 1, without a negative index (a slow lookup in V8)
  const lx = rank - x.length
  const ly = rank - y.length
  for (let i = 0; i < rank; i++) {
    const dx = i < lx ? 1 : x[i - lx]!
    const dy = i < ly ? 1 : y[i - ly]!
    if (dx !== dy && dx !== 1 && dy !== 1) {
      throw new Error(`matmul: batch dimensions do not broadcast: ${formatList(a.shape)} x ${formatList(b.shape)}`)
    }
    out.push(dx === 1 ? dy : dx)
  }
  return out
}

/**
 * Runs the matrices of a batched product on the Wasm gemm in overwrite mode in one call instead of one per
 * matrix: batch dimensions whose strides nest in A and B merge (C is contiguous), and at most two may remain
 * (attention's [batch, heads] over a [batch, time, heads, d] layout is two). False, having done nothing, when
 * more remain, the kernel has no batched form (a threaded one: each product is split instead) or it does not
 * take the call (an operand not in Wasm memory).
 */
function stacked(
  wasm: WasmGemmKernel,
  batch: readonly number[],
  aStrides: readonly number[],
  bStrides: readonly number[],
  m: number,
  n: number,
  k: number,
  a: Tensor,
  A: Operand,
  b: Tensor,
  B: Operand,
  out: FloatArray,
): boolean {
  const run = gemmBatchOf(wasm)
  if (run === null) return false
  // the merged dimensions, innermost first: size, then the strides of A, B and C along it
  const s = [1, 1]
  const as = [0, 0]
  const bs = [0, 0]
  const cs = [0, 0]
  let dims = 0
  let c = m * n
  for (let d = batch.length - 1; d >= 0; d--) {
    const size = batch[d]!
    if (size === 1) continue
    const i = dims - 1
    if (i >= 0 && aStrides[d] === as[i]! * s[i]! && bStrides[d] === bs[i]! * s[i]!) s[i] = s[i]! * size
    else if (dims === 2) return false
    else [s[dims], as[dims], bs[dims], cs[dims++]] = [size, aStrides[d]!, bStrides[d]!, c]
    c *= size
  }
  const [sa, sb] = [a.storage as FloatArray, b.storage as FloatArray]
  const [ars, acs, brs, bcs] = [A.rowStride, A.colStride, B.rowStride, B.colStride]
  return run(
    s[1]!,
    s[0]!,
    m,
    n,
    k,
    sa,
    a.offset,
    ars,
    acs,
    as[1]!,
    as[0]!,
    sb,
    b.offset,
    brs,
    bcs,
    bs[1]!,
    bs[0]!,
    out,
    0,
    n,
    cs[1]!,
    cs[0]!,
    true,
  )
}

/** Batch strides of an operand aligned to the broadcast batch shape (0 where it broadcasts). */
function alignStrides(op: Operand, batch: readonly number[]): number[] {
  const lead = batch.length - op.batch.length
  return batch.map((_, i) => (i < lead || op.batch[i - lead] === 1 ? 0 : op.batchStrides[i - lead]!))
}

/** True when A's rows across all batch matrices sit at `offset + r * rowStride` for r = 0..count*m. */
function canFoldRows(A: Operand, m: number): boolean {
  if (A.batch.length === 0) return true
  const expected = stridesOf([...A.batch, m]).map((s) => s * A.rowStride)
  return A.batch.every((d, i) => d === 1 || A.batchStrides[i] === expected[i])
}

/**
 * Inner product of two 1-D tensors of the same length and dtype: `Σ_i a_i · b_i`, as a scalar tensor.
 *
 * @throws Error when an operand is not 1-D (`dot: operands must be 1-D, got shapes [2,2] and [2]`),
 *   the lengths differ, or the dtypes are not the same float dtype.
 * @example
 * ```ts
 * import { dot, tensor } from '@gd/tensor'
 * dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item() // 32
 * ```
 */
export function dot<D extends DType>(a: Tensor<D>, b: Tensor<D>): Tensor<D> {
  tensorArg('dot', 'a', a)
  tensorArg('dot', 'b', b)
  if (a.rank !== 1 || b.rank !== 1) {
    throw new Error(`dot: operands must be 1-D, got shapes ${formatList(a.shape)} and ${formatList(b.shape)}`)
  }
  const dtype = checkFloatPair('dot', a.dtype, b.dtype)
  if (a.size !== b.size) throw new Error(`dot: lengths differ: ${formatList(a.shape)} and ${formatList(b.shape)}`)
  let sum = 0
  for (let i = 0, ia = a.offset, ib = b.offset; i < a.size; i++, ia += a.strides[0]!, ib += b.strides[0]!) {
    sum += a.storage[ia]! * b.storage[ib]!
  }
  const out = allocate(dtype, 1)
  out[0] = sum
  return new Tensor(out as Tensor<D>['storage'], [], a.dtype)
}

/**
 * Outer product of two 1-D tensors: `C[i, j] = a_i · b_j`, shape `[a.size, b.size]`.
 *
 * @throws Error when an operand is not 1-D, or the dtypes are not the same float dtype.
 * @example
 * ```ts
 * import { outer, tensor } from '@gd/tensor'
 * outer(tensor([1, 2]), tensor([3, 4, 5])).toArray() // [[3, 4, 5], [6, 8, 10]]
 * ```
 */
export function outer<D extends DType>(a: Tensor<D>, b: Tensor<D>): Tensor<D> {
  tensorArg('outer', 'a', a)
  tensorArg('outer', 'b', b)
  if (a.rank !== 1 || b.rank !== 1) {
    throw new Error(`outer: operands must be 1-D, got shapes ${formatList(a.shape)} and ${formatList(b.shape)}`)
  }
  const dtype = checkFloatPair('outer', a.dtype, b.dtype)
  const [m, n] = [a.size, b.size]
  checkShape('outer', [m, n], 'result shape')
  const out = allocate(dtype, m * n)
  for (let i = 0; i < m; i++) {
    const ai = a.storage[a.offset + i * a.strides[0]!]!
    for (let j = 0; j < n; j++) out[i * n + j] = ai * b.storage[b.offset + j * b.strides[0]!]!
  }
  return new Tensor(out as Tensor<D>['storage'], [m, n], a.dtype)
}
