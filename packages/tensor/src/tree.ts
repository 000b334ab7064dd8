import { func, isPlainObject, string } from '@gd/check'
import { isTensor } from './internal/args.js'
import { typeName } from './shape.js'
import type { Tensor } from './tensor.js'

/**
 * A parameter tree: a tensor, or plain objects and arrays nested to any depth whose leaves are
 * tensors. Models, gradients, optimizer state and updates all share this shape.
 *
 * @example
 * ```ts
 * import { zeros, type Tree } from '@gd/tensor'
 * const params: Tree = { w: zeros([3, 2]), b: zeros([2]), extra: [zeros([1])] }
 * ```
 */
export type Tree = Tensor | readonly Tree[] | { readonly [key: string]: Tree }

/**
 * The leaves of a tree in a fixed order (depth first, object keys in insertion order).
 *
 * @throws Error naming the path of any leaf that is not a tensor.
 * @example
 * ```ts
 * import { treeLeaves, zeros } from '@gd/tensor'
 * treeLeaves({ w: zeros([2]), b: zeros([1]) }).length // 2
 * ```
 */
export function treeLeaves(tree: Tree): Tensor[] {
  const out: Tensor[] = []
  mapStructure('treeLeaves', isTensor, (leaf: Tensor) => out.push(leaf), tree)
  return out
}

/**
 * Applies `fn` to every leaf of `tree` (and the matching leaves of `others`, which must have the
 * same structure), returning a new tree of the results. Inputs are not modified.
 *
 * @throws Error naming the path where the trees' structures differ.
 * @example
 * ```ts
 * import { treeMap, tensor } from '@gd/tensor'
 * const doubled = treeMap((t) => tensor(Array.from(t.data, (x) => 2 * x)), { a: tensor([1, 2]) })
 * ```
 */
export function treeMap<R extends Tree = Tensor>(
  fn: (leaf: Tensor, ...rest: Tensor[]) => R,
  tree: Tree,
  ...others: Tree[]
): Tree {
  func('treeMap', 'fn', fn)
  return mapStructure('treeMap', isTensor, fn, tree, ...others) as Tree
}

/**
 * The walker behind {@link treeMap}, for trees whose leaves are recognised by `isLeaf` (for example
 * tensors and the traced values of @gd/autograd). Nested plain objects and arrays are structure;
 * anything else that is not a leaf is an error naming its path.
 *
 * @example
 * ```ts
 * import { mapStructure } from '@gd/tensor'
 * mapStructure('double', (x): x is number => typeof x === 'number', (x: number) => 2 * x, { a: [1, 2] })
 * // { a: [2, 4] }
 * ```
 */
export function mapStructure<L>(
  op: string,
  isLeaf: (x: unknown) => x is L,
  fn: (leaf: L, ...rest: L[]) => unknown,
  tree: unknown,
  ...others: unknown[]
): unknown {
  string('mapStructure', 'op', op)
  func(op, 'isLeaf', isLeaf)
  func(op, 'fn', fn)
  const mismatch = (path: string, what: string): Error =>
    new Error(`${op}: tree structures differ at ${path || 'the root'}: ${what}`)
  const walk = (node: unknown, rest: unknown[], path: string): unknown => {
    if (isLeaf(node)) {
      rest.forEach((r, i) => {
        if (!isLeaf(r)) throw mismatch(path, `tree ${i + 1} has no leaf there`)
      })
      return fn(node, ...(rest as L[]))
    }
    if (Array.isArray(node)) {
      rest.forEach((r, i) => {
        if (!Array.isArray(r) || r.length !== node.length) {
          throw mismatch(path, `expected an array of length ${node.length} in tree ${i + 1}`)
        }
      })
      return node.map((child: unknown, k: number) =>
        walk(
          child,
          rest.map((r) => (r as unknown[])[k]),
          `${path}[${k}]`,
        ),
      )
    }
    if (isPlainObject(node)) {
      const keys = Object.keys(node)
      for (const [i, r] of rest.entries()) {
        const rk = isPlainObject(r) ? Object.keys(r) : null
        if (rk === null || rk.length !== keys.length || !keys.every((k) => k in (r as object))) {
          throw mismatch(path, `expected an object with keys ${keys.join(', ')} in tree ${i + 1}`)
        }
      }
      const out: Record<string, unknown> = {}
      for (const k of keys) {
        out[k] = walk(
          node[k],
          rest.map((r) => (r as Record<string, unknown>)[k]),
          `${path}.${k}`,
        )
      }
      return out
    }
    throw new Error(
      `${op}: leaf at ${path || 'the root'} is not a ${isLeaf === isTensor ? 'tensor' : 'valid leaf'}: ${typeName(node)}`,
    )
  }
  return walk(tree, others, '')
}
