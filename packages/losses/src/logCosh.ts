import { add, softplus, sub, mul, type Input, type Var } from '@gd/autograd'
import { readOptions } from '@gd/check'
import { lossSpec } from './internal/checks.js'
import { pair, reduceLoss, type LossOptions } from './reduction.js'

/**
 * The log-cosh loss, ℓ = log cosh(ŷ − y): about ½d² for small errors and |d| − log 2 for large
 * ones, smooth everywhere, with gradient tanh(d).
 *
 * cosh overflows for |d| > 710 in float64 (89 in float32), so it is computed as the identity
 * log cosh d = d + softplus(−2d) − log 2, which is finite for every finite d.
 *
 * @throws Error when the shapes differ, or for bad options (see {@link LossOptions}).
 * @example
 * ```ts
 * import { logCosh } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * logCosh(tensor([0]), tensor([0])).item() // 0
 * // d = 1000: 1000 − log 2 = 999.3068…, where log(cosh(1000)) would be Infinity
 * logCosh(tensor([1000], { dtype: 'float64' }), tensor([0], { dtype: 'float64' })).item() // 999.3068…
 * ```
 */
export function logCosh(predictions: Input, targets: Input, options: LossOptions = {}): Var {
  const reduce = readOptions('logCosh', options, lossSpec)
  const [p, t] = pair('logCosh', predictions, targets)
  const d = sub(p, t)
  return reduceLoss('logCosh', sub(add(d, softplus(mul(d, -2))), Math.LN2), reduce)
}
