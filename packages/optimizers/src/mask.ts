import { Tensor, type Tree } from '@gd/tensor'

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
 * import { maskLeaves } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * maskLeaves('adamw', { w: true, b: false }, { w: tensor([1]), b: tensor([0]) }) // [true, false]
 * ```
 */
export function maskLeaves(fn: string, mask: Mask, params: Tree): boolean[] {
  const m = typeof mask === 'function' ? mask(params) : mask
  const out: boolean[] = []
  const walk = (node: Tree, mk: MaskTree | undefined, path: string): void => {
    if (typeof mk === 'boolean') {
      if (node instanceof Tensor) out.push(mk)
      else if (Array.isArray(node)) node.forEach((c: Tree, i: number) => walk(c, mk, `${path}[${i}]`))
      else for (const [k, c] of Object.entries(node)) walk(c, mk, `${path}.${k}`)
      return
    }
    if (node instanceof Tensor || mk === undefined || mk === null || typeof mk !== 'object') {
      throw new Error(
        `${fn}: mask does not match the parameters at ${path || 'the root'}: expected a boolean or a subtree, got ${String(mk)}`,
      )
    }
    if (Array.isArray(node)) {
      node.forEach((c: Tree, i: number) => walk(c, (mk as readonly MaskTree[])[i], `${path}[${i}]`))
    } else {
      for (const [k, c] of Object.entries(node)) {
        walk(c, (mk as { readonly [key: string]: MaskTree })[k], `${path}.${k}`)
      }
    }
  }
  walk(params, m, '')
  return out
}
