import { Tensor, type Tree } from '@gd/tensor'
import { allocate } from '@gd/tensor/internal'
import { badState, spend, transformArg, unspent } from '../internal/consume.js'
import { flatten, inOrderOf, mapTree } from '../internal/tree.js'
import { buffersLike, floatElements, mapGradientLeaves, type FloatArray } from '../core/leaves.js'
import { outputFor } from '../core/chain.js'
import { positiveInteger, numberRule, resolveOptions } from '../core/options.js'
import type { GradientTransformation, UpdateExtra } from '../core/transform.js'
import { type InPlaceTransformation, checkBeforeWrite } from '../core/inPlace.js'

/** Options of {@link multiSteps}. */
export interface MultiStepsOptions {
  /** Number of gradients to average per real step. */
  everyK: number
}

/** State of {@link multiSteps}: position in the cycle, the running sum and the inner state. */
export interface MultiStepsState<S> {
  readonly miniStep: number
  readonly sum: FloatArray[]
  readonly inner: S
}

/**
 * Gradient accumulation: sums `everyK` gradients and, on every k-th call, runs the inner
 * transformation once on their mean; the other calls return zero updates.
 *
 * ```
 * s ← s + g
 * every k-th call:  u = inner(s / k),  s ← 0      otherwise u = 0
 * ```
 *
 * @throws Error `multiSteps: everyK must be an integer >= 1, got 0`.
 * @example
 * ```ts
 * import { adam, multiSteps } from '@gd/optimizers'
 * const opt = multiSteps(adam(), { everyK: 4 }) // batch of 32 acts as 128
 * ```
 */
export function multiSteps<S>(
  inner: GradientTransformation<S>,
  options: MultiStepsOptions,
): GradientTransformation<MultiStepsState<S>> {
  const fn = 'multiSteps'
  transformArg(fn, 'inner', inner)
  const { everyK } = resolveOptions(fn, options, { everyK: 1 }, { everyK: numberRule(positiveInteger) })
  /** Checks the state and pairs grads with its sums (init order); writes nothing. */
  const plan = (grads: Tree, state: MultiStepsState<S>, params: Tree | undefined, extra: UpdateExtra | undefined) => {
    if (
      typeof state !== 'object' ||
      state === null ||
      !Number.isSafeInteger(state.miniStep) ||
      !Array.isArray(state.sum)
    )
      throw badState(fn, state)
    unspent(fn, state)
    const g = inOrderOf(fn, grads, (state as { paths?: unknown }).paths, 'grads', state.sum.length)
    const gs = g.leaves.map((leaf, k) => {
      const d = floatElements(fn, leaf)
      if (d.length !== state.sum[k]!.length)
        throw new Error(
          `${fn}: a gradient has ${d.length} elements but the state was built for ${state.sum[k]!.length}`,
        )
      return d
    })
    const last = state.miniStep + 1 >= everyK
    if (last) checkBeforeWrite(inner, grads, state.inner, params, extra)
    return { gs, last }
  }
  const tx: InPlaceTransformation<MultiStepsState<S>> = {
    init: (params) => ({
      miniStep: 0,
      sum: buffersLike(fn, params),
      inner: inner.init(params),
      paths: flatten(params).paths,
    }),
    check: (grads, state, params, extra) => void plan(grads, state, params, extra),
    update(grads, state, params, extra) {
      const { gs, last } = plan(grads, state, params, extra)
      gs.forEach((d, k) => {
        const s = state.sum[k]!
        for (let i = 0; i < s.length; i++) s[i] = s[i]! + d[i]!
      })
      let result: { updates: Tree; state: MultiStepsState<S> }
      if (!last) {
        const updates = mapGradientLeaves(fn, grads, null, (g) => {
          const out = outputFor(fn, g)
          floatElements(fn, out).fill(0)
          return out
        })
        result = { updates, state: { ...state, miniStep: state.miniStep + 1 } }
      } else {
        // the mean, shaped like grads (the inner transform pairs it by key)
        const order = inOrderOf(fn, grads, (state as { paths?: unknown }).paths, 'grads', state.sum.length).order
        let j = 0
        const mean: Tree = mapTree(grads, (g) => {
          const s = state.sum[order[j++]!]!
          const m = allocate(g.dtype as 'float32' | 'float64', g.size)
          for (let i = 0; i < s.length; i++) m[i] = s[i]! / everyK
          s.fill(0)
          return new Tensor(m, g.shape, g.dtype)
        })
        const r = inner.update(mean, state.inner, params, extra)
        result = { updates: r.updates, state: { ...state, miniStep: 0, inner: r.state } }
      }
      spend(state, result.state)
      return result
    },
  }
  return tx
}
