/**
 * Indexing along one axis with an index per position: {@link takeAlongAxis} (NumPy's
 * `take_along_axis`, PyTorch's `gather`) and its adjoint {@link scatterAddAlongAxis}.
 * @module
 */
import { complaint, mustBe } from '@gd/check'
import { tensorArg } from './internal/args.js'
import { allocate, type DType, type Storage } from './dtype.js'
import { checkDtype } from './creation.js'
import { checkShape, formatList, normalizeAxis, sizeOf, stridesOf } from './shape.js'
import { forReplay, Tensor } from './tensor.js'
import { kernel } from './internal/trace.js'

/**
 * The shape of a take along `axis` from a tensor of shape `xShape` by indices of shape `iShape`:
 * equal ranks; on every other axis the sizes are equal or one of them is 1 (NumPy's rule: the
 * two broadcast against each other); on `axis` the size of the indices.
 */
function alongShape(fn: string, xName: string, xShape: readonly number[], indices: Tensor, axis: number): number[] {
  const iShape = indices.shape
  if (iShape.length !== xShape.length) {
    throw complaint(fn, 'indices', `must have the rank of ${xName} (${xShape.length})`, indices)
  }
  return xShape.map((d, k) => {
    const e = iShape[k]!
    if (k === axis || d === e || d === 1) return e
    if (e === 1) return d
    throw new Error(
      `${fn}: indices of shape ${formatList(iShape)} and ${xName} of shape ${formatList(xShape)} differ on axis ${k} ` +
        `(sizes must be equal or 1 on every axis but ${axis})`,
    )
  })
}

/** The indices' elements, once every one is checked to be an integer in [0, n); names the first that is not. */
function checkedIndices(fn: string, indices: Tensor, n: number, axis: number): Tensor {
  checkDtype(fn, indices, ['int32', 'float32', 'float64'], 'indices')
  // a kernel call of its own, which a compiled step (see internal/trace.ts) makes again with each new indices
  const at = forReplay(indices)
  kernel([], () => {
    const idx = at.data
    for (let i = 0; i < idx.length; i++) {
      const v = idx[i]!
      if (!(v >= 0 && v < n && (at.dtype === 'int32' || Number.isInteger(v)))) {
        const where = unravel(i, at.shape)
        throw mustBe(fn, `indices[${where.join(',')}]`, `an integer in [0, ${n}) for axis ${axis} of size ${n}`, v)
      }
    }
  })
  return at
}

/** Row-major multi-index of flat position `flat` in `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const at = new Array<number>(shape.length)
  for (let d = shape.length - 1; d >= 0; d--) {
    at[d] = flat % shape[d]!
    flat = Math.floor(flat / shape[d]!)
  }
  return at
}

/** True when two shapes of one rank agree on every axis but the last (nothing to broadcast). */
function sameLeading(a: readonly number[], b: readonly number[]): boolean {
  for (let d = 0; d < a.length - 1; d++) if (a[d] !== b[d]) return false
  return true
}

/**
 * Strides for reading a tensor of shape `own` (row-major) at positions of the broadcast shape
 * `out`: 0 on an axis where `own` has size 1 and `out` does not, and 0 on `zeroAxis` (the axis
 * whose offset comes from an index instead).
 */
function readStrides(own: readonly number[], out: readonly number[], zeroAxis: number): number[] {
  const st = stridesOf(own)
  return st.map((s, d) => (d === zeroAxis || (own[d] === 1 && out[d] !== 1) ? 0 : s))
}

/**
 * Takes values of `x` along `axis` at the positions `indices` gives, one index per output element
 * (NumPy's `take_along_axis`, PyTorch's `gather`): for a 2-D x and axis 1,
 * `out[i][j] = x[i][indices[i][j]]`.
 *
 * `indices` has the rank of x. On `axis` its size is free (the output's size there); on every other
 * axis its size and x's are equal or one of them is 1, and the two broadcast against each other as
 * in NumPy, so the result has shape `broadcast(x, indices)` with `indices.shape[axis]` on `axis`.
 * Indices are int32, or float tensors holding integers; each must lie in `[0, x.shape[axis])`
 * (negative indices are errors, as in PyTorch, not counted from the end). `axis` is -1 by default,
 * as NumPy 2.3's. Every dtype of x; the result has x's dtype.
 *
 * The common case of a language model's loss or a policy's log-probability, `[batch, classes]`
 * scores and `[batch, 1]` chosen classes, reads one element per row.
 *
 * @throws Error for a bad x or indices, mismatched ranks or sizes, a bad axis, or an index that is
 *   not an integer in range (naming the first: `takeAlongAxis: indices[1,0] must be an integer in
 *   [0, 3) for axis 1 of size 3, got 5`).
 * @example
 * ```ts
 * import { takeAlongAxis, tensor } from '@gd/tensor'
 * const logp = tensor([[-0.1, -2.3, -4], [-3, -0.2, -1.9]])
 * const chosen = tensor([[0], [2]], { dtype: 'int32' })
 * takeAlongAxis(logp, chosen, 1).toArray() // [[-0.1], [-1.9]] (float32)
 * ```
 */
export function takeAlongAxis<D extends DType>(x: Tensor<D>, indices: Tensor, axis = -1): Tensor<D> {
  const fn = 'takeAlongAxis'
  tensorArg(fn, 'x', x)
  if (x.rank === 0) throw mustBe(fn, 'x', 'a Tensor of rank >= 1', x)
  tensorArg(fn, 'indices', indices)
  const ax = normalizeAxis(fn, axis, x.rank)
  const shape = checkShape(fn, alongShape(fn, 'x', x.shape, indices, ax), 'result shape')
  const idx = checkedIndices(fn, indices, x.shape[ax]!, ax)
  const out = allocate(x.dtype, sizeOf(shape))
  const xv = forReplay(x)
  // (one kernel call, which a compiled step replays: see internal/trace.ts)
  kernel(out, () => takeInto(out, xv, idx, shape, ax), true)
  return new Tensor(out, shape, x.dtype)
}

