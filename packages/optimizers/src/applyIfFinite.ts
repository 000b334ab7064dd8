import { treeLeaves } from '@gd/tensor'
import { floatData, mapLeaves } from './leaves.js'
import { outputFor } from './chain.js'
import { num, resolveOptions } from './options.js'
import type { GradientTransformation } from './transform.js'

/** Options of {@link applyIfFinite}. */
export interface ApplyIfFiniteOptions {
  /** After this many skipped steps in a row, apply the next one anyway. Default Infinity. */
  maxConsecutiveErrors?: number
}

/** State of {@link applyIfFinite}: counters and the inner state. */
export interface ApplyIfFiniteState<S> {
  /** Skipped steps in a row so far. */
  readonly notFiniteCount: number
  /** Skipped steps in total. */
  readonly totalNotFinite: number
  /** Whether the last step was applied. */
  readonly lastFinite: boolean
  readonly inner: S
}

/**
 * Skips steps whose gradients hold NaN or ±Infinity: the updates are zero and the inner state
 * does not move; skipped steps are counted. After `maxConsecutiveErrors` skips in a row the next
 * step is applied regardless (as Optax's `apply_if_finite`). The check is on the incoming gradients,
 * before the inner transform runs, since the inner state is updated in place.
 *
 * @example
 * ```ts
 * import { adam, applyIfFinite } from '@gd/optimizers'
 * const opt = applyIfFinite(adam(), { maxConsecutiveErrors: 5 })
 * ```
 */
export function applyIfFinite<S>(
  inner: GradientTransformation<S>,
  options?: ApplyIfFiniteOptions,
): GradientTransformation<ApplyIfFiniteState<S>> {
  const fn = 'applyIfFinite'
  const o = resolveOptions(fn, options, { maxConsecutiveErrors: Infinity }, { maxConsecutiveErrors: num({ min: 0 }) })
  return {
    init: (params) => ({ notFiniteCount: 0, totalNotFinite: 0, lastFinite: true, inner: inner.init(params) }),
    update(grads, state, params, extra) {
      const finite = treeLeaves(grads).every((g) => floatData(fn, g).every(Number.isFinite))
      if (finite || state.notFiniteCount >= o.maxConsecutiveErrors) {
        const r = inner.update(grads, state.inner, params, extra)
        const next = { notFiniteCount: 0, totalNotFinite: state.totalNotFinite, lastFinite: finite, inner: r.state }
        return { updates: r.updates, state: finite ? next : { ...next, totalNotFinite: state.totalNotFinite + 1 } }
      }
      const updates = mapLeaves(fn, grads, null, (g) => {
        const out = outputFor(fn, g)
        floatData(fn, out).fill(0)
        return out
      })
      return {
        updates,
        state: {
          notFiniteCount: state.notFiniteCount + 1,
          totalNotFinite: state.totalNotFinite + 1,
          lastFinite: false,
          inner: state.inner,
        },
      }
    },
  }
}
