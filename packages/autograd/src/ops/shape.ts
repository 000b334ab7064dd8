import {
  arrayOf,
  axes as axesOf,
  axis as axisOf,
  boolean,
  complaint,
  either,
  fail,
  integer,
  nonNegativeInteger,
  number,
  oneOf,
  optional,
  positiveInteger,
  readOptions,
  rule,
  shape as shapeCheck,
  withDefault,
} from '@gd/check'
import * as T from '@gd/tensor'
import { normalizeAxis, permutationOf } from '@gd/tensor/internal'
import { input } from '../internal/args.js'
import { apply } from '../primitive.js'
import { assemble } from '../internal/assemble.js'
import { Region, type LayOut } from '../internal/region.js'
import { Var, toVar, type Input } from '../variable.js'

/**
 * The same elements in a new shape (one entry may be −1). The gradient reshapes back.
 * @example
 * ```ts
 * import { reshape } from '@gd/autograd'
 * import { arange } from '@gd/tensor'
 * reshape(arange(6), [2, 3]).shape // [2, 3]
 * ```
 */
export function reshape(x: Input, shape: readonly number[]): Var {
  const v = toVar('reshape', x)
  if (!Array.isArray(shape) || !shape.every(Number.isSafeInteger)) arrayOf(integer)('reshape', 'shape', shape)
  return apply(
    {
      name: 'reshape',
      forward(t) {
        return T.reshape(t, shape)
      },
      backward(g) {
        return [reshape(g, v.shape)]
      },
    },
    [v],
  )
}

/**
 * Permutes dimensions (reverses them without `perm`). The gradient applies the inverse permutation.
 * @example
 * ```ts
 * import { transpose } from '@gd/autograd'
 * import { zeros } from '@gd/tensor'
 * transpose(zeros([2, 3])).shape // [3, 2]
 * ```
 */
export function transpose(x: Input, perm?: readonly number[]): Var {
  const v = toVar('transpose', x)
  // a plain permutation in one loop; anything else meets the checks one entry at a time, which say what is wrong
  const order = (perm === undefined ? null : permutationOf(perm, v.rank)) ?? checkedOrder(v, perm)
  const inverse = new Array<number>(order.length)
  order.forEach((p, i) => (inverse[p] = i))
  // methods, not arrow properties: a build that keeps function names (tsx's) renames no closure per call
  return apply(
    {
      name: 'transpose',
      forward(t) {
        return T.transpose(t, order)
      },
      backward(g) {
        return [transpose(g, inverse)]
      },
    },
    [v],
  )
}

/** transpose's order of axes, each entry of `perm` checked in turn (reversed axes when there is none). */
function checkedOrder(v: Var, perm: readonly number[] | undefined): number[] {
  const order =
    perm === undefined ? v.shape.map((_, i) => v.rank - 1 - i) : arrayOf(axisOf(v.rank))('transpose', 'perm', perm)
  if (order.length !== v.rank || new Set(order).size !== v.rank) {
    throw complaint('transpose', 'perm', `must be a permutation of the ${v.rank} axes`, perm)
  }
  return order
}

/**
 * Inserts a size-1 axis (via reshape).
 * @example
 * ```ts
 * import { expandDims } from '@gd/autograd'
 * import { zeros } from '@gd/tensor'
 * expandDims(zeros([2]), 0).shape // [1, 2]
 * ```
 */
export function expandDims(x: Input, axis: number): Var {
  const v = toVar('expandDims', x)
  axisOf(v.rank + 1)('expandDims', 'axis', axis)
  return reshape(v, T.expandDims(v.value, axis).shape)
}

/**
 * Removes size-1 axes (via reshape).
 * @example
 * ```ts
 * import { squeeze } from '@gd/autograd'
 * import { zeros } from '@gd/tensor'
 * squeeze(zeros([1, 2])).shape // [2]
 * ```
 */
export function squeeze(x: Input, axes?: number | readonly number[]): Var {
  const v = toVar('squeeze', x)
  optional(axesOf(v.rank))('squeeze', 'axes', axes)
  return reshape(v, T.squeeze(v.value, axes).shape)
}

