import { add, logSoftmax, mul, neg, sum, toVar, where, type Input, type Var } from '@gd/autograd'
import * as T from '@gd/tensor'
import { readOptions, within, withDefault, type Spec } from '@gd/check'
import { classSpec, floatInput, input, lossSpec, traced } from './internal/checks.js'
import { reduced } from './internal/reduce.js'
import { softmaxNll } from './internal/softmaxNll.js'
import { targetsOf } from './internal/targets.js'
import type { ClassOptions } from './labels.js'
import type { LossOptions } from './reduction.js'

/** Options of {@link softmaxCrossEntropy}. */
export interface SoftmaxCrossEntropyOptions extends LossOptions, ClassOptions {
  /** Label smoothing ε in [0, 1]: targets become (1 − ε)·y + ε/C (default 0). */
  labelSmoothing?: number
}

/** The options' spec, made at the first call (a bundle without this loss makes none). */
let spec: ReturnType<typeof specOf> | undefined
const specOf = () =>
  ({
    ...lossSpec,
    ...classSpec,
    labelSmoothing: withDefault(within({ min: 0, max: 1 }), 0),
  }) satisfies Spec<SoftmaxCrossEntropyOptions>

/**
 * Categorical cross-entropy from logits z over the last axis: the maximum-likelihood cost of a
 * softmax output unit. With target distribution q (one-hot from int32 labels, or given):
 *
 *   ℓ = −Σ_c q_c · log softmax(z)_c
 *
 * computed with `logSoftmax`, so logits of any size (±1e4 in float32) give finite values and the
 * gradient softmax(z) − q. Terms with q_c = 0 are exactly 0, so a logit of −Infinity on a
 * non-target class is allowed.
 *
 * - Targets: int32 labels of shape [...] or float distributions of the logits' shape [..., C].
 *   `'none'` gives one value per sample, shape [...].
 * - `labelSmoothing` ε mixes the targets with the uniform distribution (as PyTorch and Optax).
 * - `classWeights` [C] weight sample i by w[yᵢ] (Σ_c w_c·y_c for soft targets, computed before
 *   smoothing), and `ignoreIndex` gives weight 0 to samples with that label. Both combine with
 *   `weights`, and `'mean'` divides by the total weight (see {@link LossOptions}), as PyTorch's
 *   `cross_entropy` does for class weights and ignored labels.
 *
 * @throws Error for a label out of range, shapes that do not fit, or bad options.
 * @example
 * ```ts
 * import { softmaxCrossEntropy } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // logits [0, 0], label 1: −log(½) = log 2 = 0.6931…
 * softmaxCrossEntropy(tensor([[0, 0]]), tensor([1], { dtype: 'int32' })).item() // 0.6931…
 * // ε = 0.2 over 2 classes: q = [0.1, 0.9] on logits [0, ln 9]: −(0.1 log 0.1 + 0.9 log 0.9) = 0.3250…
 * softmaxCrossEntropy(tensor([[0, Math.log(9)]]), tensor([1], { dtype: 'int32' }), { labelSmoothing: 0.2 }).item() // 0.3250…
 * ```
 */
export function softmaxCrossEntropy(logits: Input, targets: Input, options: SoftmaxCrossEntropyOptions = {}): Var {
  const fn = 'softmaxCrossEntropy'
  const {
    labelSmoothing: eps,
    classWeights,
    ignoreIndex,
    reduction,
    weights: given,
  } = readOptions(fn, options, (spec ??= specOf()))
  const z = toVar(fn, floatInput(fn, 'logits', logits))
  // the options were read above with classSpec's and lossSpec's checks: classTargets' and reduceLoss' bodies
  // take them as read (not read again); not destructured: int32 labels make their one-hot `probabilities`
  // only when read, which the picking path never does
  const target = targetsOf(fn, z, input(fn, 'targets', targets), classWeights, ignoreIndex)
  const { indices, weights } = target
  // labels without smoothing: −log p of the target class, picked along the class axis (the one-hot
  // product gives the same value, C times the work forward and backward), in one fused primitive
  if (indices !== undefined && eps === 0) return reduced(fn, softmaxNll(z, indices), reduction, given, weights)
  const classes = z.shape[z.rank - 1]!
  const q = eps === 0 ? target.probabilities : add(mul(target.probabilities, 1 - eps), eps / classes)
  return reduced(fn, crossEntropy(q, logSoftmax(z)), reduction, given, weights)
}

/**
 * −Σ_c q_c·log p_c over the last axis, with terms where q_c = 0 taken as exactly 0 (also in the
 * gradients, even where log p_c = −∞). The core of {@link softmaxCrossEntropy} and {@link nll}.
 *
 * @example
 * ```ts
 * import { crossEntropy } from '@gd/losses'
 * import { toVar } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * // −(1 · log ½ + 0 · (−∞)) = log 2
 * crossEntropy(toVar('x', tensor([1, 0])), toVar('x', tensor([Math.log(0.5), -Infinity]))).item() // 0.6931…
 * ```
 */
export function crossEntropy(q: Var, logP: Var): Var {
  traced('crossEntropy', 'q', q)
  traced('crossEntropy', 'logP', logP)
  const zero = T.equal(q.value, 0)
  return neg(sum(mul(q, where(zero, 0, logP)), { axis: -1 }))
}
