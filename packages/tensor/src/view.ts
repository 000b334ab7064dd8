import { fail } from '@gd/check'
import { tensorArg } from './internal/args.js'
import { broadcastStrides } from './elementwise.js'
import {
  checkShape,
  formatList,
  normalizeAxes,
  normalizeAxis,
  permutationOf,
  sizeOf,
  stridesOf,
  broadcastShapes,
  type Shape,
} from './shape.js'
import type { DType } from './dtype.js'
import { stridedCopy, Tensor } from './tensor.js'
import { traceView } from './internal/trace.js'

/**
 * The same elements with a new shape. One entry may be `-1`, inferred from the size.
 * A view (no copy) when `t` is contiguous, or when each new dimension splits or merges dimensions that
 * `t` steps through evenly (a slice of rows, a transpose kept as a block, as NumPy decides); else a
 * contiguous copy.
 *
 * @throws Error when the sizes differ or the shape has a bad entry.
 * @example
 * ```ts
 * import { arange, reshape } from '@gd/tensor'
 * reshape(arange(6), [2, -1]).shape // [2, 3]
 * ```
 */
export function reshape<D extends DType>(t: Tensor<D>, shape: readonly number[]): Tensor<D> {
  tensorArg('reshape', 't', t)
  const target = inferShape('reshape', t, shape)
  const strides = t.isContiguous ? stridesOf(target) : viewStrides(t, target)
  if (strides === null) return new Tensor(stridedCopy(t), target, t.dtype)
  traceView(t.storage)
  return new Tensor(t.storage, target, t.dtype, strides, t.offset)
}

/**
 * Strides that read the elements of a non-contiguous `t` in row-major order as `shape` (same size),
 * or null when no strides do. Dimensions of size 1 are left out; then each run of new dimensions is
 * matched with the shortest run of old dimensions holding as many elements, and the old run must be
 * evenly strided (each stride its inner neighbour's stride times its size) to become the new one.
 */
function viewStrides(t: Tensor, shape: readonly number[]): number[] | null {
  if (t.size === 0) return stridesOf(shape)
  const dims: number[] = []
  const steps: number[] = []
  t.shape.forEach((d, i) => {
    if (d !== 1) {
      dims.push(d)
      steps.push(t.strides[i]!)
    }
  })
  const want = shape.filter((d) => d !== 1)
  const got = new Array<number>(want.length)
  for (let oi = 0, ni = 0; ni < want.length;) {
    let oj = oi + 1
    let nj = ni + 1
    let o = dims[oi]!
    let n = want[ni]!
    while (o !== n) {
      if (n < o) n *= want[nj++]!
      else o *= dims[oj++]!
    }
    for (let k = oi; k < oj - 1; k++) if (steps[k] !== steps[k + 1]! * dims[k + 1]!) return null
    got[nj - 1] = steps[oj - 1]!
    for (let k = nj - 1; k > ni; k--) got[k - 1] = got[k]! * want[k]!
    oi = oj
    ni = nj
  }
  // size-1 dimensions take the stride a row-major layout would give them (any stride reads them alike)
  const out = new Array<number>(shape.length)
  let next = 1
  for (let i = shape.length - 1, k = want.length - 1; i >= 0; i--) {
    if (shape[i] === 1) out[i] = next
    else {
      out[i] = got[k]!
      next = got[k--]! * shape[i]!
    }
  }
  return out
}

function inferShape(op: string, t: Tensor, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) fail(op, 'shape', 'an array of non-negative integers and at most one -1', shape)
  let unknown = -1
  let known = 1
  shape.forEach((d, i) => {
    if (d === -1 && unknown === -1) unknown = i
    else if (!Number.isSafeInteger(d) || d < 0) {
      throw new Error(`${op}: shape must hold non-negative integers and at most one -1, got ${formatList(shape)}`)
    } else known *= d
  })
  const out = [...shape]
  if (unknown >= 0) {
    if (known === 0 || t.size % known !== 0) {
      throw new Error(
        `${op}: cannot infer -1 in ${formatList(shape)} for ${t.size} elements of shape ${formatList(t.shape)}`,
      )
    }
    out[unknown] = t.size / known
  }
  if (sizeOf(out) !== t.size) {
    throw new Error(`${op}: cannot reshape ${formatList(t.shape)} (${t.size} elements) to ${formatList(shape)}`)
  }
  return out
}

/**
 * Flattens to one dimension (a view when contiguous).
 *
 * @example
 * ```ts
 * import { flatten, zeros } from '@gd/tensor'
 * flatten(zeros([2, 3])).shape // [6]
 * ```
 */
export function flatten<D extends DType>(t: Tensor<D>): Tensor<D> {
  return reshape(t, [tensorArg('flatten', 't', t).size])
}

/**
 * Permutes dimensions: output dimension i is input dimension `perm[i]`. Without `perm`, reverses
 * them (a matrix transpose for rank 2). Always a view; no data moves.
 *
 * @throws Error when `perm` is not a permutation of 0..rank-1.
 * @example
 * ```ts
 * import { tensor, transpose } from '@gd/tensor'
 * transpose(tensor([[1, 2, 3]])).toArray() // [[1], [2], [3]]
 * transpose(tensor([[[1, 2]]]), [2, 0, 1]).shape // [2, 1, 1]
 * ```
 */