/**
 * Flattens to one dimension, or to [batch, rest] with `{ keepBatch: true }`.
 * @example
 * ```ts
 * import { flatten } from '@gd/autograd'
 * import { zeros } from '@gd/tensor'
 * flatten(zeros([4, 2, 3]), { keepBatch: true }).shape // [4, 6]
 * ```
 */
export function flatten(x: Input, options: { keepBatch?: boolean } = {}): Var {
  const v = toVar('flatten', x)
  const { keepBatch } = readOptions('flatten', options, { keepBatch: withDefault(boolean, false) })
  return reshape(v, keepBatch ? [v.shape[0] ?? 1, -1] : [v.size])
}

/**
 * A box of `x` (see @gd/tensor's `slice`). The gradient is the cotangent inside the box and zeros
 * outside; the engine lays out the boxes of all slices of one input in a single pass.
 * @example
 * ```ts
 * import { slice } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * slice(tensor([1, 2, 3]), [1], [2]).toArray() // [2, 3]
 * ```
 */
export function slice(x: Input, begin: readonly number[], size: readonly number[] = []): Var {
  const v = toVar('slice', x)
  arrayOf(integer)('slice', 'begin', begin)
  arrayOf(integer)('slice', 'size', size)
  const out = T.slice(v.value, begin, size)
  const start = v.shape.map((d, i) => {
    const b = begin[i] ?? 0
    return b < 0 ? b + d : b
  })
  // the cotangent is g in the box and 0 elsewhere: sent as a Region, which the engine lays out once
  // for all the slices of v (a split into n parts then costs O(size), not O(n · size))
  return apply(
    {
      name: 'slice',
      forward: () => T.contiguous(out),
      backward: (g) => [new Region(start, out.shape, g, layOut) as unknown as Var],
    },
    [v],
  )
}

/** Lays out the boxes that slices of one input sent back (see `internal/region.ts`). */
const layOut: LayOut = (shape, dtype, begins, parts) => assemble(slice, shape, dtype, begins, parts)

const widthPair = rule<readonly [number, number]>(
  'a pair [before, after] of non-negative integers',
  (w) => Array.isArray(w) && w.length === 2 && w.every((n) => Number.isSafeInteger(n) && n >= 0),
)

/**
 * Pads with zeros (or `value`). The gradient slices the padding off.
 * @example
 * ```ts
 * import { pad } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * pad(tensor([1]), [[1, 1]]).toArray() // [0, 1, 0]
 * ```
 */
export function pad(x: Input, widths: readonly (readonly [number, number])[], value = 0): Var {
  const v = toVar('pad', x)
  arrayOf(widthPair)('pad', 'widths', widths)
  number('pad', 'value', value)
  const begin = v.shape.map((_, i) => widths[i]?.[0] ?? 0)
  return apply({ name: 'pad', forward: (t) => T.pad(t, widths, value), backward: (g) => [slice(g, begin, v.shape)] }, [
    v,
  ])
}

/** A non-empty list of inputs, each checked and wrapped. */
function inputs(fn: string, xs: readonly Input[]): Var[] {
  if (!Array.isArray(xs) || xs.length === 0) fail(fn, 'xs', 'a non-empty array of Tensors, Vars or numbers', xs)
  return xs.map((x, i) => toVar(fn, input(fn, `xs[${i}]`, x)))
}

/**
 * Joins along an axis. The gradient splits the cotangent into the inputs' sizes.
 * @example
 * ```ts
 * import { concat } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * concat([tensor([1]), tensor([2, 3])]).toArray() // [1, 2, 3]
 * ```
 */
export function concat(xs: readonly Input[], axis = 0): Var {
  const vars = inputs('concat', xs)
  integer('concat', 'axis', axis)
  const ax = normalizeAxis('concat', axis, vars[0]!.rank)
  const sizes = vars.map((v) => v.shape[ax] ?? 0)
  return apply({ name: 'concat', forward: (...ts) => T.concat(ts, ax), backward: (g) => split(g, sizes, ax) }, vars)
}

/**
 * Stacks along a new axis (composed from expandDims and concat).
 * @example
 * ```ts
 * import { stack } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * stack([tensor([1]), tensor([2])]).shape // [2, 1]
 * ```
 */
export function stack(xs: readonly Input[], axis = 0): Var {
  const vars = inputs('stack', xs)
  integer('stack', 'axis', axis)
  const ax = normalizeAxis('stack', axis, vars[0]!.rank + 1)
  return concat(
    vars.map((v) => expandDims(v, ax)),
    ax,
  )
}

