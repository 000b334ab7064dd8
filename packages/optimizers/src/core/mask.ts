import { fail } from '@gd/check'
import { isStructure, leavesOf } from '../internal/tree.js'
import { floatElements } from './leaves.js'
import type { Tree } from '@gd/tensor'

/**
 * Which parameters a transform applies to: `true`/`false`, or a tree shaped like the parameters
 * whose entries are booleans (a boolean at an inner node covers its whole subtree), or a function
 * of the parameters returning such a tree.
 */
export type MaskTree = boolean | readonly MaskTree[] | { readonly [key: string]: MaskTree }
/** A {@link MaskTree} or a function of the parameters that returns one. */
export type Mask = MaskTree | ((params: Tree) => MaskTree)

/**
 * One boolean per parameter leaf (in leaf order), from a {@link Mask}.
 *
 * @throws Error `<fn>: mask does not match the parameters at .w: expected a boolean or a subtree, got 3`.
 * @example
 * ```ts
 * import { maskLeaves } from '@gd/optimizers/extend'
 * import { tensor } from '@gd/tensor'
 * maskLeaves('adamw', { w: true, b: false }, { w: tensor([1]), b: tensor([0]) }) // [true, false]
 * ```
 */
export function maskLeaves(fn: string, mask: Mask, params: Tree): boolean[] {
  const m = typeof mask === 'function' ? mask(params) : mask
  return prefixLeaves(fn, 'mask', m, params, (x): x is boolean => typeof x === 'boolean', 'a boolean')
}

/**
 * Expands a tree "prefix" (values of type V at leaves or at inner nodes, covering their subtree)
 * into one value per parameter leaf, in leaf order.
 *
 * @throws Error `<fn>: <what> does not match the parameters at <path>: expected <expected> or a subtree, got <v>`.
 * @example
 * ```ts
 * import { prefixLeaves } from '@gd/optimizers/extend'
 * import { tensor } from '@gd/tensor'
 * const isLabel = (x: unknown): x is string => typeof x === 'string'
 * prefixLeaves('partition', 'labels', { a: 'x' }, { a: [tensor([1]), tensor([2])] }, isLabel, 'a label') // ['x', 'x']
 * ```
 */
export function prefixLeaves<V>(
  fn: string,
  what: string,
  spec: unknown,
  params: Tree,
  isValue: (x: unknown) => x is V,
  expected: string,
): V[] {
  if (typeof fn !== 'string') fail('prefixLeaves', 'fn', 'a string', fn)
  if (typeof isValue !== 'function') fail(fn, 'isValue', 'a function', isValue)
  // every leaf must be a float tensor (this also rejects null, strings and other non-trees); the
  // walks below then tell leaves from structure as leavesOf does, with no `instanceof Tensor`
  // (which would bundle the Tensor class into every optimizer with a mask or weight decay)
  for (const leaf of leavesOf(params)) floatElements(fn, leaf)
  const isLeaf = (node: Tree): boolean => !Array.isArray(node) && !isStructure(node)
  const out: V[] = []
  const fill = (node: Tree, v: V): void => {
    if (isLeaf(node)) out.push(v)
    else if (Array.isArray(node)) node.forEach((c: Tree) => fill(c, v))
    else for (const c of Object.values(node as Record<string, Tree>)) fill(c, v)
  }
  const walk = (node: Tree, sp: unknown, path: string): void => {
    if (isValue(sp)) return fill(node, sp)
    if (isLeaf(node) || sp === undefined || sp === null || typeof sp !== 'object') {
      throw new Error(
        `${fn}: ${what} does not match the parameters at ${path || 'the root'}: expected ${expected} or a subtree, got ${String(sp)}`,
      )
    }
    if (Array.isArray(node)) node.forEach((c: Tree, i: number) => walk(c, (sp as unknown[])[i], `${path}[${i}]`))
    else
      for (const [k, c] of Object.entries(node as Record<string, Tree>))
        walk(c, (sp as Record<string, unknown>)[k], `${path}.${k}`)
  }
  walk(params, spec, '')
  return out
}
