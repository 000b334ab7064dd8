import { neg, squeeze, takeAlongAxis, toVar, type Input, type Var } from '@gd/autograd'
import { readOptions, type Spec } from '@gd/check'
import * as T from '@gd/tensor'
import { classSpec, floatInput, input, lossSpec } from './internal/checks.js'
import { reduced } from './internal/reduce.js'
import { targetsOf } from './internal/targets.js'
import { requireLabels, type ClassOptions } from './labels.js'
import type { LossOptions } from './reduction.js'

/** Options of {@link nll}. */
export interface NllOptions extends LossOptions, ClassOptions {}

/**
 * Negative log-likelihood from log-probabilities (PyTorch's `nll_loss`): for int32 labels y of
 * shape [...] and log-probabilities of shape [..., C], ℓᵢ = −log pᵢ[yᵢ].
 *
 * `softmaxCrossEntropy(z, y)` equals `nll(logSoftmax(z), y)`; use the former on logits. Class
 * weights and the ignore index work as in {@link softmaxCrossEntropy}.
 *
 * @throws Error for targets that are not int32 labels, a label out of range, or bad options.
 * @example
 * ```ts
 * import { nll } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // −log p[1] = −(−0.5) = 0.5
 * nll(tensor([[-1, -0.5]]), tensor([1], { dtype: 'int32' })).item() // 0.5
 * ```
 */
export function nll(logProbabilities: Input, labels: Input, options: NllOptions = {}): Var {
  const { classWeights, ignoreIndex, reduction, weights } = readOptions('nll', options, {
    ...lossSpec,
    ...classSpec,
  } satisfies Spec<NllOptions>)
  const logP = toVar('nll', floatInput('nll', 'logProbabilities', logProbabilities))
  requireLabels('nll', labels)
  // the target's log-probability picked along the class axis: the value of the one-hot product −Σ_c q_c·log p_c
  // (every other term is an exact 0) for C times less work forward and backward, and no one-hot rows
  // requireLabels checked that the targets are int32 labels, so classTargets' body gave their indices (the
  // options, read above with classSpec's and lossSpec's checks, are not read again)
  const target = targetsOf('nll', logP, input('nll', 'targets', labels), classWeights, ignoreIndex)
  const picked = neg(squeeze(takeAlongAxis(logP, T.expandDims(target.indices!, -1), -1), -1))
  return reduced('nll', picked, reduction, weights, target.weights)
}
