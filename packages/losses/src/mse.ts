import { square, sub, type Input, type Var } from '@gd/autograd'
import { readOptions } from '@gd/check'
import { lossSpec } from './internal/checks.js'
import { pair, reduceLoss, type LossOptions } from './reduction.js'

/**
 * Mean squared error, ℓᵢ = (ŷᵢ − yᵢ)², elementwise (so `'none'` keeps the predictions' shape).
 * The maximum-likelihood cost of a Gaussian output with fixed variance: it learns the conditional
 * mean. Targets may be traced too; both get gradients (∂ℓ/∂ŷ = 2(ŷ − y)).
 *
 * @throws Error when the shapes differ, or for bad options (see {@link LossOptions}).
 * @example
 * ```ts
 * import { mse } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // ((1 − 0)² + (2 − 4)²) / 2 = (1 + 4) / 2 = 2.5
 * mse(tensor([1, 2]), tensor([0, 4])).item() // 2.5
 * ```
 */
export function mse(predictions: Input, targets: Input, options: LossOptions = {}): Var {
  const reduce = readOptions('mse', options, lossSpec)
  const [p, t] = pair('mse', predictions, targets)
  return reduceLoss('mse', square(sub(p, t)), reduce)
}
