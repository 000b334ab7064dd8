import type { Tree } from '@gd/tensor'
import { badState, spend, transformArg, unspent } from '../internal/consume.js'
import { flatten, inOrderOf, mapTree } from '../internal/tree.js'
import { floatElements } from '../core/leaves.js'
import { outputFor } from '../core/chain.js'
import { maskLeaves, type Mask } from '../core/mask.js'
import type { GradientTransformation } from '../core/transform.js'
import { checkBeforeWrite, type InPlaceTransformation } from '../core/inPlace.js'

/** State of {@link masked}: which leaves are selected and the inner state over them. */
export interface MaskedState<S> {
  readonly selected: readonly boolean[]
  readonly inner: S
}

/** The selected leaves of a tree, as an array tree. */
/**
 * Applies `inner` only to the leaves `mask` selects; the others' updates are their gradients,
 * unchanged (copied). The inner transformation sees just the selected leaves, as an array.
 *
 * @example
 * ```ts
 * import { masked, addDecayedWeights } from '@gd/optimizers'
 * // decay only the weights
 * const decay = masked(addDecayedWeights({ weightDecay: 1e-4 }), { w: true, b: false })
 * ```
 */
export function masked<S>(inner: GradientTransformation<S>, mask: Mask): GradientTransformation<MaskedState<S>> {
  const fn = 'masked'
  transformArg(fn, 'inner', inner)
  /** The selected leaves of grads and params (in init order, as an array: the inner state's tree). */
  const plan = (grads: Tree, state: MaskedState<S>, params: Tree | undefined) => {
    if (typeof state !== 'object' || state === null || !Array.isArray(state.selected)) throw badState(fn, state)
    unspent(fn, state)
    const { selected } = state
    const paths = (state as { paths?: unknown }).paths
    const g = inOrderOf(fn, grads, paths, 'grads', selected.length)
    for (const leaf of g.leaves) floatElements(fn, leaf)
    const ps =
      params === undefined
        ? undefined
        : inOrderOf(fn, params, paths, 'params', selected.length).leaves.filter((_, k) => selected[k])
    return { g, sub: g.leaves.filter((_, k) => selected[k]), ps }
  }
  const tx: InPlaceTransformation<MaskedState<S>> = {
    init(params) {
      const selected = maskLeaves(fn, mask, params)
      const { leaves, paths } = flatten(params)
      return { selected, inner: inner.init(leaves.filter((_, k) => selected[k])), paths }
    },
    check(grads, state, params, extra) {
      const { sub, ps } = plan(grads, state, params)
      checkBeforeWrite(inner, sub, state.inner, ps, extra)
    },
    update(grads, state, params, extra) {
      const { g, sub, ps } = plan(grads, state, params)
      const r = inner.update(sub, state.inner, ps, extra)
      const done = flatten(r.updates).leaves
      // the rank of each selected leaf among the selected ones, in init order
      const rank: number[] = []
      let n = 0
      state.selected.forEach((on, k) => on && (rank[k] = n++))
      let j = 0
      const updates = mapTree(grads, (leaf) => {
        const k = g.order[j++]!
        if (state.selected[k]) return done[rank[k]!]!
        const out = outputFor(fn, leaf)
        if (out !== leaf) floatElements(fn, out).set(floatElements(fn, leaf))
        return out
      })
      const next = { ...state, inner: r.state }
      spend(state, next)
      return { updates, state: next }
    },
  }
  return tx
}
