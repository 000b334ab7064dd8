import {
  decayAll,
  decayTransform,
  weightDecayTransform,
  type WeightDecayOptions,
  type WeightDecayState,
} from './addDecayedWeights.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation } from '../core/transform.js'

/**
 * Coupled weight decay, the gradient of an L2 penalty ½ λ ‖θ‖² added to the loss: g ← g + λ θ.
 * Put it first in a chain, before any scaling; that is what PyTorch's `weight_decay` does in SGD,
 * Adam, RMSprop and Adagrad. (The same arithmetic as {@link addDecayedWeights}; only its place in the
 * chain differs.)
 *
 * @throws Error `addL2: weightDecay must be >= 0 (or a schedule), got -1`.
 * @example
 * ```ts
 * import { addL2, chain, scaleByAdam, scaleByLearningRate } from '@gd/optimizers'
 * const adamL2 = chain(addL2({ weightDecay: 1e-4 }), scaleByAdam(), scaleByLearningRate(1e-3))
 * ```
 */
export function addL2(options?: WeightDecayOptions): GradientTransformation<WeightDecayState> {
  return weightDecayTransform('addL2', options)
}

/**
 * The link a named optimizer's `weightDecay` option adds (λ already validated by that optimizer):
 * {@link addL2} on every leaf. It leaves the mask code out of bundles that do not use masks.
 *
 * @example
 * ```ts
 * import { chain, scaleByLearningRate } from '@gd/optimizers'
 * import { coupledL2 } from '@gd/optimizers/extend'
 * const sgdL2 = chain(coupledL2(1e-4), scaleByLearningRate(0.1))
 * ```
 */
export function coupledL2(weightDecay: Hyper): GradientTransformation<WeightDecayState> {
  return decayTransform('addL2', weightDecay, decayAll)
}
