import * as T from '@gd/tensor'
import { apply } from '../primitive.js'
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
  return apply({ name: 'reshape', forward: (t) => T.reshape(t, shape), backward: (g) => [reshape(g, v.shape)] }, [v])
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
  const order = perm ?? v.shape.map((_, i) => v.rank - 1 - i)
  const inverse = new Array<number>(order.length)
  order.forEach((p, i) => (inverse[p < 0 ? p + v.rank : p] = i))
  return apply({ name: 'transpose', forward: (t) => T.transpose(t, order), backward: (g) => [transpose(g, inverse)] }, [v])
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
  return reshape(v, options.keepBatch === true ? [v.shape[0] ?? 1, -1] : [v.size])
}

/**
 * A box of `x` (see @gd/tensor's `slice`). The gradient pads the cotangent back with zeros.
 * @example
 * ```ts
 * import { slice } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * slice(tensor([1, 2, 3]), [1], [2]).toArray() // [2, 3]
 * ```
 */
export function slice(x: Input, begin: readonly number[], size: readonly number[] = []): Var {
  const v = toVar('slice', x)
  const out = T.slice(v.value, begin, size)
  const start = v.shape.map((d, i) => {
    const b = begin[i] ?? 0
    return b < 0 ? b + d : b
  })
  const widths = v.shape.map((d, i) => [start[i]!, d - start[i]! - out.shape[i]!] as [number, number])
  return apply({ name: 'slice', forward: () => T.contiguous(out), backward: (g) => [pad(g, widths)] }, [v])
}

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
  const begin = v.shape.map((_, i) => widths[i]?.[0] ?? 0)
  return apply({ name: 'pad', forward: (t) => T.pad(t, widths, value), backward: (g) => [slice(g, begin, v.shape)] }, [v])
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
  if (xs.length === 0) throw new Error('concat: expected at least one input, got an empty list')
  const vars = xs.map((x) => toVar('concat', x))
  const ax = T.normalizeAxis('concat', axis, vars[0]!.rank)
  const sizes = vars.map((v) => v.shape[ax] ?? 0)
  return apply(
    { name: 'concat', forward: (...ts) => T.concat(ts, ax), backward: (g) => split(g, sizes, ax) },
    vars,
  )
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
  if (xs.length === 0) throw new Error('stack: expected at least one input, got an empty list')
  const vars = xs.map((x) => toVar('stack', x))
  const ax = T.normalizeAxis('stack', axis, vars[0]!.rank + 1)
  return concat(vars.map((v) => expandDims(v, ax)), ax)
}

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
  const parts = T.split(v.value, sections, axis)
  const ax = T.normalizeAxis('split', axis, v.rank)
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
  return apply(
    { name: 'flip', forward: (t) => T.contiguous(T.flip(t, axes)), backward: (g) => [flip(g, axes)] },
    [toVar('flip', x)],
  )
}

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
  return apply(
    { name: 'gather', forward: (t) => T.gather(t, indices, axis), backward: (g) => [scatterAdd(v.shape, indices, g, axis)] },
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
  return apply(
    {
      name: 'scatterAdd',
      forward: (u) => T.scatterAdd(shape, indices, u, axis),
      backward: (g) => [gather(g, indices, axis)],
    },
    [toVar('scatterAdd', updates)],
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
  return new Var(T.oneHot(indices, depth, options))
}
