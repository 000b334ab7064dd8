import { Tensor } from './tensor.js'

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
  visit('treeLeaves', tree, '', (leaf) => out.push(leaf))
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
  const walk = (node: Tree, rest: Tree[], path: string): Tree => {
    if (node instanceof Tensor) {
      rest.forEach((r, i) => {
        if (!(r instanceof Tensor)) throw mismatch(path, `tree ${i + 1} has no tensor there`)
      })
      return fn(node, ...(rest as Tensor[]))
    }
    if (Array.isArray(node)) {
      rest.forEach((r, i) => {
        if (!Array.isArray(r) || r.length !== node.length) {
          throw mismatch(path, `expected an array of length ${node.length} in tree ${i + 1}`)
        }
      })
      return node.map((child: Tree, k: number) =>
        walk(child, rest.map((r) => (r as readonly Tree[])[k]!), `${path}[${k}]`),
      )
    }
    if (isPlainObject(node)) {
      const keys = Object.keys(node)
      const out: Record<string, Tree> = {}
      for (const [i, r] of rest.entries()) {
        const rk = isPlainObject(r) ? Object.keys(r) : null
        if (rk === null || rk.length !== keys.length || !keys.every((k) => k in r)) {
          throw mismatch(path, `expected an object with keys ${keys.join(', ')} in tree ${i + 1}`)
        }
      }
      for (const k of keys) {
        const obj = node as { readonly [key: string]: Tree }
        out[k] = walk(obj[k]!, rest.map((r) => (r as { readonly [key: string]: Tree })[k]!), `${path}.${k}`)
      }
      return out
    }
    throw new Error(`treeMap: leaf at ${path || 'the root'} is not a tensor: ${typeof node}`)
  }
  return walk(tree, others, '')
}

function visit(op: string, node: Tree, path: string, fn: (leaf: Tensor) => void): void {
  if (node instanceof Tensor) fn(node)
  else if (Array.isArray(node)) node.forEach((c: Tree, i: number) => visit(op, c, `${path}[${i}]`, fn))
  else if (isPlainObject(node)) {
    for (const [k, c] of Object.entries(node)) visit(op, c, `${path}.${k}`, fn)
  } else throw new Error(`${op}: leaf at ${path || 'the root'} is not a tensor: ${typeof node}`)
}

function isPlainObject(x: unknown): x is { readonly [key: string]: Tree } {
  if (x === null || typeof x !== 'object') return false
  const proto = Object.getPrototypeOf(x)
  return proto === Object.prototype || proto === null
}

function mismatch(path: string, what: string): Error {
  return new Error(`treeMap: tree structures differ at ${path || 'the root'}: ${what}`)
}
