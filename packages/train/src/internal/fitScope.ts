// fit's memory: a run-long owner scope of @gd/tensor holds the run's parameters, optimizer state and
// model state; each step runs in a step scope whose parent it is, so that when the step ends what it
// made for the new parameters and state moves to the run scope and everything else (the batch, the
// forward pass, the gradients) goes back to the pool. The trees a step replaced are released right
// after, unless the new ones still share their storage. What callbacks are handed of the run's trees
// is a copy on the JavaScript heap, so nothing a callback keeps is ever released under it.
import { isPlainObject } from '@gd/check'
import { Tensor, type Tree } from '@gd/tensor'
import { copied } from './copied.js'
import {
  closeScope,
  openScope,
  releaseOwned,
  scopeBlockOf,
  scopesOn,
  tensorsIn,
  withScope,
  type Scope,
} from '@gd/tensor/internal'

/** The advice of the message a released tensor of a fit step throws. @internal */
export const STEP_ADVICE =
  "fit releases each step's gradients and intermediates when the step ends: a callback that keeps one past its hook " +
  'must copy it (tensor(g.data.slice(), { shape: g.shape }))'

/** The run scope of a fit call, and the trees it held when the last step ended. @internal */
export interface RunScope {
  readonly scope: Scope
  held: RunTrees | undefined
}

/** The run scope of a fit call, or null when scopes are off (nothing changes then). @internal */
export function openRunScope(): RunScope | null {
  return scopesOn() ? { scope: openScope('fit', { parent: null, advice: STEP_ADVICE }), held: undefined } : null
}

/** The trees a step may replace, which escape it. @internal */
export interface RunTrees {
  params: Tree
  optimizerState: unknown
  modelState: Tree | undefined
}

/**
 * Runs a step's `body` in a step scope under `run` (just runs it when `run` is null). What escapes is
 * what `trees()` gives once the body has run: the new parameters, optimizer state and model state.
 * Afterwards, the blocks of the trees the run held after the previous step that the run scope owns and
 * the new trees no longer reach are released: those the step replaced, and those a callback replaced
 * between steps (`setParams`, `setLearningRate`). @internal
 */
export function inStepScope(run: RunScope | null, trees: () => RunTrees, body: () => void): void {
  if (run === null) return body()
  withScope('fit', body, () => trees(), { parent: run.scope, advice: STEP_ADVICE })
  const after = trees()
  const before = run.held
  run.held = after
  if (before === undefined) return
  const replaced = [
    before.params === after.params ? null : before.params,
    before.optimizerState === after.optimizerState ? null : before.optimizerState,
    before.modelState === after.modelState ? null : before.modelState,
  ]
  if (replaced.every((t) => t === null)) return
  const live = new Set<object | null>()
  tensorsIn(after, (t) => live.add(scopeBlockOf(t)))
  const stale: Tensor[] = []
  tensorsIn(replaced, (t) => {
    const block = scopeBlockOf(t)
    if (block !== null && !live.has(block)) stale.push(t)
  })
  if (stale.length > 0) releaseOwned(stale, run.scope)
}

/**
 * Closes the run scope at the end of fit: the final trees in `kept` are copied out to the JavaScript
 * heap (their tensors point at the copies), the rest of what the run owned is released. A run that
 * threw (`kept` null) gives every block to the collector instead, so that nothing anyone could still
 * hold is released. @internal
 */
export function closeRunScope(run: RunScope | null, kept: RunTrees | null): void {
  if (run === null) return
  run.held = undefined
  if (kept === null) closeScope(run.scope, null, 'keepAll')
  else closeScope(run.scope, kept, 'release')
}

/**
 * What a callback is handed of one of the run's trees: the tree itself when no tensor of it lies in a
 * scope's block, else a copy whose scoped tensors are copied to the JavaScript heap, made once per tree
 * (`cache` keeps the last one). @internal
 */
export function handOut<T extends Tree | undefined>(tree: T, cache: { from?: unknown; to?: unknown }): T {
  if (tree === undefined || !holdsScoped(tree)) return tree
  if (cache.from !== tree) {
    cache.from = tree
    cache.to = copyScoped(tree)
  }
  return cache.to as T
}

function copyScoped(node: unknown): unknown {
  if (node instanceof Tensor) {
    if (scopeBlockOf(node) === null) return node
    return copied(node)
  }
  if (Array.isArray(node)) return node.map(copyScoped)
  if (isPlainObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, copyScoped(v)]))
  return node
}

/** Whether a tensor of `tree` lies in a block a scope owns. */
function holdsScoped(tree: unknown): boolean {
  let found = false
  tensorsIn(tree, (t) => {
    found ||= scopeBlockOf(t) !== null
  })
  return found
}
