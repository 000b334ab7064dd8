import type { Tensor, Tree } from '@gd/tensor'
import { fail, isPlainObject } from '@gd/check'
import { badState, spend, transformArg, unspent } from '../internal/consume.js'
import { flatten, inOrderOf, mapTree } from '../internal/tree.js'
import { prefixLeaves } from '../core/mask.js'
import type { GradientTransformation } from '../core/transform.js'
import { type InPlaceTransformation, checkBeforeWrite } from '../core/inPlace.js'

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
  if (!isPlainObject(transforms)) fail(fn, 'transforms', 'an object of gradient transformations by label', transforms)
  for (const [label, tx] of Object.entries(transforms)) transformArg(fn, `transforms.${label}`, tx)
  if (typeof labels !== 'function' && typeof labels !== 'string' && (typeof labels !== 'object' || labels === null)) {
    fail(fn, 'labels', 'a label, a tree of labels or a function of params', labels)
  }
  const names = Object.keys(transforms)
  /** Each label's leaves of grads and params, in init order (the inner states' trees). */
  const plan = (grads: Tree, state: PartitionState, params: Tree | undefined) => {
    if (typeof state !== 'object' || state === null || !Array.isArray(state.labels) || typeof state.inner !== 'object')
      throw badState(fn, state)
    unspent(fn, state)
    const paths = (state as { paths?: unknown }).paths
    const g = inOrderOf(fn, grads, paths, 'grads', state.labels.length)
    const ps = params === undefined ? undefined : inOrderOf(fn, params, paths, 'params', state.labels.length).leaves
    const pick = (leaves: Tensor[], name: string) => leaves.filter((_, k) => state.labels[k] === name)
    return { g, pick, ps }
  }
  const tx: InPlaceTransformation<PartitionState> = {
    init(params) {
      const spec = typeof labels === 'function' ? labels(params) : labels
      const ls = prefixLeaves(fn, 'labels', spec, params, (x): x is string => typeof x === 'string', 'a label')
      for (const l of ls) {
        if (!(l in transforms))
          throw new Error(`${fn}: no transform for label "${l}", expected one of ${names.join(', ')}`)
      }
      const { leaves, paths } = flatten(params)
      const inner: Record<string, unknown> = {}
      for (const name of names) inner[name] = transforms[name]!.init(leaves.filter((_, k) => ls[k] === name))
      return { labels: ls, inner, paths }
    },
    check(grads, state, params, extra) {
      const { g, pick, ps } = plan(grads, state, params)
      for (const name of names)
        checkBeforeWrite(transforms[name]!, pick(g.leaves, name), state.inner[name], ps && pick(ps, name), extra)
    },
    update(grads, state, params, extra) {
      const { g, pick, ps } = plan(grads, state, params)
      for (const name of names)
        checkBeforeWrite(transforms[name]!, pick(g.leaves, name), state.inner[name], ps && pick(ps, name), extra)
      const results: Record<string, Tensor[]> = {}
      const inner: Record<string, unknown> = {}
      for (const name of names) {
        const r = transforms[name]!.update(pick(g.leaves, name), state.inner[name], ps && pick(ps, name), extra)
        results[name] = flatten(r.updates).leaves
        inner[name] = r.state
      }
      // leaf k of the init order is the rank[k]-th leaf of its label
      const rank: number[] = []
      const taken: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]))
      state.labels.forEach((l, k) => (rank[k] = taken[l]!++))
      let j = 0
      const updates = mapTree(grads, () => {
        const k = g.order[j++]!
        return results[state.labels[k]!]![rank[k]!]!
      })
      const next = { ...state, inner }
      spend(state, next)
      return { updates, state: next }
    },
  }
  return tx
}
