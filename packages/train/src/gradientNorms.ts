import { Tensor, type Tree } from '@gd/tensor'

/** The norms of a gradient tree: overall, per parameter tree (top-level entry) and per leaf. */
export interface GradientNorms {
  /** ‖g‖₂ over every leaf together. */
  global: number
  /** ‖g‖₂ of each top-level entry (each layer of a `sequential` model), by key; leaf-less entries are left out. */
  groups: Record<string, number>
  /** ‖g‖₂ of each leaf, by dotted path such as `0.w`. */
  leaves: Record<string, number>
}

/**
 * L2 norms of a gradient tree, summed in float64 so float32 gradients do not overflow on the way:
 * ‖g‖₂ = √(Σᵢ gᵢ²). A NaN or ±∞ anywhere makes the norms that contain it non-finite.
 *
 * @throws Error when the tree holds something other than tensors, plain objects and arrays.
 * @example
 * ```ts
 * import { gradientNorms } from '@gd/train'
 * import { tensor } from '@gd/tensor'
 * gradientNorms([{ w: tensor([3, 4]) }, { w: tensor([0]) }])
 * // { global: 5, groups: { '0': 5, '1': 0 }, leaves: { '0.w': 5, '1.w': 0 } }
 * ```
 */
export function gradientNorms(grads: Tree): GradientNorms {
  const leaves: Record<string, number> = {}
  const groupSums: Record<string, number> = {}
  let total = 0
  const walk = (node: unknown, path: string, group: string): void => {
    if (node instanceof Tensor) {
      let s = 0
      const d = node.data
      for (let i = 0; i < d.length; i++) s += Number(d[i]) * Number(d[i])
      leaves[path || '(root)'] = Math.sqrt(s)
      groupSums[group] = (groupSums[group] ?? 0) + s
      total += s
      return
    }
    if (node === null || typeof node !== 'object') {
      throw new Error(
        `gradientNorms: leaves must be tensors, got ${node === null ? 'null' : typeof node} at ${path || 'the root'}`,
      )
    }
    for (const [k, v] of Object.entries(node)) walk(v, path === '' ? k : `${path}.${k}`, path === '' ? k : group)
  }
  walk(grads, '', '(root)')
  const groups: Record<string, number> = {}
  for (const [k, s] of Object.entries(groupSums)) groups[k] = Math.sqrt(s)
  return { global: Math.sqrt(total), groups, leaves }
}
