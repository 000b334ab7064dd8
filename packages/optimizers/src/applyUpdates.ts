import { Tensor, allocate, treeMap, type Tree } from '@gd/tensor'

/**
 * Adds updates to parameters, leaf by leaf: θ ← θ + u. Optimizers return updates that already
 * point downhill (for plain gradient descent u = −η ∇θ J), so this is the last step of every
 * training step. Returns a new tree; `params` is not modified.
 *
 * @throws Error when the trees differ in structure or a leaf pair differs in shape.
 * @example
 * ```ts
 * import { applyUpdates } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * applyUpdates({ w: tensor([1, 2]) }, { w: tensor([0.5, -1]) }) // { w: [1.5, 1] }
 * ```
 */
export function applyUpdates<T extends Tree>(params: T, updates: Tree): T {
  return treeMap((p, u) => {
    const upd = u!
    if (p.size !== upd.size || p.shape.some((d, i) => d !== upd.shape[i]) || p.rank !== upd.rank) {
      throw new Error(
        `applyUpdates: parameter of shape [${p.shape.join(',')}] got an update of shape [${upd.shape.join(',')}]`,
      )
    }
    const out = allocate(p.dtype, p.size)
    const a = p.data
    const b = upd.data
    for (let i = 0; i < out.length; i++) out[i] = a[i]! + b[i]!
    return new Tensor(out, p.shape, p.dtype)
  }, params, updates) as T
}