export function transpose<D extends DType>(t: Tensor<D>, perm?: readonly number[]): Tensor<D> {
  tensorArg('transpose', 't', t)
  if (perm !== undefined && !Array.isArray(perm)) fail('transpose', 'perm', `a permutation of 0..${t.rank - 1}`, perm)
  const rank = t.rank
  const axes = permutationOf(perm ?? t.shape.map((_, i) => rank - 1 - i), rank) ?? checkedOrder(t, perm)
  const shape: number[] = []
  const strides: number[] = []
  for (let i = 0; i < rank; i++) {
    shape.push(t.shape[axes[i]!]!)
    strides.push(t.strides[axes[i]!]!)
  }
  traceView(t.storage)
  return new Tensor(t.storage, shape, t.dtype, strides, t.offset)
}

/** transpose's order of axes, checked one axis at a time (what a `perm` that is no plain permutation meets). */
function checkedOrder(t: Tensor, perm: readonly number[] | undefined): number[] {
  const order = perm ?? t.shape.map((_, i) => t.rank - 1 - i)
  const seen = new Set(order.map((a) => normalizeAxis('transpose', a, t.rank)))
  if (order.length !== t.rank || seen.size !== t.rank) {
    throw new Error(`transpose: perm must be a permutation of 0..${t.rank - 1}, got ${formatList(order)}`)
  }
  return [...seen]
}

/**
 * Swaps the last two dimensions (the matrix transpose of every matrix in a batch), as a view.
 *
 * @throws Error for rank < 2.
 * @example
 * ```ts
 * import { matrixTranspose, zeros } from '@gd/tensor'
 * matrixTranspose(zeros([5, 2, 3])).shape // [5, 3, 2]
 * ```
 */
export function matrixTranspose<D extends DType>(t: Tensor<D>): Tensor<D> {
  tensorArg('matrixTranspose', 't', t)
  if (t.rank < 2) throw new Error(`matrixTranspose: input must have rank >= 2, got shape ${formatList(t.shape)}`)
  const perm = t.shape.map((_, i) => i)
  perm[t.rank - 2] = t.rank - 1
  perm[t.rank - 1] = t.rank - 2
  return transpose(t, perm)
}

/**
 * Inserts a dimension of size 1 at `axis` (negative counts from the end of the result), as a view.
 *
 * @example
 * ```ts
 * import { expandDims, zeros } from '@gd/tensor'
 * expandDims(zeros([2, 3]), 0).shape // [1, 2, 3]
 * expandDims(zeros([2, 3]), -1).shape // [2, 3, 1]
 * ```
 */
export function expandDims<D extends DType>(t: Tensor<D>, axis: number): Tensor<D> {
  tensorArg('expandDims', 't', t)
  const a = normalizeAxis('expandDims', axis, t.rank + 1)
  const shape = [...t.shape]
  const strides = [...t.strides]
  shape.splice(a, 0, 1)
  strides.splice(a, 0, a < t.rank ? t.strides[a]! * t.shape[a]! : 1)
  traceView(t.storage)
  return new Tensor(t.storage, shape, t.dtype, strides, t.offset)
}

/**
 * Removes dimensions of size 1: the given axes, or all of them. A view.
 *
 * @throws Error when a named axis does not have size 1.
 * @example
 * ```ts
 * import { squeeze, zeros } from '@gd/tensor'
 * squeeze(zeros([1, 2, 1])).shape // [2]
 * squeeze(zeros([1, 2, 1]), [0]).shape // [2, 1]
 * ```
 */
export function squeeze<D extends DType>(t: Tensor<D>, axes?: number | readonly number[]): Tensor<D> {
  tensorArg('squeeze', 't', t)
  const list = axes === undefined ? null : normalizeAxes('squeeze', axes, t.rank)
  for (const a of list ?? []) {
    if (t.shape[a] !== 1) {
      throw new Error(`squeeze: axis ${a} has size ${t.shape[a]}, expected 1 (shape ${formatList(t.shape)})`)
    }
  }
  const keep = t.shape.map((d, i) => (list === null ? d !== 1 : !list.includes(i)))
  traceView(t.storage)
  return new Tensor(
    t.storage,
    t.shape.filter((_, i) => keep[i]),
    t.dtype,
    t.strides.filter((_, i) => keep[i]),
    t.offset,
  )
}

/**
 * `t` itself when already contiguous, else a row-major copy.
 *
 * @example
 * ```ts
 * import { contiguous, tensor, transpose } from '@gd/tensor'
 * contiguous(transpose(tensor([[1, 2], [3, 4]]))).isContiguous // true
 * ```
 */
export function contiguous<D extends DType>(t: Tensor<D>): Tensor<D> {
  tensorArg('contiguous', 't', t)
  if (t.isContiguous) return t
  return new Tensor(stridedCopy(t), t.shape, t.dtype)
}

/**
 * Broadcasts `t` to `shape` under NumPy rules, as a view (broadcast dimensions get stride 0).
 *
 * @throws Error when `t`'s shape does not broadcast to `shape`.
 * @example
 * ```ts
 * import { broadcastTo, tensor } from '@gd/tensor'
 * broadcastTo(tensor([1, 2]), [2, 2]).toArray() // [[1, 2], [1, 2]]
 * ```
 */
export function broadcastTo<D extends DType>(t: Tensor<D>, shape: readonly number[]): Tensor<D> {
  tensorArg('broadcastTo', 't', t)
  checkShape('broadcastTo', shape)
  const result = broadcastShapes('broadcastTo', t.shape, shape)
  if (result.length !== shape.length || result.some((d, i) => d !== shape[i])) {
    throw new Error(`broadcastTo: cannot broadcast shape ${formatList(t.shape)} to ${formatList(shape)}`)
  }
  traceView(t.storage)
  return new Tensor(t.storage, [...shape], t.dtype, broadcastStrides(t, shape), t.offset)
}
