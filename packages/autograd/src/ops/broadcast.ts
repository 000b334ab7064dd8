import * as T from '@gd/tensor'
import { toVar, type Input, type Var } from '../variable.js'
import { reshape } from './shape.js'
import { arrayOf, isShape, nonNegativeInteger, shape as shapeCheck } from '@gd/check'
import { reduceOptions } from '../internal/args.js'
import { broadcastToShape, sumOf, sumToShape } from '../internal/broadcast.js'

// sum and broadcastTo are each other's gradients; their unchecked forms, which the engine and the
// gradient rules use, live together in internal/broadcast.ts.

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
  return sumOf(v, reduceOptions('sum', options, v.rank))
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
  if (!isShape(shape)) shapeCheck('broadcastTo', 'shape', shape)
  return broadcastToShape(v, shape)
}

/**
 * Sums `x` down to `shape`, the reverse of broadcasting: leading axes and axes where `shape` has 1
 * are summed. The engine uses it to return every gradient in its input's shape.
 * @example
 * ```ts
 * import { sumTo, Var } from '@gd/autograd'
 * import { ones } from '@gd/tensor'
 * sumTo(new Var(ones([3, 2])), [2]).value.toArray() // [3, 3]
 * ```
 */
export function sumTo(x: Var, shape: readonly number[]): Var {
  const v = toVar('sumTo', x)
  if (!isShape(shape)) shapeCheck('sumTo', 'shape', shape)
  return sumToShape(v, shape)
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
  const interleaved = reshape(
    v,
    shape.flatMap((d) => [1, d]),
  )
  return reshape(
    broadcastTo(
      interleaved,
      shape.flatMap((d, i) => [r[i]!, d]),
    ),
    out,
  )
}
