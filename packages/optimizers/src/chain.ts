import { Tensor, allocate, treeLeaves, type Tree } from '@gd/tensor'
import { addInPlace } from './stepInPlace.js'
import { floatData } from './leaves.js'
import type { GradientTransformation, UpdateExtra } from './transform.js'

/** The state of a {@link chain}: one entry per link, in order. */
export type ChainState = readonly unknown[]

/**
 * Runs transformations one after another, each on the previous one's updates:
 * `chain(a, b).update(g) = b.update(a.update(g))`. The state is the list of the links' states.
 *
 * Updates passed between links are scratch the chain owns, so links after the first write into
 * them in place instead of allocating (the caller's `grads` are never written). When the last link
 * only multiplies by a scalar (see `factor`) and the one before it can fuse
 * (`applyScaledInPlace`), {@link stepInPlace} runs both and the parameter update in one loop.
 *
 * @example
 * ```ts
 * import { chain, clipByGlobalNorm, scaleByAdam, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(clipByGlobalNorm({ maxNorm: 1 }), scaleByAdam(), scaleByLearningRate(1e-3))
 * ```
 */
export function chain(...links: GradientTransformation<any>[]): GradientTransformation<ChainState> {
  const runPrefix = (
    count: number,
    grads: Tree,
    state: ChainState,
    params: Tree | undefined,
    extra: UpdateExtra | undefined,
  ): { updates: Tree; states: unknown[]; entry: Set<Tensor> } => {
    const leaves = treeLeaves(grads)
    const external = new Set(leaves.filter((t) => !isOwned(t)))
    const entry = new Set(leaves.filter((t) => isOwned(t)))
    let updates = grads
    const states: unknown[] = []
    for (let i = 0; i < count; i++) {
      const r = links[i]!.update(updates, state[i], params, extra)
      states.push(r.state)
      updates = r.updates
      own(updates, external)
    }
    return { updates, states, entry }
  }
  const n = links.length
  return {
    init: (params) => links.map((l) => l.init(params)),
    update(grads, state, params, extra) {
      checkState(state, n)
      const { updates, states, entry } = runPrefix(n, grads, state, params, extra)
      disown(updates, entry)
      return { updates, state: states }
    },
    applyInPlace(grads, state, params, extra) {
      checkState(state, n)
      const last = links[n - 1]
      const before = links[n - 2]
      if (last?.factor && before?.applyScaledInPlace) {
        const r = runPrefix(n - 2, grads, state, params, extra)
        const { factor, state: lastState } = last.factor(state[n - 1])
        const s = before.applyScaledInPlace(r.updates, state[n - 2], params, factor, extra)
        disown(r.updates, r.entry)
        return [...r.states, s, lastState]
      }
      if (last?.applyInPlace) {
        const r = runPrefix(n - 1, grads, state, params, extra)
        const s = last.applyInPlace(r.updates, state[n - 1], params, extra)
        disown(r.updates, r.entry)
        return [...r.states, s]
      }
      const r = runPrefix(n, grads, state, params, extra)
      addInPlace('chain', params, r.updates)
      disown(r.updates, r.entry)
      return r.states
    },
  }
}

function checkState(state: ChainState, n: number): void {
  if (!Array.isArray(state) || state.length !== n) {
    throw new Error(`chain: state must be an array of ${n} link states, got ${describe(state)}`)
  }
}

function describe(x: unknown): string {
  return Array.isArray(x) ? `an array of length ${x.length}` : typeof x
}

/** Update tensors that a chain allocated during the current step; only these may be overwritten. */
const owned = new WeakSet<Tensor>()

/** Marks tensors as scratch owned by the running chain. */
function own(tree: Tree, except: ReadonlySet<Tensor>): void {
  for (const t of treeLeaves(tree)) if (!except.has(t)) owned.add(t)
}

/** Ends the ownership marks on a tree's leaves. */
function disown(tree: Tree, keep: ReadonlySet<Tensor>): void {
  for (const t of treeLeaves(tree)) if (!keep.has(t)) owned.delete(t)
}

/** True when `t` is scratch of a running chain. */
function isOwned(t: Tensor): boolean {
  return owned.has(t)
}

/**
 * The tensor to write a transform's output for input `g` into: `g` itself when it is scratch owned
 * by the running chain, else a fresh zeroed tensor of the same dtype and shape.
 *
 * @example
 * ```ts
 * import { outputFor } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * const g = tensor([1, 2])
 * outputFor('scale', g) !== g // true: g belongs to the caller
 * ```
 */
export function outputFor(fn: string, g: Tensor): Tensor {
  floatData(fn, g)
  if (owned.has(g)) return g
  return new Tensor(allocate(g.dtype as 'float32' | 'float64', g.size), g.shape, g.dtype)
}
