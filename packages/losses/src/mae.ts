import { abs, sub, type Input, type Var } from '@gd/autograd'
import { readOptions } from '@gd/check'
import { lossSpec } from './internal/checks.js'
import { pair, reduceLoss, type LossOptions } from './reduction.js'

/**
 * Mean absolute error, ℓᵢ = |ŷᵢ − yᵢ|, elementwise: the cost for learning a conditional median,
 * less sensitive to outliers than {@link mse}. Subgradient at the kink: 0 where ŷᵢ = yᵢ.
 *
 * @throws Error when the shapes differ, or for bad options (see {@link LossOptions}).
 * @example
 * ```ts
 * import { mae } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // (|1 − 0| + |2 − 4|) / 2 = 1.5
 * mae(tensor([1, 2]), tensor([0, 4])).item() // 1.5
 * ```
 */
export function mae(predictions: Input, targets: Input, options: LossOptions = {}): Var {
  const reduce = readOptions('mae', options, lossSpec)
  const [p, t] = pair('mae', predictions, targets)
  return reduceLoss('mae', abs(sub(p, t)), reduce)
}

/**
 * The L1 loss: another name for {@link mae} (PyTorch's `l1_loss`).
 *
 * @example
 * ```ts
 * import { l1 } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * l1(tensor([1, 2]), tensor([0, 4]), { reduction: 'sum' }).item() // 3
 * ```
 */
export const l1 = mae
