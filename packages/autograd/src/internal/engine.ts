import { fmt, zeros } from '@gd/tensor'
import { Var, leaf, withRecording, type Level } from '../variable.js'
import * as T from '@gd/tensor'
import { add } from '../ops/arithmetic.js'
import { primitive } from '../primitive.js'
import { sumToShape } from './broadcast.js'
import { flatten } from './tree.js'
import { walk, within } from './walk.js'

/**
 * Walks the graph from `output` back to `leaves`, seeding the output with `seed`, and returns the
 * cotangent of each leaf (zeros where the output does not depend on a leaf).
 *
 * Only nodes of `level` are walked (those that depend on its leaves, made after it opened): values
 * of enclosing transforms are constants to it. Cotangents that an op returns in a broadcast shape
 * are summed back to the input's shape here, once for all ops. With `createGraph` false the rules run with recording off, so a
 * first-order gradient keeps no second-order graph.
 * @internal
 */
export function backpropagate(output: Var, seed: Var, leaves: readonly Var[], level: Level, createGraph: boolean): Var[] {
  const order = topologicalOrder(output, level)
  const grads = new Map<Var, Var>([[output, seed]])
  const keep = new Set(leaves)
  walk(level, () => withRecording(createGraph, () => {
    for (let i = order.length - 1; i >= 0; i--) {
      const node = order[i]!
      const g = grads.get(node)
      if (g === undefined || node.backward === null) continue
      if (!keep.has(node)) grads.delete(node)
      const parentGrads = node.backward(g)
      node.parents.forEach((p, k) => {
        const pg = parentGrads[k]
        if (pg === null || pg === undefined || !within(p, level)) return
        const reduced = castTo(sumToShape(pg, p.shape), p.dtype)
        const prev = grads.get(p)
        grads.set(p, prev === undefined ? reduced : add(prev, reduced))
      })
    }
  }))
  return leaves.map((l) => grads.get(l) ?? new Var(zeros(l.shape, { dtype: l.dtype })))
}

/** Nodes of `level` reachable from `output`, parents before children. */
function topologicalOrder(output: Var, level: Level): Var[] {
  if (!within(output, level)) return []
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
    while (k < parents.length && (!within(parents[k]!, level) || state.has(parents[k]!))) k++
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

/**
 * Tracked leaves of `level` for every tensor in a tree (checked float), and `rebuild` to put values
 * back into the tree's structure. `name` names the tree in messages.
 * @internal
 */
export function trace(op: string, name: string, tree: unknown, level: Level): { leaves: Var[]; traced: unknown; rebuild: (values: readonly unknown[]) => unknown } {
  const { leaves: xs, rebuild } = flatten(op, name, tree)
  for (const x of xs) {
    if (x.dtype !== 'float32' && x.dtype !== 'float64') {
      throw new Error(`${op}: can only differentiate float32 or float64 inputs, got ${x.dtype} of shape ${fmt(x.shape)}`)
    }
  }
  const leaves = xs.map((x) => leaf(x, level))
  return { leaves, traced: rebuild(leaves), rebuild }
}

/** Converts to another float dtype; the gradient converts back. @internal */
function castTo(x: Var, dtype: T.DType): Var {
  if (x.dtype === dtype) return x
  return castOp(x, dtype)
}
const castOp = (x: Var, dtype: T.DType): Var =>
  primitive({ name: 'cast', forward: (v) => T.cast(v, dtype), backward: (g, [v]) => [castTo(g, v!.dtype)] })(x)
