import { abs, add, clip, div, mul, square, sub, type Input, type Var } from '@gd/autograd'
import { nonNegative, readOptions, withDefault, type Spec } from '@gd/check'
import { lossSpec } from './internal/checks.js'
import { pair, reduceLoss, type LossOptions } from './reduction.js'

/** Options of {@link smoothL1}. */
export interface SmoothL1Options extends LossOptions {
  /** Width of the quadratic zone; ≥ 0, default 1. With 0 the loss is {@link mae}. */
  beta?: number
}

/**
 * The smooth L1 loss (PyTorch's `smooth_l1_loss`), with d = ŷ − y:
 *
 *   ℓ = ½d²/β         if |d| < β
 *   ℓ = |d| − ½β      otherwise
 *
 * It equals {@link huber} with δ = β divided by β: the linear part has slope 1 whatever β is.
 * β = 0 gives the plain absolute error.
 *
 * @throws Error `smoothL1: beta must be a non-negative finite number, got …`, a shape mismatch, or bad options.
 * @example
 * ```ts
 * import { smoothL1 } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // β = 1: d = 0.5 → ½·0.25 = 0.125;  d = 3 → 3 − 0.5 = 2.5
 * smoothL1(tensor([0.5, 3]), tensor([0, 0]), { reduction: 'none' }).toArray() // [0.125, 2.5]
 * ```
 */
export function smoothL1(predictions: Input, targets: Input, options: SmoothL1Options = {}): Var {
  const { beta, ...reduce } = readOptions('smoothL1', options, {
    ...lossSpec,
    beta: withDefault(nonNegative, 1),
  } satisfies Spec<SmoothL1Options>)
  const [p, t] = pair('smoothL1', predictions, targets)
  const d = sub(p, t)
  if (beta === 0) return reduceLoss('smoothL1', abs(d), reduce)
  // ½c²/β + (|d| − |c|) with c = d clipped to [−β, β]: both branches at once, no kink inside.
  const c = clip(d, -beta, beta)
  return reduceLoss('smoothL1', add(div(mul(square(c), 0.5), beta), sub(abs(d), abs(c))), reduce)
}
