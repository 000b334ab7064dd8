import type { Tree } from '@gd/tensor'
import { badState, spend, transformArg, unspent } from '../internal/consume.js'
import { leavesOf } from '../internal/tree.js'
import { floatElements, mapGradientLeaves } from '../core/leaves.js'
import { outputFor } from '../core/chain.js'
import { numberRule, resolveOptions } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'
import { type InPlaceTransformation, checkBeforeWrite } from '../core/inPlace.js'

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
  transformArg(fn, 'inner', inner)
  const o = resolveOptions(
    fn,
    options,
    { maxConsecutiveErrors: Infinity },
    { maxConsecutiveErrors: numberRule({ min: 0 }) },
  )
  /** Checks the state and the grads' dtypes; whether every gradient is finite. */
  const plan = (grads: Tree, state: ApplyIfFiniteState<S>): boolean => {
    if (
      typeof state !== 'object' ||
      state === null ||
      !Number.isSafeInteger(state.notFiniteCount) ||
      !Number.isSafeInteger(state.totalNotFinite)
    ) {
      throw badState(fn, state)
    }
    unspent(fn, state)
    return leavesOf(grads)
      .map((g) => floatElements(fn, g))
      .every((d) => d.every(Number.isFinite))
  }
  const tx: InPlaceTransformation<ApplyIfFiniteState<S>> = {
    init: (params) => ({ notFiniteCount: 0, totalNotFinite: 0, lastFinite: true, inner: inner.init(params) }),
    check(grads, state, params, extra) {
      plan(grads, state)
      checkBeforeWrite(inner, grads, state.inner, params, extra)
    },
    update(grads, state, params, extra) {
      const finite = plan(grads, state)
      if (finite || state.notFiniteCount >= o.maxConsecutiveErrors) {
        const r = inner.update(grads, state.inner, params, extra)
        const next = { notFiniteCount: 0, totalNotFinite: state.totalNotFinite, lastFinite: finite, inner: r.state }
        const result = {
          updates: r.updates,
          state: finite ? next : { ...next, totalNotFinite: state.totalNotFinite + 1 },
        }
        spend(state, result.state)
        return result
      }
      // the inner transform must accept these grads before they are skipped, or the error comes later
      checkBeforeWrite(inner, grads, state.inner, params, extra)
      const updates = mapGradientLeaves(fn, grads, null, (g) => {
        const out = outputFor(fn, g)
        floatElements(fn, out).fill(0)
        return out
      })
      const next = {
        notFiniteCount: state.notFiniteCount + 1,
        totalNotFinite: state.totalNotFinite + 1,
        lastFinite: false,
        inner: state.inner,
      }
      spend(state, next)
      return { updates, state: next }
    },
  }
  return tx
}
