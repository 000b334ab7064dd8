import { fail } from '@gd/check'
import { countOf, floatLeaves, spend } from '../internal/consume.js'
import { hyperAt, hyperRule, nonNegative, resolveOptions, booleanRule } from '../core/options.js'
import { scaleTree } from './scale.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation } from '../core/transform.js'
import { type InPlaceTransformation } from '../core/inPlace.js'

/** State of a transform that reads a schedule: the number of updates done so far. */
export interface CountState {
  readonly count: number
}

/** Options of {@link scaleByLearningRate}. */
export interface ScaleByLearningRateOptions {
  /** Multiply by −η (descend) rather than +η. Default true. */
  flipSign?: boolean
}

/**
 * Multiplies updates by the learning rate η (a number or a schedule read at the step count), with
 * the sign flipped so the result points downhill: u = −η(k) · g, k = 0 on the first update.
 *
 * @throws Error `scaleByLearningRate: learningRate must be >= 0 (or a schedule), got -1`.
 * @example
 * ```ts
 * import { chain, scaleByAdam, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(scaleByAdam(), scaleByLearningRate((k) => 1e-3 * 0.99 ** k))
 * ```
 */
export function scaleByLearningRate(
  learningRate: Hyper,
  options?: ScaleByLearningRateOptions,
): GradientTransformation<CountState> {
  const fn = 'scaleByLearningRate'
  if (learningRate === undefined) fail(fn, 'learningRate', '>= 0 (or a schedule)', learningRate)
  resolveOptions(fn, { learningRate }, { learningRate: 0 }, { learningRate: hyperRule(nonNegative) })
  const o = resolveOptions(fn, options, { flipSign: true }, { flipSign: booleanRule })
  const factor = (state: CountState): { factor: number; state: CountState } => {
    const count = countOf(fn, state)
    const lr = hyperAt(fn, 'learningRate', learningRate, count, nonNegative)
    return { factor: o.flipSign ? -lr : lr, state: { count: count + 1 } }
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
