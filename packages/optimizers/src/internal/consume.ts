import { fail, mustBe } from '@gd/check'
import type { Tensor, Tree } from '@gd/tensor'
import { floatElements } from '../core/leaves.js'
import { floatData, floatDataRead } from './floatData.js'
import { flatten, flattened, leavesOf, pairTo, pathIn } from './tree.js'
// States passed to `update` are consumed: their buffers are updated in place and handed to the
// returned state, so the old object would silently mix two steps if used again. Every stateful
// transform here checks `unspent` before it reads a state and calls `spend` once its step has run
// (never when it throws, so a failed call leaves the state usable). A state made by `init`,
// `deserializeState` or `JSON.parse` is a fresh object, never spent.

const spent = /* @__PURE__ */ new WeakSet<object>()

/** Throws when `state` was already passed to a successful `update`. */
export function unspent(fn: string, state: unknown): void {
  if (typeof state === 'object' && state !== null && spent.has(state)) {
    throw new Error(
      `${fn}: state was already used by an update; pass the state that update returned (states are consumed)`,
    )
  }
}

/** Marks `state` consumed, unless the step returned the same object as its next state. */
export function spend(state: unknown, next: unknown): void {
  if (typeof state === 'object' && state !== null && state !== next) spent.add(state)
}

/** The step count of a `{ count }` state, after checking it is one and is not spent. */
export function countOf(fn: string, state: unknown): number {
  const count = typeof state === 'object' && state !== null ? (state as { count?: unknown }).count : undefined
  if (!Number.isSafeInteger(count) || (count as number) < 0) throw badState(fn, state)
  unspent(fn, state)
  return count as number
}

/** `<fn>: state must be a state from init, got …`. */
export const badState = (fn: string, state: unknown): Error => mustBe(fn, 'state', 'a state from init', state)

/** Checks that every leaf of `grads` is a float tensor (what a stateless transform's update reads). */
export function floatLeaves(fn: string, grads: Tree): void {
  // during a step, grads are flattened once and their elements read once
  const flat = flattened(grads)
  if (flat !== undefined) floatData(fn, flat)
  else for (const g of leavesOf(grads)) floatElements(fn, g)
}

/**
 * The leaves of `params` in the order of `grads`' leaves, paired by key, each checked to be a
 * float tensor of its gradient's size; throws `<fn>: needs params, got undefined` without them.
 */
export function paramsFor(fn: string, grads: Tree, params: Tree | undefined): Tensor[] {
  if (params === undefined) throw new Error(`${fn}: needs params, got undefined`)
  const gf = flatten(grads)
  const pf = flatten(params)
  const pd = floatDataRead(pf)
  const gd = floatDataRead(gf)
  const out: Tensor[] = []
  pairTo(fn, pf, gf.paths, 'params', 'grads').forEach((j, i) => {
    const p = pf.leaves[i]!
    const g = gf.leaves[j]!
    const pn = pd !== undefined ? pd[i]!.length : floatElements(fn, p).length
    if (pn !== (gd !== undefined ? gd[j]!.length : floatElements(fn, g).length)) {
      throw new Error(`${fn}: ${pathIn('params', pf.paths[i]!)} has ${p.size} elements but its gradient has ${g.size}`)
    }
    out[j] = p
  })
  return out
}

/** Throws unless `tx` is a gradient transformation (has `init` and `update`), named `what`. */
export function transformArg(fn: string, what: string, tx: unknown): void {
  const t = tx as { init?: unknown; update?: unknown } | null | undefined
  if (typeof t?.init !== 'function' || typeof t.update !== 'function') fail(fn, what, 'a gradient transformation', tx)
}
