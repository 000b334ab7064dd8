import { mul, relu, square, sub, type Input, type Var } from '@gd/autograd'
import { readOptions } from '@gd/check'
import { checkValues, lossSpec } from './internal/checks.js'
import { pair, reduceLoss, type LossOptions } from './reduction.js'

function margins(fn: string, scores: Input, targets: Input): Var {
  const [s, y] = pair(fn, scores, targets)
  checkValues(y.value, (v) => {
    if (v !== 1 && v !== -1) throw new Error(`${fn}: targets must be -1 or 1 (map 0/1 labels with 2y − 1), got ${v}`)
  })
  // relu′(0) = 0: at the kink y·s = 1 the subgradient taken is 0.
  return relu(sub(1, mul(y, s)))
}

/**
 * The hinge loss of a linear SVM on scores s and labels y ∈ {−1, +1}: ℓ = max(0, 1 − y·s),
 * elementwise. Zero once a sample is on the right side with margin 1. Subgradient at the kink
 * y·s = 1: 0.
 *
 * @throws Error when the shapes differ, a target is not ±1, or for bad options.
 * @example
 * ```ts
 * import { hinge } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // max(0, 1 − 0.3) = 0.7, max(0, 1 − 2) = 0
 * hinge(tensor([0.3, -2]), tensor([1, -1]), { reduction: 'none' }).toArray() // [0.7, 0] (0.7 in float32)
 * ```
 */
export function hinge(scores: Input, targets: Input, options: LossOptions = {}): Var {
  const reduce = readOptions('hinge', options, lossSpec)
  return reduceLoss('hinge', margins('hinge', scores, targets), reduce)
}

/**
 * The squared hinge loss, ℓ = max(0, 1 − y·s)² for labels y ∈ {−1, +1}: like {@link hinge} but
 * differentiable at the margin, with gradient −2y·max(0, 1 − y·s).
 *
 * @throws Error when the shapes differ, a target is not ±1, or for bad options.
 * @example
 * ```ts
 * import { squaredHinge } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // (1 − 0.5)² = 0.25
 * squaredHinge(tensor([0.5]), tensor([1])).item() // 0.25
 * ```
 */
export function squaredHinge(scores: Input, targets: Input, options: LossOptions = {}): Var {
  const reduce = readOptions('squaredHinge', options, lossSpec)
  return reduceLoss('squaredHinge', square(margins('squaredHinge', scores, targets)), reduce)
}
