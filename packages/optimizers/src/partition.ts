import { treeLeaves, type Tensor, type Tree } from '@gd/tensor'
import { mapLeaves } from './leaves.js'
import { prefixLeaves } from './mask.js'
import type { GradientTransformation } from './transform.js'

/** Labels for {@link partition}: a label per leaf, or per subtree, or a function of the params. */
export type LabelTree = string | readonly LabelTree[] | { readonly [key: string]: LabelTree }

/** State of {@link partition}: the label of each leaf and each group's state. */
export interface PartitionState {
  readonly labels: readonly string[]
  readonly inner: { readonly [label: string]: unknown }
}

/**
 * Parameter groups: each leaf carries a label, and each label's leaves are updated by its own
 * transformation (its own optimizer or hyperparameters). Every leaf must have a label that names
 * one of `transforms`.
 *
 * @throws Error `partition: no transform for label "head", expected one of body, frozen`.
 * @example
 * ```ts
 * import { partition, adam, sgd, scale } from '@gd/optimizers'
 * const opt = partition(
 *   { body: adam({ learningRate: 1e-4 }), head: sgd({ learningRate: 0.1 }), frozen: scale(0) },
 *   { encoder: 'body', classifier: 'head', embeddings: 'frozen' },
 * )
 * ```
 */
export function partition(
  transforms: { readonly [label: string]: GradientTransformation<any> },
  labels: LabelTree | ((params: Tree) => LabelTree),
): GradientTransformation<PartitionState> {
  const fn = 'partition'
  const names = Object.keys(transforms)
  const group = (tree: Tree, ls: readonly string[], label: string): Tensor[] =>
    treeLeaves(tree).filter((_, i) => ls[i] === label)
  return {
    init(params) {
      const spec = typeof labels === 'function' ? labels(params) : labels
      const ls = prefixLeaves(fn, 'labels', spec, params, (x): x is string => typeof x === 'string', 'a label')
      for (const l of ls) {
        if (!(l in transforms)) throw new Error(`${fn}: no transform for label "${l}", expected one of ${names.join(', ')}`)
      }
      const inner: Record<string, unknown> = {}
      for (const name of names) inner[name] = transforms[name]!.init(group(params, ls, name))
      return { labels: ls, inner }
    },
    update(grads, state, params, extra) {
      const count = treeLeaves(grads).length
      if (count !== state.labels.length) {
        throw new Error(`${fn}: expected ${state.labels.length} gradient leaves (as at init), got ${count}`)
      }
      const results: Record<string, Tensor[]> = {}
      const inner: Record<string, unknown> = {}
      for (const name of names) {
        const sub = group(grads, state.labels, name)
        const ps = params === undefined ? undefined : group(params, state.labels, name)
        const r = transforms[name]!.update(sub, state.inner[name], ps, extra)
        results[name] = treeLeaves(r.updates)
        inner[name] = r.state
      }
      const taken: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]))
      const updates = mapLeaves(fn, grads, null, (_, k) => {
        const l = state.labels[k]!
        return results[l]![taken[l]!++]!
      })
      return { updates, state: { labels: state.labels, inner } }
    },
  }
}
