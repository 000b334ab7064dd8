import { arrayOf, fail, integer, number } from '@gd/check'
import { tensorArg } from './internal/args.js'
import { allocate, type Storage } from './dtype.js'
import { checkShape, formatList, normalizeAxes, sizeOf } from './shape.js'
import { forReplay, Tensor } from './tensor.js'
import { kernel, traceView } from './internal/trace.js'

/**
 * A view of a box of `t`: `size[i]` elements from `begin[i]` on each axis. A negative `begin` counts
 * from the end; a `size` of -1 takes everything to the end. Axes not listed are taken whole.
 *
 * @throws Error when the box leaves the tensor.
 * @example
 * ```ts
 * import { slice, tensor } from '@gd/tensor'
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, 2]).toArray() // [[2, 3], [5, 6]]
 * slice(tensor([1, 2, 3, 4]), [-2], [-1]).toArray() // [3, 4]
 * ```
 */
export function slice(t: Tensor, begin: readonly number[], size: readonly number[] = []): Tensor {
  tensorArg('slice', 't', t)
  arrayOf(integer)('slice', 'begin', begin)
  arrayOf(integer)('slice', 'size', size)
  if (begin.length > t.rank || size.length > t.rank) {
    throw new Error(
      `slice: begin ${formatList(begin)} and size ${formatList(size)} have more entries than rank ${t.rank}`,
    )
  }
  let offset = t.offset
  const shape = t.shape.map((d, i) => {
    let b = begin[i] ?? 0
    if (b < 0) b += d
    const s = size[i] === undefined || size[i] === -1 ? d - b : size[i]!
    if (!Number.isInteger(b) || !Number.isInteger(s) || b < 0 || s < 0 || b + s > d) {
      throw new Error(
        `slice: begin ${formatList(begin)} with size ${formatList(size)} is out of bounds for shape ${formatList(t.shape)} (axis ${i})`,
      )
    }
    offset += b * t.strides[i]!
    return s
  })
  traceView(t.storage)
  return new Tensor(t.storage, shape, t.dtype, t.strides, offset)
}

/**
 * Reverses the order of elements along the given axes (all when omitted), as a view.
 *
 * @example
 * ```ts
 * import { flip, tensor } from '@gd/tensor'
 * flip(tensor([[1, 2], [3, 4]]), 1).toArray() // [[2, 1], [4, 3]]
 * ```
 */
export function flip(t: Tensor, axes?: number | readonly number[]): Tensor {
  tensorArg('flip', 't', t)
  const list = normalizeAxes('flip', axes, t.rank)
  let offset = t.offset
  const strides = t.strides.map((s, i) => {
    if (!list.includes(i)) return s
    if (t.shape[i]! > 0) offset += (t.shape[i]! - 1) * s
    return -s
  })
  traceView(t.storage)
  return new Tensor(t.storage, t.shape, t.dtype, strides, offset)
}

/**
 * Pads with a constant: `widths[i] = [before, after]` elements on axis i (missing axes get none).
 *
 * @throws Error for negative or non-integer widths, or more widths than axes.
 * @example
 * ```ts
 * import { pad, tensor } from '@gd/tensor'
 * pad(tensor([[1, 2]]), [[1, 0], [0, 1]]).toArray() // [[0, 0, 0], [1, 2, 0]]
 * ```
 */
export function pad(t: Tensor, widths: readonly (readonly [number, number])[], value = 0): Tensor {
  tensorArg('pad', 't', t)
  const pair = (w: unknown): boolean =>
    Array.isArray(w) && w.length === 2 && w.every((x) => Number.isSafeInteger(x) && x >= 0)
  if (!Array.isArray(widths) || widths.length > t.rank || !widths.every(pair)) {
    fail('pad', 'widths', `up to ${t.rank} pairs of non-negative integers`, widths)
  }
  number('pad', 'value', value)
  const before = t.shape.map((_, i) => widths[i]?.[0] ?? 0)
  const shape = t.shape.map((d, i) => d + before[i]! + (widths[i]?.[1] ?? 0))
  const out = allocate(t.dtype, sizeOf(checkShape('pad', shape, 'result shape')))
  const x = forReplay(t)
  // (one kernel call, which a compiled step replays: see internal/trace.ts)
  kernel(out, () => padInto(out, x, shape, before, value), value !== 0) // (with 0, the border keeps the zeros)
  return new Tensor(out, shape, t.dtype)
}

/** out = t padded with `value` (written unless 0: `out` starts zeroed): `before[d]` elements before each axis d. */
function padInto(out: Storage, t: Tensor, shape: readonly number[], before: readonly number[], value: number): void {
  if (value !== 0) out.fill(value)
  if (t.size === 0) return
  const src = t.data
  const rank = t.rank
  const inner = rank === 0 ? 1 : t.shape[rank - 1]!
  const outStrides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1))
  const index = new Array<number>(rank).fill(0)
  for (let s = 0; s < src.length; s += inner) {
    let o = 0
    for (let d = 0; d < rank; d++) o += (index[d]! + before[d]!) * outStrides[d]!
    out.set(src.subarray(s, s + inner), o)
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++
      if (index[d]! < t.shape[d]!) break
      index[d] = 0
    }
  }
}
