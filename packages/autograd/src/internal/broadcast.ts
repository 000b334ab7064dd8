import * as T from '@gd/tensor'
import { formatList } from '@gd/tensor/internal'
import { apply } from '../primitive.js'
import type { Var } from '../variable.js'
import { reshape } from '../ops/shape.js'

// sum, broadcastTo and sumTo without argument checks: each other's gradients, and the engine's
// reduction of every broadcast cotangent. The exported ops check their arguments, then call these.

function same(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * sum with its options already read; with a `divisor` (a scalar Var of the sum's dtype) and `divide` (autograd's
 * `div`, passed in so that a bundle without a mean carries no division), the sum divided by it in the same
 * primitive: `div(sumOf(v, o), divisor)` computed by the same ops (a float mean), one node instead of two, whose
 * rule is the div's rule for its dividend and then the sum's. @internal
 */
export function sumOf(v: Var, o: T.ReduceOptions, divisor?: Var, divide?: (a: Var, b: Var) => Var): Var {
  const kept = v.shape.map((d, i) => (o.axis === undefined || (o.axis as number[]).includes(i) ? 1 : d))
  return apply(
    {
      name: divisor === undefined ? 'sum' : 'div', // a mean's Var prints as Var(div), as the composite's did
      forward(t) {
        const s = T.sum(t, o)
        return divisor === undefined ? s : T.div(s, divisor.value)
      },
      backward(g) {
        const q = divisor === undefined ? g : divide!(g, divisor)
        // q broadcasts as it is when its shape is kept's without leading 1s (a sum over leading axes, or over all)
        return [broadcastToShape(endsWith(kept, q.shape) ? q : reshape(q, kept), v.shape)]
      },
    },
    [v],
  )
}

/** broadcastTo of a checked shape. @internal */
export function broadcastToShape(v: Var, shape: readonly number[]): Var {
  if (same(v.shape, shape)) return v
  return apply(
    {
      name: 'broadcastTo',
      forward(t) {
        return T.contiguous(T.broadcastTo(t, shape))
      },
      backward(g) {
        return [sumToShape(g, v.shape)]
      },
    },
    [v],
  )
}

/** sumTo without the argument checks, for the engine (every cotangent passes through it). @internal */
export function sumToShape(v: Var, shape: readonly number[]): Var {
  if (same(v.shape, shape)) return v
  const lead = v.rank - shape.length
  if (lead < 0) throw new Error(`sumTo: cannot sum shape ${formatList(v.shape)} down to ${formatList(shape)}`)
  const axes: number[] = []
  v.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i)
  })
  // summing over leading axes only gives `shape` itself: no size-1 axes to keep, then reshape away
  if (axes.length > 0 && axes.length === lead && endsWith(shape, v.shape.slice(lead))) return sumOf(v, { axis: axes })
  const summed = axes.length > 0 ? sumOf(v, { axis: axes, keepdims: true }) : v
  return reshape(summed, shape)
}

/** Whether `shape` is `tail` with size-1 axes (or none) before it: the same elements, broadcast alike. */
function endsWith(shape: readonly number[], tail: readonly number[]): boolean {
  const lead = shape.length - tail.length
  if (lead < 0) return false
  for (let i = 0; i < lead; i++) if (shape[i] !== 1) return false
  for (let i = 0; i < tail.length; i++) if (shape[lead + i] !== tail[i]) return false
  return true
}
