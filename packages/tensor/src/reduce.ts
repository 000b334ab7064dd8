import { allocate, type DType, type Storage } from './dtype.js'
import {
  axes as axesCheck,
  axis as axisCheck,
  boolean,
  isPlainObject,
  nonNegative,
  optional,
  readOptions,
  rule,
  withDefault,
  type Check,
} from '@gd/check'
import { tensorArg } from './internal/args.js'
import { axesQuickly, formatList } from './shape.js'
import { forReplay, Tensor } from './tensor.js'
import { kernel } from './internal/trace.js'
import { transpose } from './view.js'
import { REDUCE } from './kernels/elementwise/ops.generated.js'
import {
  maxBlock,
  meanRows,
  minBlock,
  prodBlock,
  reduceRows,
  reduceRowsAt,
  sumBlock,
  sumRows,
  type Block,
  type Columns,
} from './kernels/reduction/loops.js'

/** Options for reductions. */
export interface ReduceOptions {
  /** Axis or axes to reduce (negative counts from the end); all axes when omitted. */
  axis?: number | readonly number[]
  /** Keep reduced axes as size-1 dimensions, so the result broadcasts against the input. */
  keepdims?: boolean
}

/** Reduction options once read: axes normalized (all when undefined). */
interface Read {
  axis: number[] | undefined
  keepdims: boolean
}

/**
 * Checks `x` and reads the options of reduction `op`: `axis` (one or several, checked against the
 * rank), `keepdims`, and the op's own options in `more`.
 */
function read<M extends Record<string, Check<unknown>>>(op: string, x: Tensor, options: unknown, more?: M) {
  tensorArg(op, 'x', x)
  const spec = more === undefined ? specOf(x.rank) : { ...specOf(x.rank), ...more }
  return readOptions(op, options, spec as ReturnType<typeof specOf> & M)
}

/** {@link read} for a reduction without options of its own: valid options are read by {@link readQuickly}. */
function readAxes(op: string, x: Tensor, options: unknown): Read {
  tensorArg(op, 'x', x)
  return readQuickly(x.rank, options) ?? readOptions(op, options, specOf(x.rank))
}

/**
 * What {@link read} gives for valid `axis` and `keepdims` options, read with plain loops (the shared checks
 * build a key string and closures per axis: a third of a small sum's time, and autograd sums every broadcast
 * gradient back); null for anything else (unknown or invalid options, a repeated axis), which then goes
 * through `readOptions` and throws its message.
 */
function readQuickly(rank: number, options: unknown): Read | null {
  if (options === undefined || options === null) return { axis: undefined, keepdims: false }
  if (!isPlainObject(options)) return null
  // (for…in lists the own keys readOptions checks, and any enumerable inherited one, which also falls back)
  for (const key in options) if (key !== 'axis' && key !== 'keepdims') return null
  const { axis, keepdims = false } = options as { axis?: unknown; keepdims?: unknown }
  const axes = axis === undefined ? undefined : axesQuickly(axis, rank)
  return axes === null || typeof keepdims !== 'boolean' ? null : { axis: axes, keepdims }
}

/** The axis check and the options' spec for each rank, made once (reductions run often on small tensors). */
const axesCache: Check<number[] | undefined>[] = []
const axesOf = (rank: number): Check<number[] | undefined> => (axesCache[rank] ??= optional(axesCheck(rank)))
const keepdimsCheck = /* @__PURE__ */ withDefault(boolean, false)
const specCache: { axis: Check<number[] | undefined>; keepdims: Check<boolean> }[] = []
const specOf = (rank: number) => (specCache[rank] ??= { axis: axesOf(rank), keepdims: keepdimsCheck })

/** One reduction for {@link reduceWith}: its name, its options as read, its result dtype and its loops. */
interface Reduction {
  /** The op's name; `mean` divides each block's result by the reduced length. */
  op: string
  /** The axes to reduce (all when undefined) and `keepdims`, as {@link read} returns them. */
  read: Read
  /** The result's dtype. */
  dtype: DType
  /** Reduces one contiguous run of the data: `block(data, start, length)`. */
  block: Block
  /** Reduces contiguous columns in place (sum and mean), used when the kept axes come after reduced ones. */
  columns?: Columns
  /** The Wasm row reduction's code (`REDUCE.sum`, `REDUCE.max`, `REDUCE.min`) when the op has one. */
  code?: number
}

