import { complaint, fail, isPlainObject, show } from '@gd/check'
import { Tensor } from '@gd/tensor'
import { formatList } from '@gd/tensor/internal'
import { Var } from '../variable.js'

/** A leaf of a differentiable tree: a tensor or a traced value. @internal */
export const isLeafValue = (x: unknown): x is Tensor | Var => x instanceof Tensor || x instanceof Var

/**
 * The leaves of a tree of tensors (nested plain objects and arrays), in a fixed order, with `rebuild`
 * putting values in that order back into the tree's structure. Anything else in the tree is an error
 * naming its path from `name`: `grad: params.w must be a Tensor or a Var, got 3`.
 * @internal
 */
export function flatten(
  op: string,
  name: string,
  tree: unknown,
): { leaves: (Tensor | Var)[]; rebuild: (values: readonly unknown[]) => unknown } {
  const leaves: (Tensor | Var)[] = []
  collect(op, tree, name, leaves)
  // walks in top-level functions and rebuild a method: a source run through tsx (esbuild's keepNames) renames each
  // named closure with a defineProperty, per call here
  return {
    leaves,
    rebuild(values) {
      return build(tree, values, { at: 0 })
    },
  }
}

/** Pushes the leaves of `node` (at `path`) in depth-first order, failing on anything that is not a tree of leaves. */
function collect(op: string, node: unknown, path: string, leaves: (Tensor | Var)[]): void {
  if (isLeafValue(node)) leaves.push(node)
  else if (Array.isArray(node)) node.forEach((child, k) => collect(op, child, `${path}[${k}]`, leaves))
  else if (isPlainObject(node)) for (const k of Object.keys(node)) collect(op, node[k], `${path}.${k}`, leaves)
  else fail(op, path, 'a Tensor or a Var (or a plain object or array of them)', node)
}

/** `node`'s structure with its leaves replaced by `values`, taken in order from `next.at`. */
function build(node: unknown, values: readonly unknown[], next: { at: number }): unknown {
  if (isLeafValue(node)) return values[next.at++]
  if (Array.isArray(node)) return node.map((child) => build(child, values, next))
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(node as object)) out[k] = build((node as Record<string, unknown>)[k], values, next)
  return out
}

/**
 * The leaves of `other` in the order of `tree`'s leaves, pairing the two trees by structure and key
 * (never by leaf order), with each paired leaf of the same shape. A difference is an error naming
 * the path: `hvp: v differs from x at x.layers[1].w: missing`.
 * @internal
 */
export function pairLeaves(
  op: string,
  name: string,
  tree: unknown,
  otherName: string,
  other: unknown,
): (Tensor | Var)[] {
  const out: (Tensor | Var)[] = []
  const differs = (path: string, what: string): Error =>
    new Error(`${op}: ${otherName} differs from ${name} at ${path}: ${what}`)
  const walk = (node: unknown, o: unknown, path: string): void => {
    if (isLeafValue(node)) {
      if (!isLeafValue(o))
        throw differs(path, `expected a Tensor or a Var of shape ${formatList(node.shape)}, got ${show(o)}`)
      if (o.shape.length !== node.shape.length || o.shape.some((d, k) => d !== node.shape[k])) {
        throw differs(path, `expected shape ${formatList(node.shape)}, got shape ${formatList(o.shape)}`)
      }
      out.push(o)
    } else if (Array.isArray(node)) {
      if (!Array.isArray(o) || o.length !== node.length) {
        throw differs(
          path,
          `expected an array of length ${node.length}, got ${Array.isArray(o) ? `length ${o.length}` : show(o)}`,
        )
      }
      node.forEach((child, k) => walk(child, o[k], `${path}[${k}]`))
    } else if (isPlainObject(node)) {
      if (!isPlainObject(o))
        throw differs(path, `expected an object with keys ${Object.keys(node).join(', ')}, got ${show(o)}`)
      for (const k of Object.keys(node)) {
        if (!Object.hasOwn(o, k)) throw differs(`${path}.${k}`, 'missing')
        walk(node[k], o[k], `${path}.${k}`)
      }
      for (const k of Object.keys(o)) if (!Object.hasOwn(node, k)) throw differs(`${path}.${k}`, 'extra')
    } else {
      throw complaint(op, path, 'must be a Tensor or a Var (or a plain object or array of them)', node)
    }
  }
  walk(tree, other, name)
  return out
}
