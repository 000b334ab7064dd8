import { treeLeaves, type Tree } from '@gd/tensor'
import { floatData } from './leaves.js'
import type { GradientTransformation, UpdateExtra } from './transform.js'

/**
 * One optimizer step written into the parameters' own buffers: the same as
 * `applyUpdates(params, tx.update(grads, state, params).updates)` up to rounding, but with the update
 * and the parameter write fused into one loop where the transform supports it (Adam, SGD with
 * momentum and other elementwise optimizers whose last link is the learning rate). Returns the
 * next state.
 *
 * **Ownership.** This is the one place @gd writes into tensors it did not create: call it only on
 * parameter tensors your training loop owns (no one else holds them as values). Use
 * `update` + `applyUpdates` everywhere else.
 *
 * @throws Error when a parameter leaf is not contiguous (its `data` would be a copy).
 * @example
 * ```ts
 * import { adam, stepInPlace } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * const params = { w: tensor([1, 2]) }
 * const opt = adam({ learningRate: 0.1 })
 * let state = opt.init(params)
 * state = stepInPlace(opt, { w: tensor([1, -1]) }, state, params) // params.w is now [0.9, 2.1]
 * ```
 */
export function stepInPlace<S>(
  tx: GradientTransformation<S>,
  grads: Tree,
  state: S,
  params: Tree,
  extra?: UpdateExtra,
): S {
  for (const p of treeLeaves(params)) {
    if (!p.isContiguous) {
      throw new Error(`stepInPlace: parameters must be contiguous tensors, got shape [${p.shape.join(',')}] strides [${p.strides.join(',')}]`)
    }
  }
  if (tx.applyInPlace) return tx.applyInPlace(grads, state, params, extra)
  const r = tx.update(grads, state, params, extra)
  addInPlace('stepInPlace', params, r.updates)
  return r.state
}

/**
 * params += updates, leaf by leaf, written into the parameters' buffers (see {@link stepInPlace}
 * for when that is allowed).
 *
 * @throws Error `<fn>: leaf 0 has 2 elements but its update has 3`.
 * @example
 * ```ts
 * import { addInPlace } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * const owned = { w: tensor([1, 2]) }
 * addInPlace('train', owned, { w: tensor([0.5, 0.5]) }) // owned.w is now [1.5, 2.5]
 * ```
 */
export function addInPlace(fn: string, params: Tree, updates: Tree): void {
  const ps = treeLeaves(params)
  const us = treeLeaves(updates)
  if (ps.length !== us.length) {
    throw new Error(`${fn}: expected ${ps.length} update leaves, got ${us.length}`)
  }
  for (let k = 0; k < ps.length; k++) {
    const p = floatData(fn, ps[k]!)
    const u = floatData(fn, us[k]!)
    if (p.length !== u.length) {
      throw new Error(`${fn}: leaf ${k} has ${p.length} elements but its update has ${u.length}`)
    }
    for (let i = 0; i < p.length; i++) p[i] = p[i]! + u[i]!
  }
}
