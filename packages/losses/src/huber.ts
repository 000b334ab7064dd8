import { abs, add, clip, mul, square, sub, type Input, type Var } from '@gd/autograd'
import { positive, readOptions, withDefault, type Spec } from '@gd/check'
import { lossSpec } from './internal/checks.js'
import { pair, reduceLoss, type LossOptions } from './reduction.js'

/** Options of {@link huber}. */
export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear; > 0, default 1. */
  delta?: number
}

/**
 * The Huber loss, quadratic near the target and linear far from it (PyTorch's `huber_loss`,
 * Optax's `huber_loss`), with d = ŷ − y:
 *
 *   ℓ = ½d²            if |d| ≤ δ
 *   ℓ = δ(|d| − ½δ)    otherwise
 *
 * Its gradient is d clipped to [−δ, δ]. Computed as ½c² + δ(|d| − |c|) with c = clip(d, −δ, δ),
 * which is the same function without a branch.
 *
 * @throws Error `huber: delta must be a positive finite number, got …`, a shape mismatch, or bad options.
 * @example
 * ```ts
 * import { huber } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // d = 0.5 → ½·0.25 = 0.125;  d = 3 → 1·(3 − 0.5) = 2.5
 * huber(tensor([0.5, 3]), tensor([0, 0]), { reduction: 'none' }).toArray() // [0.125, 2.5]
 * ```
 */
export function huber(predictions: Input, targets: Input, options: HuberOptions = {}): Var {
  const { delta, ...reduce } = readOptions('huber', options, {
    ...lossSpec,
    delta: withDefault(positive, 1),
  } satisfies Spec<HuberOptions>)
  const [p, t] = pair('huber', predictions, targets)
  const d = sub(p, t)
  const c = clip(d, -delta, delta)
  return reduceLoss('huber', add(mul(square(c), 0.5), mul(sub(abs(d), abs(c)), delta)), reduce)
}
