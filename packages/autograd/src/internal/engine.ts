import { Tensor, fmt, mapStructure, zeros } from '@gd/tensor'
import { Var, leaf, withRecording } from '../variable.js'
import * as T from '@gd/tensor'
import { add } from '../ops/arithmetic.js'
import { primitive } from '../primitive.js'
import { sumTo } from '../ops/broadcast.js'

/**
 * Walks the graph from `output` back to `leaves`, seeding the output with `seed`, and returns the
 * cotangent of each leaf (zeros where the output does not depend on a leaf).
 *
 * Only nodes made at or after `startId` are walked: whatever existed before the transform began is a
 * constant to it. Cotangents that an op returns in a broadcast shape are summed back to the input's
 * shape here, once for all ops. With `createGraph` false the rules run with recording off, so a
 * first-order gradient keeps no second-order graph.
 * @internal
 */
export function backpropagate(output: Var, seed: Var, leaves: readonly Var[], startId: number, createGraph: boolean): Var[] {
  const order = topologicalOrder(output, startId)
  const grads = new Map<Var, Var>([[output, seed]])
  const keep = new Set(leaves)
  withRecording(createGraph, () => {
    for (let i = order.length - 1; i >= 0; i--) {
      const node = order[i]!
      const g = grads.get(node)
      if (g === undefined || node.backward === null) continue
      if (!keep.has(node)) grads.delete(node)
      const parentGrads = node.backward(g)
      node.parents.forEach((p, k) => {
        const pg = parentGrads[k]
        if (pg === null || pg === undefined || !p.tracked || p.id < startId) return
        const reduced = castTo(sumTo(pg, p.shape), p.dtype)
        const prev = grads.get(p)
        grads.set(p, prev === undefined ? reduced : add(prev, reduced))
      })
    }
  })
  return leaves.map((l) => grads.get(l) ?? new Var(zeros(l.shape, { dtype: l.dtype })))
}

/** Tracked nodes reachable from `output` and made at or after `startId`, parents before children. */
function topologicalOrder(output: Var, startId: number): Var[] {
  const order: Var[] = []
  const state = new Map<Var, number>()
  const stack: [Var, number][] = [[output, 0]]
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!
    const [node, next] = top
    if (next === 0) {
      if (state.has(node)) {
        stack.pop()
        continue
      }
      state.set(node, 1)
    }
    const parents = node.parents
    let k = next
    while (k < parents.length && (!parents[k]!.tracked || parents[k]!.id < startId || state.has(parents[k]!))) k++
    if (k < parents.length) {
      top[1] = k + 1
      stack.push([parents[k]!, 0])
    } else {
      stack.pop()
      order.push(node)
    }
  }
  return order
}

/** A leaf of a differentiable tree: a tensor or a traced value. @internal */
export const isLeafValue = (x: unknown): x is Tensor | Var => x instanceof Tensor || x instanceof Var

/** Tracked leaves for every tensor in a tree, and the tree rebuilt from them. @internal */
export function trace(op: string, tree: unknown): { leaves: Var[]; traced: unknown } {
  const leaves: Var[] = []
  const traced = mapStructure(op, isLeafValue, (x: Tensor | Var) => {
    if (x.dtype !== 'float32' && x.dtype !== 'float64') {
      throw new Error(`${op}: can only differentiate float32 or float64 inputs, got ${x.dtype} of shape ${fmt(x.shape)}`)
    }
    const l = leaf(x)
    leaves.push(l)
    return l
  }, tree)
  return { leaves, traced }
}

/** Puts `values` (in leaf order) back into the structure of `tree`. @internal */
export function untrace(op: string, tree: unknown, values: readonly unknown[]): unknown {
  let i = 0
  return mapStructure<Tensor | Var>(op, isLeafValue, () => values[i++], tree)
}

/** Converts to another float dtype; the gradient converts back. @internal */
function castTo(x: Var, dtype: T.DType): Var {
  if (x.dtype === dtype) return x
  return castOp(x, dtype)
}
const castOp = (x: Var, dtype: T.DType): Var =>
  primitive({ name: 'cast', forward: (v) => T.cast(v, dtype), backward: (g, [v]) => [castTo(g, v!.dtype)] })(x)
