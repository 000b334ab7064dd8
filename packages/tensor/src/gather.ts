import { positiveInteger, readOptions, optional } from '@gd/check'
import { tensorArg } from './internal/args.js'
import { dtypeCheck } from './internal/checks.js'
import { allocate, type DType, type Storage } from './dtype.js'
import { allocateUnfilled } from './kernels/runtime/owner.js'
import { checkDtype } from './creation.js'
import { checkShape, formatList, normalizeAxis, sizeOf } from './shape.js'
import { forReplay, Tensor } from './tensor.js'
import { kernel } from './internal/trace.js'

/** Checks that `indices` are int32 in [0, bound), and returns them as the kernel calls that read them should hold them. */
function checkIndices(op: string, indices: Tensor, bound: number, what: string): Tensor {
  tensorArg(op, 'indices', indices)
  checkDtype(op, indices, ['int32'], 'indices')
  // a kernel call of its own, which a compiled step (see internal/trace.ts) makes again with each new indices
  const at = forReplay(indices)
  kernel([], () => inRange(op, at.data, bound, what))
  return at
}

/** Throws for the first index outside [0, bound). */
function inRange(op: string, idx: Storage, bound: number, what: string): void {
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!
    if (v < 0 || v >= bound) {
      throw new Error(`${op}: index ${v} is out of range for ${what} of size ${bound} (expected 0..${bound - 1})`)
    }
  }
}

/**
 * Picks slices of `x` along `axis` by int32 indices (NumPy's `take`): the result has shape
 * `x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]`.
 *
 * @throws Error for non-int32 indices or an index out of range.
 * @example
 * ```ts
 * import { gather, tensor } from '@gd/tensor'
 * const x = tensor([[1, 2], [3, 4], [5, 6]])
 * gather(x, tensor([2, 0], { dtype: 'int32' })).toArray() // [[5, 6], [1, 2]]
 * gather(x, tensor([1], { dtype: 'int32' }), 1).toArray() // [[2], [4], [6]]
 * ```
 */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  tensorArg('gather', 'x', x)
  tensorArg('gather', 'indices', indices)
  const ax = normalizeAxis('gather', axis, x.rank)
  const n = x.shape[ax]!
  const idx = checkIndices('gather', indices, n, `axis ${ax}`)
  const outer = sizeOf(x.shape.slice(0, ax))
  const inner = sizeOf(x.shape.slice(ax + 1))
  const shape = checkShape(
    'gather',
    [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)],
    'result shape',
  )
  // every (outer, index) slice is copied in whole: no zero-fill needed
  const size = outer * idx.size * inner
  const out = x.dtype === 'float32' ? allocateUnfilled(size) : allocate(x.dtype, size)
  const xs = forReplay(x)
  const run = (): void => {
    const src = xs.data
    const at = idx.data
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < at.length; j++) {
        const from = (o * n + at[j]!) * inner
        out.set(src.subarray(from, from + inner), (o * at.length + j) * inner)
      }
    }
  }
  kernel(out, run, true)
  return new Tensor(out, shape, x.dtype)
}

/**
 * The adjoint of {@link gather}: a tensor of `shape` that is zero except that each slice of `updates`
 * is added at its index along `axis` (repeated indices accumulate). `updates` has the shape that
 * `gather(zeros(shape), indices, axis)` would have.
 *
 * @throws Error for mismatched shapes, non-int32 indices or an index out of range.
 * @example
 * ```ts
 * import { scatterAdd, tensor } from '@gd/tensor'
 * scatterAdd([3], tensor([0, 2, 0], { dtype: 'int32' }), tensor([1, 2, 3])).toArray() // [4, 0, 2]
 * ```
 */
export function scatterAdd(shape: readonly number[], indices: Tensor, updates: Tensor, axis = 0): Tensor {
  const s = checkShape('scatterAdd', shape)
  tensorArg('scatterAdd', 'indices', indices)
  tensorArg('scatterAdd', 'updates', updates)
  const ax = normalizeAxis('scatterAdd', axis, s.length)
  const n = s[ax]!
  const idx = checkIndices('scatterAdd', indices, n, `axis ${ax}`)
  const expected = [...s.slice(0, ax), ...indices.shape, ...s.slice(ax + 1)]
  if (expected.length !== updates.rank || expected.some((d, i) => d !== updates.shape[i])) {
    throw new Error(`scatterAdd: updates must have shape ${formatList(expected)}, got ${formatList(updates.shape)}`)
  }
  const outer = sizeOf(s.slice(0, ax))
  const inner = sizeOf(s.slice(ax + 1))
  const dtype: DType = updates.dtype === 'bool' ? 'int32' : updates.dtype
  const out = allocate(dtype, sizeOf(s))
  const us = forReplay(updates)
  const run = (): void => {
    const src = us.data
    if (out instanceof Float32Array) addSlicesFloat32(out, src as Float32Array, idx.data as Int32Array, outer, n, inner)
    else addSlices(out, src, idx.data, outer, n, inner)
  }
  kernel(out, run) // (adds into zeros: a replay zero-fills first)
  return new Tensor(out, s, dtype)
}

/**
 * out[o][idx[j]] += src[o][j] over slices of `inner` elements, in order (scatterAdd's loop). Float32 has a
 * copy of its own, {@link addSlicesFloat32}: one loop met with every dtype reads its arrays polymorphically
 * (an embedding's gradient, 512 rows of 64 floats: 59 µs against 44, under load).
 */
function addSlices(out: Storage, src: Storage, idx: Storage, outer: number, n: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.length; j++) {
      const to = (o * n + idx[j]!) * inner
      const from = (o * idx.length + j) * inner
      for (let k = 0; k < inner; k++) out[to + k]! += src[from + k]!
    }
  }
}

/** {@link addSlices} for float32 (the same additions, each rounded to float32 as it is stored). */
function addSlicesFloat32(
  out: Float32Array,
  src: Float32Array,
  idx: Int32Array,
  outer: number,
  n: number,
  inner: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.length; j++) {
      const to = (o * n + idx[j]!) * inner
      const from = (o * idx.length + j) * inner
      for (let k = 0; k < inner; k++) out[to + k]! += src[from + k]!
    }
  }
}

/**
 * One-hot encoding of int32 class indices: shape `indices.shape ++ [depth]`, 1 at each index.
 *
 * @throws Error for an index outside 0..depth-1 or a bad depth.
 * @example
 * ```ts
 * import { oneHot, tensor } from '@gd/tensor'
 * oneHot(tensor([2, 0], { dtype: 'int32' }), 3).toArray() // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHot<D extends DType = 'float32'>(
  indices: Tensor,
  depth: number,
  options: { dtype?: D } = {},
): Tensor<D> {
  tensorArg('oneHot', 'indices', indices)
  positiveInteger('oneHot', 'depth', depth)
  const dtype = (readOptions('oneHot', options, { dtype: optional(dtypeCheck) }).dtype ?? 'float32') as D
  checkShape('oneHot', [...indices.shape, depth], 'result shape')
  const idx = checkIndices('oneHot', indices, depth, 'depth')
  const out = allocate(dtype, idx.size * depth)
  kernel(out, () => idx.data.forEach((v, i) => (out[i * depth + v] = 1))) // (ones into zeros)
  return new Tensor(out, [...indices.shape, depth], dtype)
}
