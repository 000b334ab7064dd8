import { zeros } from '@gd/tensor'
import { formatList } from '@gd/tensor/internal'
import { Var, leaf, withRecording, type Level } from '../variable.js'
import * as T from '@gd/tensor'
import { add } from '../ops/arithmetic.js'
import { Region } from './region.js'
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
export function backpropagate(
  output: Var,
  seed: Var,
  leaves: readonly Var[],
  level: Level,
  createGraph: boolean,
): Var[] {
  const order = topologicalOrder(output, level)
  const grads = new Map<Var, Cotangent>([[output, { full: seed, regions: null }]])
  const keep = new Set(leaves)
  const result = new Map<Var, Var>()
  walk(level, () =>
    withRecording(createGraph, () => {
      for (let i = order.length - 1; i >= 0; i--) {
        const node = order[i]!
        const acc = grads.get(node)
        if (acc === undefined) continue
        if (keep.has(node)) result.set(node, total(node, acc))
        if (node.backward === null) continue
        grads.delete(node)
        const parentGrads = node.backward(result.get(node) ?? total(node, acc))
        const parents = node.parents
        for (let k = 0; k < parents.length; k++) {
          const p = parents[k]!
          const pg = parentGrads[k] as Var | Region | null | undefined
          if (pg === null || pg === undefined || !within(p, level)) continue
          let prev = grads.get(p)
          if (prev === undefined) grads.set(p, (prev = { full: undefined, regions: null }))
          if (pg instanceof Region) {
            const box = new Region(pg.begin, pg.shape, castTo(sumToShape(pg.part, pg.shape), p.dtype), pg.layOut)
            if (prev.regions === null) prev.regions = [box]
            else prev.regions.push(box)
            continue
          }
          const reduced = castTo(sumToShape(pg, p.shape), p.dtype)
          prev.full = prev.full === undefined ? reduced : add(prev.full, reduced)
        }
      }
    }),
  )
  return leaves.map((l) => result.get(l) ?? new Var(zeros(l.shape, { dtype: l.dtype })))
}

/** A node's cotangent while the walk collects it: a full part, and boxes that slices sent back. */
interface Cotangent {
  full: Var | undefined
  /** null until a slice sends a box (most nodes get none: no array for each) */
  regions: Region[] | null
}

/** The cotangent of `node`: the full part plus every box laid out in one pass. */
function total(node: Var, acc: Cotangent): Var {
  const regions = acc.regions
  if (regions === null) return acc.full!
  const boxes = regions[0]!.layOut(
    node.shape,
    node.dtype,
    regions.map((r) => r.begin),
    regions.map((r) => r.part),
  )
  return acc.full === undefined ? boxes : add(acc.full, boxes)
}

/** The number of the latest topologicalOrder walk: its nodes carry it in `visited`. */
let walks = 0

/**
 * Nodes of `level` reachable from `output`, parents before children: a depth-first walk, each node
 * stamped with the walk's number when first reached, its stack held as two parallel arrays. The walk
 * runs to its end before any rule runs, so a nested walk (a rule that runs a transform) never
 * interleaves with it.
 */
function topologicalOrder(output: Var, level: Level): Var[] {
  if (!within(output, level)) return []
  const walk = ++walks
  const order: Var[] = []
  const nodes: Var[] = [output] // the stack: a node, and the next of its parents to visit
  const next: number[] = [0]
  output.visited = walk
  while (nodes.length > 0) {
    const top = nodes.length - 1
    const node = nodes[top]!
    const parents = node.parents
    let k = next[top]!
    while (k < parents.length && (!within(parents[k]!, level) || parents[k]!.visited === walk)) k++
    if (k < parents.length) {
      next[top] = k + 1
      const p = parents[k]!
      p.visited = walk
      nodes.push(p)
      next.push(0)
    } else {
      nodes.pop()
      next.pop()
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
export function trace(
  op: string,
  name: string,
  tree: unknown,
  level: Level,
): { leaves: Var[]; traced: unknown; rebuild: (values: readonly unknown[]) => unknown } {
  const { leaves: xs, rebuild } = flatten(op, name, tree)
  for (const x of xs) {
    if (x.dtype !== 'float32' && x.dtype !== 'float64') {
      throw new Error(
        `${op}: can only differentiate float32 or float64 inputs, got ${x.dtype} of shape ${formatList(x.shape)}`,
      )
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
