import { treeLeaves, type Tensor, type Tree } from '@gd/tensor'
import { floatData, mapLeaves } from './leaves.js'
import { outputFor } from './chain.js'
import { maskLeaves, type Mask } from './mask.js'
import type { GradientTransformation } from './transform.js'

/** State of {@link masked}: which leaves are selected and the inner state over them. */
export interface MaskedState<S> {
  readonly selected: readonly boolean[]
  readonly inner: S
}

/** The selected leaves of a tree, as an array tree. */
function pick(tree: Tree, flags: readonly boolean[], want: (f: boolean) => boolean = (f) => f): Tensor[] {
  return treeLeaves(tree).filter((_, i) => want(flags[i]!))
}

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
  return {
    init(params) {
      const selected = maskLeaves(fn, mask, params)
      return { selected, inner: inner.init(pick(params, selected)) }
    },
    update(grads, state, params, extra) {
      const sub = pick(grads, state.selected)
      const r = inner.update(sub, state.inner, params === undefined ? undefined : pick(params, state.selected), extra)
      const done = treeLeaves(r.updates)
      let j = 0
      const updates = mapLeaves(fn, grads, null, (g, k) => {
        if (state.selected[k]) return done[j++]!
        const out = outputFor(fn, g)
        if (out !== g) floatData(fn, out).set(floatData(fn, g))
        return out
      })
      return { updates, state: { selected: state.selected, inner: r.state } }
    },
  }
}
