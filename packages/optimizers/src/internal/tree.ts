import type { Tensor, Tree } from '@gd/tensor'

// The optimizers' own walk over parameter trees. @gd/tensor's `treeMap` recognises a leaf with
// `instanceof Tensor`, and that one reference bundles the whole Tensor class (esbuild cannot drop
// unused methods) into every optimizer; this walk, `bufferLike` and `tensorLike` keep the class out
// of a bundle such as `adam` alone. Nested arrays and plain objects are structure, in the same order
// as `treeLeaves`; anything else is a leaf, checked to be a float tensor where it is read (`floatData`).

/** Applies `f` to every leaf (depth first, object keys in insertion order), returning a new tree. */
export function mapTree(tree: Tree, f: (leaf: Tensor) => Tensor): Tree {
  if (Array.isArray(tree)) return tree.map((t: Tree) => mapTree(t, f))
  if (!isStructure(tree)) return f(tree as Tensor)
  const out: Record<string, Tree> = {}
  for (const k of Object.keys(tree)) out[k] = mapTree((tree as Record<string, Tree>)[k]!, f)
  return out
}

/** The leaves of a tree, in {@link mapTree}'s order. */
export function leavesOf(tree: Tree): Tensor[] {
  const out: Tensor[] = []
  mapTree(tree, (t) => (out.push(t), t))
  return out
}

/** A plain object (its prototype is Object.prototype or null), walked as structure. */
function isStructure(x: unknown): boolean {
  const proto = typeof x === 'object' && x !== null && Object.getPrototypeOf(x)
  return proto === Object.prototype || proto === null
}

/** A zeroed buffer with the dtype and size of the float tensor `t`. */
export const bufferLike = (t: Tensor): Float32Array | Float64Array =>
  t.dtype === 'float64' ? new Float64Array(t.size) : new Float32Array(t.size)

/**
 * A fresh zeroed tensor with the class, dtype and shape of the float tensor `t`: its constructor
 * is taken from `t`, so this module needs no value import of `Tensor`.
 */
export const tensorLike = (t: Tensor): Tensor => new (t.constructor as typeof Tensor)(bufferLike(t), t.shape, t.dtype)
