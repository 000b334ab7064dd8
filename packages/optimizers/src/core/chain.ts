import type { Tensor, Tree } from '@gd/tensor'
import { paramsFor, spend, transformArg, unspent } from '../internal/consume.js'
import { leavesOf, once, scratchLike, tensorLike } from '../internal/tree.js'
import { plannerOf, type Planner } from '../internal/plans.js'
import { floatElements, type FloatArray } from './leaves.js'
import type { GradientTransformation, UpdateExtra } from './transform.js'
import type { InPlaceTransformation } from './inPlace.js'

/** The state of a {@link chain}: one entry per link, in order. */
export type ChainState = readonly unknown[]

/**
 * Runs transformations one after another, each on the previous one's updates:
 * `chain(a, b).update(g) = b.update(a.update(g))`. The state is the list of the links' states.
 *
 * Updates passed between links are scratch the chain owns, so links after the first write into
 * them in place instead of allocating (the caller's `grads` are never written). When the last link
 * only multiplies by a scalar (`factor`) and the one before it can fuse (`applyScaledInPlace`), see
 * `InPlaceTransformation` in `@gd/optimizers/extend`, {@link stepInPlace} runs both and the parameter
 * update in one loop; the chain has `applyInPlace` only when it can fuse so (or its last link has
 * `applyInPlace`). Links without these members are chained all the same, through their `update`.
 *
 * Every link's `check` runs on the grads before the first link writes, so a step that throws
 * (a size mismatch, missing params, a schedule value out of range) leaves every link's state as it
 * was. The chain's state is consumed like its links' (see `GradientTransformation`).
 *
 * @throws Error `chain: state must be an array of 2 link states, got an array of length 1`.
 * @example
 * ```ts
 * import { chain, clipByGlobalNorm, scaleByAdam, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(clipByGlobalNorm({ maxNorm: 1 }), scaleByAdam(), scaleByLearningRate(1e-3))
 * ```
 */
