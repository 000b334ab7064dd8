import { add, div, relu, sub, sum, takeAlongAxis, toVar, where, type Input, type Var } from '@gd/autograd'
import * as T from '@gd/tensor'
import { positive, readOptions, withDefault, type Spec } from '@gd/check'
import { classSpec, floatInput, input, lossSpec } from './internal/checks.js'
import { reduced } from './internal/reduce.js'
import { targetsOf } from './internal/targets.js'
import { requireLabels, type ClassOptions } from './labels.js'
import type { LossOptions } from './reduction.js'

/** Options of {@link multiclassHinge}. */
export interface MulticlassHingeOptions extends LossOptions, ClassOptions {
  /** The margin m > 0 the true class must win by (default 1). */
  margin?: number
}

/**
 * The multiclass hinge loss of Weston and Watkins (PyTorch's `multi_margin_loss` with p = 1) on
 * scores s of shape [..., C] and int32 labels y of shape [...]:
 *
 *   ℓ = Σ_{c ≠ y} max(0, m − s_y + s_c) / C
 *
 * Subgradient at each kink s_y − s_c = m: 0. Class weights and the ignore index work as in
 * {@link softmaxCrossEntropy}.
 *
 * @throws Error for targets that are not int32 labels, a label out of range, or bad options.
 * @example
 * ```ts
 * import { multiclassHinge } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // s = [2, 1.5, 0], y = 0: (max(0, 1 − 2 + 1.5) + max(0, 1 − 2 + 0)) / 3 = 0.5 / 3 = 0.1666…
 * multiclassHinge(tensor([[2, 1.5, 0]]), tensor([0], { dtype: 'int32' })).item() // 0.1666…
 * ```
 */
export function multiclassHinge(scores: Input, labels: Input, options: MulticlassHingeOptions = {}): Var {
  const fn = 'multiclassHinge'
  const {
    margin,
    classWeights,
    ignoreIndex,
    reduction,
    weights: given,
  } = readOptions(fn, options, {
    ...lossSpec,
    ...classSpec,
    margin: withDefault(positive, 1),
  } satisfies Spec<MulticlassHingeOptions>)
  const s = toVar(fn, floatInput(fn, 'scores', scores))
  requireLabels(fn, labels)
  // the options, read above with classSpec's and lossSpec's checks, are not read again
  const { indices, weights } = targetsOf(fn, s, input(fn, 'targets', labels), classWeights, ignoreIndex)
  // int32 labels (requireLabels) always come with their indices: read s_y and mask c = y without a one-hot product.
  const y = T.expandDims(indices!, -1)
  const classes = s.shape[s.rank - 1]!
  const trueScore = takeAlongAxis(s, y, -1)
  const terms = where(T.equal(T.arange(0, classes, 1, { dtype: 'int32' }), y), 0, relu(add(sub(s, trueScore), margin)))
  return reduced(fn, div(sum(terms, { axis: -1 }), classes), reduction, given, weights)
}
