import { toVar, type Input, type Var } from '@gd/autograd'
import { readOptions, type Spec } from '@gd/check'
import { classSpec, floatInput, lossSpec } from './internal/checks.js'
import { classTargets, requireLabels, type ClassOptions } from './labels.js'
import { reduceLoss, type LossOptions } from './reduction.js'
import { crossEntropy } from './softmaxCrossEntropy.js'

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
  const { classWeights, ignoreIndex, ...reduce } = readOptions('nll', options, {
    ...lossSpec,
    ...classSpec,
  } satisfies Spec<NllOptions>)
  const logP = toVar('nll', floatInput('nll', 'logProbabilities', logProbabilities))
  requireLabels('nll', labels)
  const { probabilities, weights } = classTargets('nll', logP, labels, { classWeights, ignoreIndex })
  return reduceLoss('nll', crossEntropy(probabilities, logP), reduce, weights)
}
