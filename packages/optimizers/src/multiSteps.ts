import { Tensor, allocate, treeLeaves, type Tree } from '@gd/tensor'
import { buffersLike, checkSizes, floatData, mapLeaves, type FloatArray } from './leaves.js'
import { outputFor } from './chain.js'
import { positiveInteger, num, resolveOptions } from './options.js'
import type { GradientTransformation } from './transform.js'

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
  const { everyK } = resolveOptions(fn, options, { everyK: 1 }, { everyK: num(positiveInteger) })
  return {
    init: (params) => ({ miniStep: 0, sum: buffersLike(fn, params), inner: inner.init(params) }),
    update(grads, state, params, extra) {
      const gs = treeLeaves(grads)
      checkSizes(fn, gs, state.sum.map((s) => s.length))
      gs.forEach((g, k) => {
        const s = state.sum[k]!
        const d = floatData(fn, g)
        for (let i = 0; i < s.length; i++) s[i] = s[i]! + d[i]!
      })
      if (state.miniStep + 1 < everyK) {
        const updates = mapLeaves(fn, grads, null, (g) => {
          const out = outputFor(fn, g)
          floatData(fn, out).fill(0)
          return out
        })
        return { updates, state: { ...state, miniStep: state.miniStep + 1 } }
      }
      const mean: Tree = mapLeaves(fn, grads, null, (g, k) => {
        const s = state.sum[k]!
        const m = allocate(g.dtype as 'float32' | 'float64', g.size)
        for (let i = 0; i < s.length; i++) m[i] = s[i]! / everyK
        s.fill(0)
        return new Tensor(m, g.shape, g.dtype)
      })
      const r = inner.update(mean, state.inner, params, extra)
      return { updates: r.updates, state: { miniStep: 0, sum: state.sum, inner: r.state } }
    },
  }
}