export function chain(...links: GradientTransformation<any>[]): GradientTransformation<ChainState> {
  links.forEach((l, i) => transformArg('chain', `links[${i}]`, l))
  // the links' optional in-place members (see InPlaceTransformation), where they have them
  const fast = links as InPlaceTransformation<any>[]
  const n = links.length
  const last = fast[n - 1]
  const before = fast[n - 2]
  const fuse = last?.factor !== undefined && before?.applyScaledInPlace !== undefined
  /**
   * One step: every link's `update` in turn or, `inPlace`, all but the fused tail, which then writes
   * the parameters. Updates between links are marked as scratch for the step (never the caller's).
   */
  /** Every link's check on `grads` (links keep the structure and sizes), before any link writes. */
  const checkAll = (grads: Tree, state: ChainState, params: Tree | undefined, extra: UpdateExtra | undefined) => {
    if (!Array.isArray(state) || state.length !== n) {
      const got = Array.isArray(state) ? `an array of length ${state.length}` : state === null ? 'null' : typeof state
      throw new Error(`chain: state must be an array of ${n} link states, got ${got}`)
    }
    unspent('chain', state)
    fast.forEach((l, i) => l.check?.(grads, state[i], params, extra))
    // params, when given, pair with grads by key and size, whatever the links read
    if (params !== undefined) paramsFor('chain', grads, params)
  }
  // inside stepInPlace, which checks the chain before its step runs, the step's own check finds it done
  const check = (grads: Tree, state: ChainState, params: Tree | undefined, extra: UpdateExtra | undefined) => {
    unspent('chain', state) // a state spent since the first look is still refused
    once(checkAll, [grads, state, params, extra], () => checkAll(grads, state, params, extra))
  }
  // when every link before the last is elementwise (and still has its own update and applyScaledInPlace), the
  // fused step passes plain arrays between them
  const planners: (Planner | undefined)[] = new Array(Math.max(n - 1, 0))
  const plain = () => {
    if (!fuse) return false
    for (let i = 0; i < n - 1; i++) if ((planners[i] = plannerOf(links[i]!)) === undefined) return false
    return true
  }
  /**
   * The fused step through elementwise links: each link's plan (made by the check, on grads: it holds for
   * the updates, which have grads' structure and sizes) runs on one scratch array per leaf, the last two
   * links into the parameters. No tree of updates is made; the links run in turn, as `update` would.
   */
  const plainStep = (grads: Tree, state: ChainState, params: Tree, extra: UpdateExtra | undefined) => {
    check(grads, state, params, extra)
    const states: unknown[] = []
    let us: FloatArray[] | null = null
    for (let i = 0; i < n - 2; i++) {
      const { gs, order, ps, next, kernel } = planners[i]!(grads, state[i], params, extra)
      const input: FloatArray[] = us ?? gs
      const out: FloatArray[] = (us ??= gs.map(scratchLike))
      for (let j = 0; j < gs.length; j++) kernel(order[j]!, input[j]!, out[j]!, null, 1, ps[j]!)
      spend(state[i], next)
      states.push(next)
    }
    const f = last!.factor!(state[n - 1])
    const { gs, order, ps, next, kernel } = planners[n - 2]!(grads, state[n - 2], params, extra)
    const input: FloatArray[] = us ?? gs
    for (let j = 0; j < gs.length; j++) kernel(order[j]!, input[j]!, ps[j]!, ps[j]!, f.factor, ps[j]!)
    spend(state[n - 2], next)
    states.push(next, f.state)
    spend(state, states)
    return states
  }
  const step = (
    grads: Tree,
    state: ChainState,
    params: Tree | undefined,
    extra: UpdateExtra | undefined,
    inPlace: boolean,
  ) => {
    check(grads, state, params, extra)
    // the caller's leaves, never scratch: made when a link first passes updates on (a fused pair alone passes none)
    let entry: Set<Tensor> | null = null
    const states: unknown[] = []
    let updates = grads
    for (let i = 0; i < (inPlace ? (fuse ? n - 2 : n - 1) : n); i++) {
      const r = links[i]!.update(updates, state[i], params, extra)
      states.push(r.state)
      updates = r.updates
      mark(updates, (entry ??= new Set(leavesOf(grads))), true)
    }
    if (inPlace && fuse) {
      const f = last!.factor!(state[n - 1])
      states.push(before!.applyScaledInPlace!(updates, state[n - 2], params!, f.factor, extra), f.state)
    } else if (inPlace) {
      states.push(last!.applyInPlace!(updates, state[n - 1], params!, extra))
    }
    if (entry !== null) mark(updates, entry, false)
    spend(state, states)
    return { updates, state: states }
  }
  const tx: InPlaceTransformation<ChainState> = {
    init: (params) => links.map((l) => l.init(params)),
    check,
    update: (grads, state, params, extra) => step(grads, state, params, extra, false),
  }
  if (fuse || last?.applyInPlace)
    tx.applyInPlace = (grads, state, params, extra) =>
      params !== undefined && plain()
        ? plainStep(grads, state, params, extra)
        : step(grads, state, params, extra, true).state
  return tx
}

/** Update tensors that a chain allocated during the current step; only these may be overwritten. */
const owned = /* @__PURE__ */ new WeakSet<Tensor>()

/** Marks (or unmarks) a tree's leaves as scratch of the running chain, except those in `keep`. */
function mark(tree: Tree, keep: ReadonlySet<Tensor>, on: boolean): void {
  for (const t of leavesOf(tree)) {
    if (keep.has(t)) continue
    if (on) owned.add(t)
    else owned.delete(t)
  }
}

/**
 * The tensor to write a transform's output for input `g` into: `g` itself when it is scratch owned
 * by the running chain, else a fresh zeroed tensor of the same dtype and shape.
 *
 * @example
 * ```ts
 * import { outputFor } from '@gd/optimizers/extend'
 * import { tensor } from '@gd/tensor'
 * const g = tensor([1, 2])
 * outputFor('scale', g) !== g // true: g belongs to the caller
 * ```
 */
export function outputFor(fn: string, g: Tensor): Tensor {
  floatElements(fn, g)
  if (owned.has(g)) return g
  return tensorLike(g)
}