/** [0, 1, …, rank − 1]. */
function allAxes(rank: number): number[] {
  const axes: number[] = []
  for (let i = 0; i < rank; i++) axes.push(i)
  return axes
}

/** Whether the kept axes then the reduced ones are 0, 1, 2, … (the data's own order). */
function inRowOrder(kept: readonly number[], axes: readonly number[]): boolean {
  for (let i = 0; i < kept.length; i++) if (kept[i] !== i) return false
  for (let i = 0; i < axes.length; i++) if (axes[i] !== kept.length + i) return false
  return true
}

/**
 * Reduces blocks of `t`: the kept axes move to the front and the reduced ones to the back, so each
 * output element reduces one contiguous run of the (possibly copied) data. With `columns`, a
 * contiguous input whose kept axes are adjacent (a bias gradient summed over the batch, or over
 * batch, height and width of NCHW) is reduced in place instead of through a transposed copy.
 */
function reduceWith(t: Tensor, { op, read: options, dtype, block, columns, code }: Reduction): Tensor {
  // plain loops: this runs for every reduction, most of them small
  const rank = t.rank
  const axes = options.axis ?? allAxes(rank)
  const kept: number[] = []
  const shape: number[] = []
  let length = 1
  let keptSize = 1
  for (let i = 0; i < rank; i++) {
    const d = t.shape[i]!
    if (axes.includes(i)) {
      length *= d
      if (options.keepdims === true) shape.push(1)
    } else {
      kept.push(i)
      keptSize *= d
      shape.push(d)
    }
  }
  const count = length === 0 ? keptSize : t.size / length
  const out = allocate(dtype, count)
  // Kept axes in one run after at least one reduced axis (with none kept first, the data is already in row order).
  let outer = 1
  for (let i = 0; i < (kept[0] ?? 0); i++) outer *= t.shape[i]!
  const adjacent = outer > 1 && kept.every((k, i) => k === kept[0]! + i)
  const slab = columns !== undefined && adjacent && length > 0 ? slabStride(t, kept[0]!) : -1
  // (a trace keeps each path's call with t's own view: see internal/trace.ts)
  const x = forReplay(t)
  if (slab >= 0) {
    kernel(out, () => columns!(x.storage, x.offset, outer, count, length / outer, out, slab))
    return new Tensor(out, shape, dtype)
  }
  const divisor = op === 'mean' ? length : 1
  // Reduced axes that trail, each row of them contiguous (the last axis of a slice of columns or of a
  // head view): rows reduced where they lie, when that gives the bits of the transposed copy's rows.
  const first = t.rank - axes.length
  if (length > 0 && first > 0 && !t.isContiguous && axes.every((a, i) => a === first + i) && contiguousFrom(t, first)) {
    const starts = rowStarts(t, first, count)
    if (kernel(out, () => reduceRowsAt(block, code, x.storage, starts, length, out, divisor))) {
      return new Tensor(out, shape, dtype)
    }
  }
  // reduced axes already trailing in order: the data is in row order as it is (no transposed view)
  const order = axes.length === 0 || inRowOrder(kept, axes) ? null : [...kept, ...axes]
  kernel(out, () =>
    reduceRows(block, code, (order === null ? x : transpose(x, order)).data, count, length, out, divisor),
  )
  return new Tensor(out, shape, dtype)
}

/** Whether the axes from `first` on are laid out row-major with no gaps (size-1 axes may have any stride). */
function contiguousFrom(t: Tensor, first: number): boolean {
  let expected = 1
  for (let d = t.rank - 1; d >= first; d--) {
    if (t.shape[d] !== 1 && t.strides[d] !== expected) return false
    expected *= t.shape[d]!
  }
  return true
}

