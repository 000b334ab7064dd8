import { countOf, floatLeaves, spend } from '../internal/consume.js'
import { hyperAt } from '../core/options.js'
import { scaleTree } from './scale.js'
import type { Schedule } from '../core/hyper.js'
import type { CountState } from './scaleByLearningRate.js'
import type { GradientTransformation } from '../core/transform.js'
import type { InPlaceTransformation } from '../core/inPlace.js'

/**
 * Multiplies updates by a schedule's value at the step count: u = s(k) · g, k = 0 on the first
 * update. Unlike {@link scaleByLearningRate} it does not flip the sign and allows any finite value.
 *
 * @throws Error `scaleBySchedule: schedule must be a function, got 3`.
 * @example
 * ```ts
 * import { chain, scaleByAdam, scaleBySchedule } from '@gd/optimizers'
 * const warmup = chain(scaleByAdam(), scaleBySchedule((k) => -1e-3 * Math.min(1, (k + 1) / 100)))
 * ```
 */
export function scaleBySchedule(schedule: Schedule): GradientTransformation<CountState> {
  const fn = 'scaleBySchedule'
  if (typeof schedule !== 'function') {
    throw new Error(`${fn}: schedule must be a function, got ${String(schedule)}`)
  }
  const finite = { min: -Number.MAX_VALUE, max: Number.MAX_VALUE }
  const factor = (state: CountState): { factor: number; state: CountState } => {
    const count = countOf(fn, state)
    return { factor: hyperAt(fn, 'schedule', schedule, count, finite), state: { count: count + 1 } }
  }
  const tx: InPlaceTransformation<CountState> = {
    init: () => ({ count: 0 }),
    check(grads, state) {
      factor(state)
      floatLeaves(fn, grads)
    },
    update(grads, state) {
      const r = factor(state)
      const updates = scaleTree(fn, grads, r.factor)
      spend(state, r.state)
      return { updates, state: r.state }
    },
    factor,
  }
  return tx
}
