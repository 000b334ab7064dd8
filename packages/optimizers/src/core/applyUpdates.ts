import { fusedKernels, Tensor, type Tree } from '@gd/tensor'
import { allocate } from '@gd/tensor/internal'
import { flatten, mapTree, pairTo } from '../internal/tree.js'
import { floatElements, type FloatArray } from './leaves.js'

/**
 * Adds updates to parameters, leaf by leaf: θ ← θ + u. Optimizers return updates that already
 * point downhill (for plain gradient descent u = −η ∇θ J), so this is the last step of every
 * training step. Returns a new tree; `params` is not modified.
 *
 * Leaves are paired by key, never by order (the updates may list keys in another order).
 *
 * @throws Error when the trees differ in structure (`applyUpdates: updates.b is missing, params has a leaf there`)
 * or a leaf pair differs in shape; checked before anything is computed.
 * @example
 * ```ts
 * import { applyUpdates } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * applyUpdates({ w: tensor([1, 2]) }, { w: tensor([0.5, -1]) }) // { w: [1.5, 1] }
 * ```
 */
export function applyUpdates<T extends Tree>(params: T, updates: Tree): T {
  const fn = 'applyUpdates'
  const pf = flatten(params)
  const uf = flatten(updates)
  const ps = pf.leaves.map((p) => (floatElements(fn, p), p))
  const us: Tensor[] = []
  pairTo(fn, uf, pf.paths, 'updates', 'params').forEach((k, j) => {
    const p = ps[k]!
    const u = floatElements(fn, uf.leaves[j]!) && uf.leaves[j]!
    if (p.size !== u.size || p.rank !== u.rank || p.shape.some((d, i) => d !== u.shape[i])) {
      throw new Error(
        `applyUpdates: parameter of shape [${p.shape.join(',')}] got an update of shape [${u.shape.join(',')}]`,
      )
    }
    us[k] = u
  })
  let k = 0
  const fused = fusedKernels()
  return mapTree(params, (p) => {
    const a = p.data
    const b = us[k++]!.data
    const out = allocate(p.dtype, p.size)
    // float32 θ + u in Wasm: the decay kernel's u + λθ with λ = 1 sums in float64 and rounds once, as this loop does
    if (fused === null || !fused.decay(b as FloatArray, a as FloatArray, out as FloatArray, false, 1, 1)) {
      for (let i = 0; i < out.length; i++) out[i] = a[i]! + b[i]!
    }
    return new Tensor(out, p.shape, p.dtype)
  }) as T
}