/** out = x's elements picked along `ax` by `indices` (every element written). */
function takeInto(out: Storage, x: Tensor, indices: Tensor, shape: readonly number[], ax: number): void {
  const src = x.data
  const idx = indices.data
  if (out.length === 0) return
  if (ax === x.rank - 1 && sameLeading(x.shape, indices.shape)) {
    // the common case (a row of scores, the chosen classes of that row): a plain double loop
    const n = x.shape[ax]!
    const m = indices.shape[ax]!
    for (let r = 0, o = 0; o < out.length; r += n) {
      for (let t = 0; t < m; t++, o++) out[o] = src[r + idx[o]!]!
    }
    return
  }
  const rank = shape.length
  const last = rank - 1
  const xs = readStrides(x.shape, shape, ax)
  const is = readStrides(indices.shape, shape, -1)
  const xAxis = stridesOf(x.shape)[ax]!
  const xLast = xs[last]!
  const iLast = is[last]!
  const run = shape[last]!
  const pos = new Array<number>(rank).fill(0)
  let xb = 0
  let ib = 0
  for (let o = 0; o < out.length;) {
    for (let t = 0; t < run; t++) out[o++] = src[xb + t * xLast + idx[ib + t * iLast]! * xAxis]!
    // advance the multi-index over all axes but the last
    for (let d = last - 1; d >= 0; d--) {
      pos[d]!++
      xb += xs[d]!
      ib += is[d]!
      if (pos[d]! < shape[d]!) break
      xb -= xs[d]! * shape[d]!
      ib -= is[d]! * shape[d]!
      pos[d] = 0
    }
  }
}

/**
 * The adjoint of {@link takeAlongAxis}: a tensor of `shape` that is zero except that each element
 * of `updates` is added at its index along `axis` (repeated indices accumulate, and so do positions
 * that broadcasting mapped to one element of `shape`). `indices` has the rank of `shape` and follows
 * takeAlongAxis's rule against it; `updates` has the shape that `takeAlongAxis(zeros(shape),
 * indices, axis)` would have. PyTorch's `scatter_add`, with takeAlongAxis's broadcasting. The
 * result has updates' dtype (int32 for bool).
 *
 * @throws Error for a bad shape, indices or updates, mismatched shapes, a bad axis, or an index
 *   that is not an integer in range.
 * @example
 * ```ts
 * import { scatterAddAlongAxis, tensor } from '@gd/tensor'
 * const chosen = tensor([[0], [2], [0]], { dtype: 'int32' })
 * scatterAddAlongAxis([3, 3], chosen, tensor([[1], [2], [3]]), 1).toArray()
 * // [[1, 0, 0], [0, 0, 2], [3, 0, 0]]
 * ```
 */
export function scatterAddAlongAxis(shape: readonly number[], indices: Tensor, updates: Tensor, axis = -1): Tensor {
  const fn = 'scatterAddAlongAxis'
  const s = checkShape(fn, shape)
  if (s.length === 0) throw mustBe(fn, 'shape', 'a shape of rank >= 1', shape)
  tensorArg(fn, 'indices', indices)
  tensorArg(fn, 'updates', updates)
  const ax = normalizeAxis(fn, axis, s.length)
  const expected = alongShape(fn, 'shape', s, indices, ax)
  if (expected.length !== updates.rank || expected.some((d, i) => d !== updates.shape[i])) {
    throw new Error(`${fn}: updates must have shape ${formatList(expected)}, got ${formatList(updates.shape)}`)
  }
  const idx = checkedIndices(fn, indices, s[ax]!, ax)
  const dtype: DType = updates.dtype === 'bool' ? 'int32' : updates.dtype
  const out = allocate(dtype, sizeOf(s))
  const uv = forReplay(updates)
  kernel(out, () => scatterInto(out, s, uv, idx, expected, ax)) // (adds into zeros: a replay zero-fills first)
  return new Tensor(out, s, dtype)
}

/** Adds each update into `out` (zeros, of shape `s`) where `indices` place it along `ax`. */
function scatterInto(
  out: Storage,
  s: readonly number[],
  updates: Tensor,
  indices: Tensor,
  expected: readonly number[],
  ax: number,
): void {
  const src = updates.data
  const idx = indices.data
  if (src.length === 0) return
  if (ax === s.length - 1 && sameLeading(s, indices.shape)) {
    const n = s[ax]!
    const m = indices.shape[ax]!
    for (let r = 0, u = 0; u < src.length; r += n) {
      for (let t = 0; t < m; t++, u++) out[r + idx[u]!]! += src[u]!
    }
    return
  }
  const rank = s.length
  const last = rank - 1
  const os = readStrides(s, expected, ax)
  const is = readStrides(indices.shape, expected, -1)
  const oAxis = stridesOf(s)[ax]!
  const oLast = os[last]!
  const iLast = is[last]!
  const run = expected[last]!
  const pos = new Array<number>(rank).fill(0)
  let ob = 0
  let ib = 0
  for (let u = 0; u < src.length;) {
    for (let t = 0; t < run; t++) out[ob + t * oLast + idx[ib + t * iLast]! * oAxis]! += src[u++]!
    for (let d = last - 1; d >= 0; d--) {
      pos[d]!++
      ob += os[d]!
      ib += is[d]!
      if (pos[d]! < expected[d]!) break
      ob -= os[d]! * expected[d]!
      ib -= is[d]! * expected[d]!
      pos[d] = 0
    }
  }
}
