import * as T from '@gd/tensor'
import { apply } from '../primitive.js'
import { toVar, type Input, type Var } from '../variable.js'
import { reshape } from './shape.js'
import { arrayOf, nonNegativeInteger, shape as shapeCheck } from '@gd/check'
import { reduceOptions } from '../internal/args.js'

// sum and broadcastTo are each other's gradients, so they live together (with sumTo and tile,
// which are built on them) to keep the module graph free of cycles.

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i])

/**
 * Σ x over the given axes. The gradient broadcasts the cotangent back over the summed axes.
 * @example
 * ```ts
 * import { sum } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * sum(tensor([[1, 2], [3, 4]]), { axis: 0 }).toArray() // [4, 6]
 * ```
 */
export function sum(x: Input, options: T.ReduceOptions = {}): Var {
  const v = toVar('sum', x)
  const o = reduceOptions('sum', options, v.rank)
  const kept = v.shape.map((d, i) => (o.axis === undefined || (o.axis as number[]).includes(i) ? 1 : d))
  return apply(
    { name: 'sum', forward: (t) => T.sum(t, o), backward: (g) => [broadcastTo(reshape(g, kept), v.shape)] },
    [v],
  )
}

/**
 * Broadcasts to `shape`. The gradient sums over the broadcast dimensions.
 * @example
 * ```ts
 * import { broadcastTo } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * broadcastTo(tensor([1, 2]), [3, 2]).shape // [3, 2]
 * ```
 */
export function broadcastTo(x: Input, shape: readonly number[]): Var {
  const v = toVar('broadcastTo', x)
  shapeCheck('broadcastTo', 'shape', shape)
  if (same(v.shape, shape)) return v
  return apply({ name: 'broadcastTo', forward: (t) => T.contiguous(T.broadcastTo(t, shape)), backward: (g) => [sumTo(g, v.shape)] }, [v])
}

/**
 * Sums `x` down to `shape`, the reverse of broadcasting: leading axes and axes where `shape` has 1
 * are summed. The engine uses it to return every gradient in its input's shape.
 * @example
 * ```ts
 * import { sumTo } from '@gd/autograd'
 * import { ones } from '@gd/tensor'
 * sumTo(ones([3, 2]), [2]).toArray() // [3, 3]
 * ```
 */
export function sumTo(x: Var, shape: readonly number[]): Var {
  const v = toVar('sumTo', x)
  shapeCheck('sumTo', 'shape', shape)
  if (same(v.shape, shape)) return v
  const lead = v.rank - shape.length
  if (lead < 0) throw new Error(`sumTo: cannot sum shape ${T.fmt(v.shape)} down to ${T.fmt(shape)}`)
  const axes: number[] = []
  v.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i)
  })
  const summed = axes.length > 0 ? sum(v, { axis: axes, keepdims: true }) : v
  return reshape(summed, shape)
}

/**
 * Repeats along axes (composed: reshape, broadcast, reshape).
 * @example
 * ```ts
 * import { tile } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * tile(tensor([1, 2]), [2]).toArray() // [1, 2, 1, 2]
 * ```
 */
export function tile(x: Input, reps: readonly number[]): Var {
  const v = toVar('tile', x)
  arrayOf(nonNegativeInteger)('tile', 'reps', reps)
  const out = T.tile(T.zeros(v.shape), reps).shape
  const rank = out.length
  const shape = [...new Array<number>(rank - v.rank).fill(1), ...v.shape]
  const r = out.map((d, i) => (shape[i] === 0 ? 0 : d / shape[i]!))
  const interleaved = reshape(v, shape.flatMap((d) => [1, d]))
  return reshape(broadcastTo(interleaved, shape.flatMap((d, i) => [r[i]!, d])), out)
}