/** Where each of the `count` rows over the axes before `first` starts in storage, in row-major order. */
function rowStarts(t: Tensor, first: number, count: number): Int32Array {
  const starts = new Int32Array(count)
  const index = new Array<number>(first).fill(0)
  let at = t.offset
  for (let r = 0; r < count; r++) {
    starts[r] = at
    for (let d = first - 1; d >= 0; d--) {
      index[d]!++
      at += t.strides[d]!
      if (index[d]! < t.shape[d]!) break
      at -= t.strides[d]! * t.shape[d]!
      index[d] = 0
    }
  }
  return starts
}

/**
 * For the columns path: the storage step from one slab `t[a]` (the axes from `first` on) to the next,
 * when each slab is contiguous and the axes before `first` step through the slabs as one axis (a
 * contiguous tensor, or a slice of whole rows or of leading columns: each row a slab); else -1, and
 * the data is read through a transposed copy.
 */
function slabStride(t: Tensor, first: number): number {
  if (!contiguousFrom(t, first)) return -1
  let expected = 1
  for (let d = first; d < t.rank; d++) expected *= t.shape[d]!
  let slab = -1
  for (let d = first - 1; d >= 0; d--) {
    const n = t.shape[d]!
    if (n === 1) continue
    if (slab < 0) slab = t.strides[d]!
    else if (t.strides[d] !== expected) return -1
    expected = t.strides[d]! * n
  }
  return slab
}

const integral = (t: Tensor): DType => (t.dtype === 'bool' ? 'int32' : t.dtype)
const floating = (t: Tensor): DType => (t.dtype === 'float64' ? 'float64' : 'float32')

/**
 * Σ x over the given axes. bool counts as int32.
 * @example
 * ```ts
 * import { sum, tensor } from '@gd/tensor'
 * sum(tensor([[1, 2], [3, 4]])).item() // 10
 * sum(tensor([[1, 2], [3, 4]]), { axis: 1 }).toArray() // [3, 7]
 * sum(tensor([[1, 2], [3, 4]]), { axis: 0, keepdims: true }).toArray() // [[4, 6]]
 * ```
 */
export const sum = (x: Tensor, options: ReduceOptions = {}): Tensor =>
  reduceWith(x, {
    op: 'sum',
    read: readAxes('sum', x, options),
    dtype: integral(x),
    block: sumBlock,
    columns: sumRows,
    code: REDUCE.sum,
  })

/**
 * Π x over the given axes.
 * @example
 * ```ts
 * import { prod, tensor } from '@gd/tensor'
 * prod(tensor([2, 3, 4])).item() // 24
 * ```
 */
export const prod = (x: Tensor, options: ReduceOptions = {}): Tensor =>
  reduceWith(x, { op: 'prod', read: readAxes('prod', x, options), dtype: integral(x), block: prodBlock })

/**
 * The arithmetic mean over the given axes (float result; NaN for an empty reduction).
 * @example
 * ```ts
 * import { mean, tensor } from '@gd/tensor'
 * mean(tensor([[1, 2], [3, 4]]), { axis: 0 }).toArray() // [2, 3]
 * ```
 */
export const mean = (x: Tensor, options: ReduceOptions = {}): Tensor =>
  reduceWith(x, {
    op: 'mean',
    read: readAxes('mean', x, options),
    dtype: floating(x),
    block: meanBlock,
    columns: meanRows,
    code: REDUCE.sum,
  })

/** A run's mean (made once: a closure made per call is renamed with a defineProperty in a source run through tsx). */
const meanBlock: Block = (d, s, n) => sumBlock(d, s, n) / n

/**
 * The largest element over the given axes (NaN if any is NaN).
 * @throws Error when reducing an empty axis (there is no maximum of nothing).
 * @example
 * ```ts
 * import { max, tensor } from '@gd/tensor'
 * max(tensor([[1, 5], [3, 2]]), { axis: 1 }).toArray() // [5, 3]
 * ```
 */
export const max = (x: Tensor, options: ReduceOptions = {}): Tensor =>
  reduceWith(x, {
    op: 'max',
    read: readAxes('max', x, options),
    dtype: x.dtype,
    block: nonEmpty('max', x, maxBlock),
    code: REDUCE.max,
  })

