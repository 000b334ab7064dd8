/**
 * The reduction family's loops: a {@link Block} reduces one contiguous run, {@link reduceRows} runs
 * one over each row, and the column sums reduce a contiguous input over its outer and inner axes in
 * place. Float32 rows and column sums big enough (see `reducePays` and `columnsPay` in the registry)
 * run on the Wasm kernels of the elementwise module instead, with the same results bit for bit
 * except row sums (four float64 lanes: possibly one float32 bit off).
 * @module
 */
import type { Storage } from '../../dtype.js'
import { elementwiseKernels, reducePays } from '../registry.js'

/** Reduces `length` elements of `data` from `start` to one number. @internal */
export type Block = (data: Storage, start: number, length: number) => number

/**
 * Reduces the data `x[outer][count][inner]` over its first and last axes into `out[count]`, adding
 * each column's elements in the order a {@link Block} over the transposed copy would (outer index,
 * then inner). Each `x[a]` is a contiguous slab of `count · inner` elements from `start + a · slab`;
 * slabs follow one another (`slab` = `count · inner`) when the whole input is contiguous.
 */
export type Columns = (
  data: Storage,
  start: number,
  outer: number,
  count: number,
  inner: number,
  out: Storage,
  slab: number,
) => void

/**
 * out[o] = `block` over row o of `data` (`count` rows of `length`, one after another from 0), or
 * the Wasm kernel of reduction `code` (a `REDUCE` code; its result divided by `divisor`) when the
 * registry says it runs. @internal
 */
export function reduceRows(
  block: Block,
  code: number | undefined,
  data: Storage,
  count: number,
  length: number,
  out: Storage,
  divisor: number,
): void {
  if (code !== undefined && elementwiseKernels()?.reduceRows(code, data, 0, count, length, out, divisor)) return
  for (let o = 0; o < count; o++) out[o] = block(data, o * length, length)
}

/** Floats of the Wasm reduction's chunk (`CHUNK` of `../elementwise/wasm.ts`, not imported: it would bring the module's bytes). */
const ROW_CHUNK = 16384

/**
 * {@link reduceRows} over rows that lie anywhere in `data`: row o is the `length` elements from
 * `starts[o]`. When the Wasm kernel would take all `starts.length` rows in one call it takes each row
 * alone, with the same bits (a row's result does not depend on its neighbours); a row too short for
 * it alone (`reducePays(1, length)`) returns false, having written nothing, so the caller reads the
 * rows through a copy instead. @internal
 */
export function reduceRowsAt(
  block: Block,
  code: number | undefined,
  data: Storage,
  starts: Int32Array,
  length: number,
  out: Storage,
  divisor: number,
): boolean {
  const count = starts.length
  const kernels = code === undefined || !(data instanceof Float32Array) ? null : elementwiseKernels()
  if (kernels !== null && reducePays(count, length)) {
    // a row longer than the kernel's chunk is summed in parts or whole depending on whether it lies in
    // the Wasm memory: only rows of one chunk give the copy's bits wherever the two lie
    if (!reducePays(1, length) || length > ROW_CHUNK) return false
    for (let o = 0; o < count; o++)
      kernels.reduceRows(code!, data, starts[o]!, 1, length, out.subarray(o, o + 1), divisor)
    return true
  }
  for (let o = 0; o < count; o++) out[o] = block(data, starts[o]!, length)
  return true
}

export const sumBlock: Block = (d, s, n) => {
  let acc = 0
  for (let i = s; i < s + n; i++) acc += d[i]!
  return acc
}
/** Column sums in float64, each adding its elements in order, as sumBlock does; divided by `divisor`. */
function sumColumns(
  d: Storage,
  start: number,
  outer: number,
  count: number,
  inner: number,
  out: Storage,
  divisor: number,
  slab: number,
): void {
  // the Wasm kernel adds each column in the same order, in float64: the same bits, for slabs one after another
  const next = slab === count * inner
  if (inner === 1 && next && elementwiseKernels()?.sumColumns(d, start, outer, count, out, divisor)) return
  if (inner > 1) {
    sumRuns(d, start, outer, count, inner, out, divisor, slab)
    return
  }
  const acc = new Float64Array(count)
  for (let a = 0; a < outer; a++) {
    const base = start + a * slab
    for (let j = 0; j < count; j++) acc[j] = acc[j]! + d[base + j]!
  }
  for (let j = 0; j < count; j++) out[j] = acc[j]! / divisor
}

/**
 * {@link sumColumns} for inner > 1: column j adds its runs `x[a][j][0..inner)` for a = 0, 1, … in
 * order, as before, but four columns go at once in four accumulators, so the additions of one
 * column no longer wait on each other's latency alone (each column's sum is the same float64
 * sequence, so the same bits).
 */
function sumRuns(
  d: Storage,
  start: number,
  outer: number,
  count: number,
  inner: number,
  out: Storage,
  divisor: number,
  slab: number,
): void {
  let j = 0
  for (; j + 4 <= count; j += 4) {
    let s0 = 0
    let s1 = 0
    let s2 = 0
    let s3 = 0
    for (let a = 0; a < outer; a++) {
      const p = start + a * slab + j * inner
      for (let i = p, end = p + inner; i < end; i++) {
        s0 += d[i]!
        s1 += d[i + inner]!
        s2 += d[i + 2 * inner]!
        s3 += d[i + 3 * inner]!
      }
    }
    out[j] = s0 / divisor
    out[j + 1] = s1 / divisor
    out[j + 2] = s2 / divisor
    out[j + 3] = s3 / divisor
  }
  for (; j < count; j++) {
    let s = 0
    for (let a = 0; a < outer; a++) {
      const p = start + a * slab + j * inner
      for (let i = p, end = p + inner; i < end; i++) s += d[i]!
    }
    out[j] = s / divisor
  }
}
export const sumRows: Columns = (d, start, outer, count, inner, out, slab) =>
  sumColumns(d, start, outer, count, inner, out, 1, slab)
export const meanRows: Columns = (d, start, outer, count, inner, out, slab) =>
  sumColumns(d, start, outer, count, inner, out, outer * inner, slab)
export const prodBlock: Block = (d, s, n) => {
  let acc = 1
  for (let i = s; i < s + n; i++) acc *= d[i]!
  return acc
}
export const maxBlock: Block = (d, s, n) => {
  let m = -Infinity
  for (let i = s; i < s + n; i++) {
    const v = d[i]!
    if (v > m || v !== v) m = v
    if (m !== m) return m
  }
  return m
}
export const minBlock: Block = (d, s, n) => {
  let m = Infinity
  for (let i = s; i < s + n; i++) {
    const v = d[i]!
    if (v < m || v !== v) m = v
    if (m !== m) return m
  }
  return m
}
