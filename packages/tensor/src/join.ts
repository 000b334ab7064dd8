import { fail } from '@gd/check'
import { tensorArg, tensorList } from './internal/args.js'
import { allocate, promoteTypes } from './dtype.js'
import { allocateUnfilled } from './kernels/runtime/owner.js'
import { cast } from './creation.js'
import { checkShape, formatList, normalizeAxis } from './shape.js'
import { forReplay, stridedCopy, Tensor } from './tensor.js'
import { kernel, traceView } from './internal/trace.js'
import { expandDims, reshape } from './view.js'
import { slice } from './slice.js'

/**
 * Joins tensors along an existing axis. All must have the same rank and the same size on every
 * other axis; dtypes promote.
 *
 * @throws Error for an empty list, rank or shape mismatches, or a bad axis.
 * @example
 * ```ts
 * import { concat, tensor } from '@gd/tensor'
 * concat([tensor([[1, 2]]), tensor([[3, 4]])], 0).toArray() // [[1, 2], [3, 4]]
 * concat([tensor([[1], [2]]), tensor([[3], [4]])], 1).toArray() // [[1, 3], [2, 4]]
 * ```
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const first = tensorList('concat', 'tensors', tensors)[0]!
  const ax = normalizeAxis('concat', axis, first.rank)
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new Error(
        `concat: shapes must match except on axis ${ax}, got ${tensors.map((x) => formatList(x.shape)).join(' and ')}`,
      )
    }
  }
  const dtype = tensors.reduce((d, t) => promoteTypes(d, t.dtype), first.dtype)
  const outer = first.shape.slice(0, ax).reduce((a, b) => a * b, 1)
  const inner = first.shape.slice(ax + 1).reduce((a, b) => a * b, 1)
  const total = tensors.reduce((n, t) => n + t.shape[ax]!, 0)
  const shape = checkShape(
    'concat',
    first.shape.map((d, i) => (i === ax ? total : d)),
    'result shape',
  )
  // each part fills its columns of every outer row, and the parts cover all of them: no zero-fill needed
  const out = dtype === 'float32' ? allocateUnfilled(outer * total * inner) : allocate(dtype, outer * total * inner)
  // (one kernel call, which a compiled step replays: see internal/trace.ts)
  const parts = tensors.map(forReplay)
  const run = (): void => {
    let col = 0
    for (const t of parts) {
      const data = (t.dtype === dtype ? t : cast(t, dtype)).data
      const width = t.shape[ax]! * inner
      for (let o = 0; o < outer; o++) {
        out.set(data.subarray(o * width, (o + 1) * width), o * total * inner + col)
      }
      col += width
    }
  }
  kernel(out, run, true)
  return new Tensor(out, shape, dtype)
}

/**
 * Stacks tensors of one shape along a new axis.
 *
 * @throws Error for an empty list or differing shapes.
 * @example
 * ```ts
 * import { stack, tensor } from '@gd/tensor'
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toArray() // [[1, 3], [2, 4]]
 * ```
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  const first = tensorList('stack', 'tensors', tensors)[0]!
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d, i) => d !== first.shape[i])) {
      throw new Error(`stack: all shapes must be equal, got ${tensors.map((x) => formatList(x.shape)).join(' and ')}`)
    }
  }
  const ax = normalizeAxis('stack', axis, first.rank + 1)
  return concat(
    tensors.map((t) => expandDims(t, ax)),
    ax,
  )
}

/**
 * Splits a tensor along `axis` into `sections` equal parts, or into parts of the given sizes.
 * The parts are views.
 *
 * @throws Error when the axis does not divide evenly or the sizes do not add up.
 * @example
 * ```ts
 * import { arange, split } from '@gd/tensor'
 * split(arange(6), 3).map((t) => t.toArray()) // [[0, 1], [2, 3], [4, 5]]
 * split(arange(6), [1, 5]).map((t) => t.shape) // [[1], [5]]
 * ```
 */
export function split(t: Tensor, sections: number | readonly number[], axis = 0): Tensor[] {
  tensorArg('split', 't', t)
  if (typeof sections !== 'number' && !Array.isArray(sections))
    fail('split', 'sections', 'a positive integer or an array of sizes', sections)
  const ax = normalizeAxis('split', axis, t.rank)
  const n = t.shape[ax]!
  let sizes: number[]
  if (typeof sections === 'number') {
    if (!Number.isInteger(sections) || sections < 1 || n % sections !== 0) {
      throw new Error(`split: cannot split axis ${ax} of size ${n} into ${sections} equal sections`)
    }
    sizes = new Array<number>(sections).fill(n / sections)
  } else {
    sizes = [...sections]
    const total = sizes.reduce((a, b) => a + b, 0)
    if (total !== n || sizes.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new Error(`split: sizes ${formatList(sizes)} must be non-negative integers adding up to ${n} (axis ${ax})`)
    }
  }
  let start = 0
  return sizes.map((s) => {
    const begin = t.shape.map((_, i) => (i === ax ? start : 0))
    const size = t.shape.map((d, i) => (i === ax ? s : d))
    start += s
    return slice(t, begin, size)
  })
}

/**
 * Repeats a tensor `reps[i]` times along each axis (reps may be longer than the rank; the tensor is
 * then treated as having leading size-1 axes), like NumPy's `tile`.
 *
 * @throws Error for negative or non-integer repetitions.
 * @example
 * ```ts
 * import { tensor, tile } from '@gd/tensor'
 * tile(tensor([1, 2]), [2]).toArray() // [1, 2, 1, 2]
 * tile(tensor([[1, 2]]), [2, 1]).toArray() // [[1, 2], [1, 2]]
 * ```
 */
export function tile(t: Tensor, reps: readonly number[]): Tensor {
  tensorArg('tile', 't', t)
  if (!Array.isArray(reps) || reps.some((r) => !Number.isSafeInteger(r) || r < 0)) {
    fail('tile', 'reps', 'an array of non-negative integers', reps)
  }
  const rank = Math.max(reps.length, t.rank)
  const shape = [...new Array<number>(rank - t.rank).fill(1), ...t.shape]
  const r = [...new Array<number>(rank - reps.length).fill(1), ...reps]
  // Read the input as [1, d0, 1, d1, ...] and copy it out as [r0, d0, r1, d1, ...].
  const interleaved = reshape(
    t,
    shape.flatMap((d) => [1, d]),
  )
  const strides = interleaved.strides.map((s, i) => (i % 2 === 0 ? 0 : s))
  checkShape(
    'tile',
    shape.map((d, i) => d * r[i]!),
    'result shape',
  )
  traceView(interleaved.storage)
  const big = new Tensor(
    interleaved.storage,
    shape.flatMap((d, i) => [r[i]!, d]),
    t.dtype,
    strides,
    interleaved.offset,
  )
  return new Tensor(
    stridedCopy(big),
    shape.map((d, i) => d * r[i]!),
    t.dtype,
  )
}