/**
 * The smallest element over the given axes (NaN if any is NaN).
 * @throws Error when reducing an empty axis.
 * @example
 * ```ts
 * import { min, tensor } from '@gd/tensor'
 * min(tensor([[1, 5], [3, 2]]), { axis: 1 }).toArray() // [1, 2]
 * ```
 */
export const min = (x: Tensor, options: ReduceOptions = {}): Tensor =>
  reduceWith(x, {
    op: 'min',
    read: readAxes('min', x, options),
    dtype: x.dtype,
    block: nonEmpty('min', x, minBlock),
    code: REDUCE.min,
  })

function nonEmpty(op: string, x: Tensor, block: Block): Block {
  return (d, s, n) => {
    if (n === 0) throw new Error(`${op}: cannot reduce an empty axis of shape ${formatList(x.shape)}`)
    return block(d, s, n)
  }
}

/** Options for {@link variance} and {@link std}. */
export interface VarianceOptions extends ReduceOptions {
  /** Subtracted from the count in the denominator: 0 (population, the default, as NumPy and JAX) or 1 (sample, Bessel's correction, PyTorch's default). */
  correction?: number
}

/**
 * Variance Σ(x − x̄)² / (N − correction) over the given axes, computed in two passes.
 * @example
 * ```ts
 * import { tensor, variance } from '@gd/tensor'
 * variance(tensor([1, 2, 3, 4])).item() // 1.25
 * variance(tensor([1, 2, 3, 4]), { correction: 1 }).item() // 1.6666666269302368 (5/3 in float32)
 * ```
 */
export function variance(x: Tensor, options: VarianceOptions = {}): Tensor {
  return varianceOf('variance', x, options)
}

function varianceOf(op: string, x: Tensor, options: VarianceOptions): Tensor {
  const o = read(op, x, options, { correction: withDefault(nonNegative, 0) })
  const c = o.correction
  const block: Block = (d, s, n) => {
    const m = sumBlock(d, s, n) / n
    let acc = 0
    for (let i = s; i < s + n; i++) acc += (d[i]! - m) ** 2
    return acc / (n - c)
  }
  return reduceWith(x, { op, read: o, dtype: floating(x), block })
}

/**
 * Standard deviation: the square root of {@link variance}.
 * @example
 * ```ts
 * import { std, tensor } from '@gd/tensor'
 * std(tensor([1, 3])).item() // 1
 * ```
 */
export function std(x: Tensor, options: VarianceOptions = {}): Tensor {
  const v = varianceOf('std', x, options)
  for (let i = 0; i < v.storage.length; i++) v.storage[i] = Math.sqrt(v.storage[i]!)
  return v
}

/** m + log Σ exp(x − m) over one run, m its maximum (so nothing overflows). */
const logSumExpBlock: Block = (d, s, n) => {
  const m = maxBlock(d, s, n)
  if (m === -Infinity || m !== m || m === Infinity) return m
  let acc = 0
  for (let i = s; i < s + n; i++) acc += Math.exp(d[i]! - m)
  return m + Math.log(acc)
}

/**
 * log Σ exp(x) over the given axes, computed stably as m + log Σ exp(x − m) with m the maximum,
 * so large inputs do not overflow. −Infinity when every input is −Infinity.
 * @example
 * ```ts
 * import { logSumExp, tensor } from '@gd/tensor'
 * logSumExp(tensor([1000, 1000])).item() // 1000.6931... (log 2 + 1000), no overflow
 * ```
 */
export const logSumExp = (x: Tensor, options: ReduceOptions = {}): Tensor =>
  reduceWith(x, { op: 'logSumExp', read: readAxes('logSumExp', x, options), dtype: floating(x), block: logSumExpBlock })

/** Options for {@link norm}. */
export interface NormOptions extends ReduceOptions {
  /** Which vector norm: 1 (Σ|x|), 2 (√Σx², the default) or Infinity (max |x|). */
  ord?: 1 | 2 | typeof Infinity
}