// The list comes first: concat's backward splits by a list on every step, and a check that fails
// first builds an Error that `either` throws away.
const sectionsCheck = either(arrayOf(nonNegativeInteger), positiveInteger, 'a positive integer or a list of sizes')

/**
 * Splits along an axis into equal sections or given sizes (composed from slice).
 * @example
 * ```ts
 * import { split } from '@gd/autograd'
 * import { arange } from '@gd/tensor'
 * split(arange(4), 2).map((p) => p.toArray()) // [[0, 1], [2, 3]]
 * ```
 */
export function split(x: Input, sections: number | readonly number[], axis = 0): Var[] {
  const v = toVar('split', x)
  sectionsCheck('split', 'sections', sections)
  integer('split', 'axis', axis)
  const parts = T.split(v.value, sections, axis)
  const ax = normalizeAxis('split', axis, v.rank)
  let start = 0
  return parts.map((p) => {
    const begin = v.shape.map((_, i) => (i === ax ? start : 0))
    start += p.shape[ax]!
    return slice(v, begin, p.shape)
  })
}

/**
 * Reverses along axes. The gradient flips back.
 * @example
 * ```ts
 * import { flip } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * flip(tensor([1, 2])).toArray() // [2, 1]
 * ```
 */
export function flip(x: Input, axes?: number | readonly number[]): Var {
  const v = toVar('flip', x)
  optional(axesOf(v.rank))('flip', 'axes', axes)
  return apply({ name: 'flip', forward: (t) => T.contiguous(T.flip(t, axes)), backward: (g) => [flip(g, axes)] }, [v])
}

const int32Tensor = rule<T.Tensor>('an int32 Tensor', (t) => t instanceof T.Tensor && t.dtype === 'int32')

/**
 * Picks slices along an axis by int32 indices. The gradient scatters the cotangent back, adding
 * where an index repeats.
 * @example
 * ```ts
 * import { gather } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * gather(tensor([5, 6, 7]), tensor([2, 0], { dtype: 'int32' })).toArray() // [7, 5]
 * ```
 */
export function gather(x: Input, indices: T.Tensor, axis = 0): Var {
  const v = toVar('gather', x)
  int32Tensor('gather', 'indices', indices)
  integer('gather', 'axis', axis)
  return apply(
    {
      name: 'gather',
      forward(t) {
        return T.gather(t, indices, axis)
      },
      backward(g) {
        return [scatterAdd(v.shape, indices, g, axis)]
      },
    },
    [v],
  )
}

/**
 * Adds slices of `updates` into zeros of `shape` at int32 indices along an axis. The gradient
 * gathers the cotangent at the same indices.
 * @example
 * ```ts
 * import { scatterAdd } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * scatterAdd([2], tensor([1, 1], { dtype: 'int32' }), tensor([3, 4])).toArray() // [0, 7]
 * ```
 */
export function scatterAdd(shape: readonly number[], indices: T.Tensor, updates: Input, axis = 0): Var {
  shapeCheck('scatterAdd', 'shape', shape)
  int32Tensor('scatterAdd', 'indices', indices)
  const u = toVar('scatterAdd', updates, 'float32', 'updates')
  integer('scatterAdd', 'axis', axis)
  return apply(
    {
      name: 'scatterAdd',
      forward(u) {
        return T.scatterAdd(shape, indices, u, axis)
      },
      backward(g) {
        return [gather(g, indices, axis)]
      },
    },
    [u],
  )
}

/**
 * One-hot encoding of int32 class indices; a constant (indices get no gradient).
 * @example
 * ```ts
 * import { oneHot } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * oneHot(tensor([1], { dtype: 'int32' }), 2).toArray() // [[0, 1]]
 * ```
 */
export function oneHot(indices: T.Tensor, depth: number, options: { dtype?: 'float32' | 'float64' } = {}): Var {
  int32Tensor('oneHot', 'indices', indices)
  positiveInteger('oneHot', 'depth', depth)
  const { dtype } = readOptions('oneHot', options, {
    dtype: withDefault(oneOf(['float32', 'float64'] as const), 'float32'),
  })
  return new Var(T.oneHot(indices, depth, { dtype }))
}
