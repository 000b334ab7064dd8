import { fail } from '@gd/check'
import type { Tree } from '@gd/tensor'
import { beforeInPlaceWrite, withScope } from '@gd/tensor/internal'
import { flatten, leavesOf, pairTo, pathIn, withFlatMemo } from '../internal/tree.js'
import { floatData } from '../internal/floatData.js'
import type { FloatArray } from './leaves.js'
import type { GradientTransformation, UpdateExtra } from './transform.js'
import type { InPlaceTransformation } from './inPlace.js'

/**
 * One optimizer step written into the parameters' own buffers: the same as
 * `applyUpdates(params, tx.update(grads, state, params).updates)` up to rounding, but with the update
 * and the parameter write fused into one loop where the transform supports it (Adam, SGD with
 * momentum and other elementwise optimizers whose last link is the learning rate: transforms with
 * the optional members of `InPlaceTransformation` from `@gd/optimizers/extend`; any other
 * transform takes `update` and then the addition). Returns the next state.
 *
 * **Ownership.** This is the one place where the `@gd` packages write into tensors they did not
 * create: call it only on parameter tensors your training loop owns (no one else holds them as
 * values). Use `update` + `applyUpdates` everywhere else.
 *
 * **Memory.** The step runs in a scope of @gd/tensor (as an autograd transform does): updates that
 * links pass each other (AdamW's before its decay) are float32 arrays in the kernels' WebAssembly
 * memory, written there without copies and returned to a pool for the next step when this returns.
 * Only the state escapes; parameters and gradients are never moved.
 *
 * Everything is checked before anything is written: the trees' structure (paired by key), the
 * sizes, contiguity, and the transform's own `check` (state, schedules), so a call that throws leaves
 * the parameters and the state exactly as they were.
 *
 * @throws Error when a parameter leaf is not contiguous (its `data` would be a copy), when grads and
 * params do not pair (`stepInPlace: grads.b is missing, params has a leaf there`), and whatever the
 * transform's update would throw.
 * @example
 * ```ts
 * import { adam, stepInPlace } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * const params = { w: tensor([1, 2]) }
 * const opt = adam({ learningRate: 0.1 })
 * let state = opt.init(params)
 * state = stepInPlace(opt, { w: tensor([1, -1]) }, state, params)
 * params.w.toArray() // [0.9, 2.1]: updated in place
 * ```
 */
export function stepInPlace<S>(
  tx: GradientTransformation<S>,
  grads: Tree,
  state: S,
  params: Tree,
  extra?: UpdateExtra,
): S {
  // the checks and the step flatten grads and params several times: once each is enough (a step
  // writes into leaves, it never changes a tree's structure)
  return withFlatMemo(() => checkedStep(tx, grads, state, params, extra))
}

function checkedStep<S>(tx: GradientTransformation<S>, grads: Tree, state: S, params: Tree, extra?: UpdateExtra): S {
  const fn = 'stepInPlace'
  if (typeof tx?.init !== 'function' || typeof tx.update !== 'function') fail(fn, 'tx', 'a gradient transformation', tx)
  pairedData(fn, params, grads, 'grads')
  for (const p of flatten(params).leaves) {
    if (!p.isContiguous) {
      throw new Error(
        `stepInPlace: parameters must be contiguous tensors, got shape [${p.shape.join(',')}] strides [${p.strides.join(',')}]`,
      )
    }
  }
  // the optional fused path and pre-write check (see InPlaceTransformation), when tx has them
  const fast = tx as InPlaceTransformation<S>
  fast.check?.(grads, state, params, extra)
  // In a scope of @gd/tensor: the updates links pass each other (AdamW's before its decay) are born in
  // the kernels' memory and go back to its pool when the step returns; only the state escapes.
  return withScope('stepInPlace', () => applyStep(tx, grads, state, params, extra), escapingState, {
    advice: 'use update and applyUpdates to keep the updates',
  })
}

/**
 * The step itself, once everything is checked: the fused path when tx has it, else update and addition.
 * The updates links make for each other (`outputFor`, and a chain's scratch) come from `allocate`, so in the scope.
 */
function applyStep<S>(tx: GradientTransformation<S>, grads: Tree, state: S, params: Tree, extra?: UpdateExtra): S {
  const fast = tx as InPlaceTransformation<S>
  if (fast.applyInPlace) {
    // a deferred result of @gd/tensor made from a parameter before this step keeps its values (addInPlace,
    // below, does the same before it writes)
    for (const p of flatten(params).leaves) beforeInPlaceWrite(p)
    return fast.applyInPlace(grads, state, params, extra)
  }
  const r = tx.update(grads, state, params, extra)
  addInPlace('stepInPlace', params, r.updates)
  return r.state
}

/** What a step keeps of what it made: the tensors of the next state (the state itself is the tree). */
const escapingState = (state: unknown): unknown => state

/**
 * The float data of `params`' leaves (`ps`) and of the leaves of `other` (`os`, called `name` in messages),
 * and for each leaf of `other` the index of its pair in `params` (paired by key), after checking that each
 * pair has the same size; writes nothing.
 */
function pairedData(
  fn: string,
  params: Tree,
  other: Tree,
  name: string,
): { ps: FloatArray[]; os: FloatArray[]; order: number[] } {
  const pf = flatten(params)
  const of = flatten(other)
  const ps = floatData(fn, pf)
  const os = floatData(fn, of)
  const order = pairTo(fn, of, pf.paths, name, 'params')
  for (let j = 0; j < order.length; j++) {
    const k = order[j]!
    if (os[j]!.length !== ps[k]!.length) {
      throw new Error(
        `${fn}: ${pathIn(name, of.paths[j]!)} has ${os[j]!.length} elements but ${pathIn('params', pf.paths[k]!)} has ${ps[k]!.length}`,
      )
    }
  }
  return { ps, os, order }
}

/**
 * params += updates, leaf by leaf (paired by key), written into the parameters' buffers (see
 * {@link stepInPlace} for when that is allowed). Checks every pair before writing any.
 *
 * @throws Error `<fn>: updates.w has 3 elements but params.w has 2`, `<fn>: updates.b is missing, params has a leaf there`.
 * @example
 * ```ts
 * import { addInPlace } from '@gd/optimizers/extend'
 * import { tensor } from '@gd/tensor'
 * const owned = { w: tensor([1, 2]) }
 * addInPlace('train', owned, { w: tensor([0.5, 0.5]) })
 * owned.w.toArray() // [1.5, 2.5]
 * ```
 */
export function addInPlace(fn: string, params: Tree, updates: Tree): void {
  const { ps, os, order } = pairedData(fn, params, updates, 'updates')
  for (const p of leavesOf(params)) beforeInPlaceWrite(p)
  for (let j = 0; j < order.length; j++) {
    const p = ps[order[j]!]!
    const u = os[j]!
    for (let i = 0; i < p.length; i++) p[i] = p[i]! + u[i]!
  }
}