/**
 * A vector norm of the elements over the given axes (all axes: the Frobenius norm for ord 2).
 * @throws Error for an unsupported `ord`.
 * @example
 * ```ts
 * import { norm, tensor } from '@gd/tensor'
 * norm(tensor([3, 4])).item() // 5
 * norm(tensor([3, -4]), { ord: 1 }).item() // 7
 * ```
 */
export function norm(x: Tensor, options: NormOptions = {}): Tensor {
  const o = read('norm', x, options, { ord: withDefault(ordCheck, 2) })
  const blocks: Record<string, Block> = {
    1: (d, s, n) => {
      let acc = 0
      for (let i = s; i < s + n; i++) acc += Math.abs(d[i]!)
      return acc
    },
    2: (d, s, n) => {
      let scale = 0
      for (let i = s; i < s + n; i++) scale = Math.max(scale, Math.abs(d[i]!))
      if (scale === 0 || !Number.isFinite(scale)) return scale
      let acc = 0
      for (let i = s; i < s + n; i++) acc += (d[i]! / scale) ** 2
      return scale * Math.sqrt(acc)
    },
    Infinity: (d, s, n) => {
      let m = 0
      for (let i = s; i < s + n; i++) m = Math.max(m, Math.abs(d[i]!))
      return m
    },
  }
  return reduceWith(x, { op: 'norm', read: o, dtype: floating(x), block: blocks[String(o.ord)]! })
}

const ordCheck = /* @__PURE__ */ rule<1 | 2 | typeof Infinity>(
  '1, 2 or Infinity',
  (v) => v === 1 || v === 2 || v === Infinity,
)

/** Options for {@link argmax} and {@link argmin}. */
export interface ArgOptions {
  /** The axis to search; the flattened tensor when omitted. */
  axis?: number
  /** Keep the searched axis as size 1. */
  keepdims?: boolean
}

function argReduce(op: string, x: Tensor, options: ArgOptions, better: (v: number, best: number) => boolean): Tensor {
  tensorArg(op, 'x', x)
  const o = readOptions(op, options, { axis: optional(axisCheck(x.rank)), keepdims: withDefault(boolean, false) })
  if (x.size === 0) throw new Error(`${op}: cannot search an empty tensor of shape ${formatList(x.shape)}`)
  const flat = o.axis === undefined
  const t = flat ? new Tensor(x.data, [x.size], x.dtype) : x
  const block: Block = (d, s, n) => {
    let best = 0
    for (let i = 1; i < n; i++) {
      const v = d[s + i]!
      const b = d[s + best]!
      if (b !== b) break
      if (better(v, b) || v !== v) best = i
    }
    return best
  }
  const searched = { axis: [o.axis ?? 0], keepdims: o.keepdims && !flat }
  const out = reduceWith(t, { op, read: searched, dtype: 'int32', block })
  return flat && o.keepdims
    ? new Tensor(
        out.storage as Int32Array,
        x.shape.map(() => 1),
        'int32',
      )
    : out
}

/**
 * Index of the largest element along `axis` (or in the flattened tensor), as int32. The first index
 * wins ties; a NaN counts as the largest.
 * @example
 * ```ts
 * import { argmax, tensor } from '@gd/tensor'
 * argmax(tensor([[1, 9, 9], [7, 2, 3]]), { axis: 1 }).toArray() // [1, 0]
 * argmax(tensor([[1, 9], [7, 2]])).item() // 1
 * ```
 */
export const argmax = (x: Tensor, options: ArgOptions = {}): Tensor => argReduce('argmax', x, options, (v, b) => v > b)

/**
 * Index of the smallest element along `axis` (or in the flattened tensor), as int32. The first index
 * wins ties; a NaN counts as the smallest.
 * @example
 * ```ts
 * import { argmin, tensor } from '@gd/tensor'
 * argmin(tensor([3, 1, 1])).item() // 1
 * ```
 */
export const argmin = (x: Tensor, options: ArgOptions = {}): Tensor => argReduce('argmin', x, options, (v, b) => v < b)
