import { Var, type Input } from '@gd/autograd'
import { readOptions, string } from '@gd/check'
import { Tensor } from '@gd/tensor'
import { classSpec, input, shaped } from './internal/checks.js'
import { targetsOf } from './internal/targets.js'

/** Options shared by the losses over a class axis. */
export interface ClassOptions {
  /** Non-negative weight per class, a tensor of shape [C]; sample i is weighted by w[yᵢ]. */
  classWeights?: Tensor | undefined
  /** An integer label whose samples are skipped (weight 0), as PyTorch's `ignore_index`. Only with int32 labels. */
  ignoreIndex?: number | undefined
}

/** Targets over a class axis, as {@link classTargets} reads them. */
export interface ClassTargets {
  /** The target distribution over the last axis, [..., C], in the predictions' dtype. */
  probabilities: Var
  /** Whether the targets were int32 labels (else float distributions). */
  labels: boolean
  /**
   * For int32 labels, the class index of each sample [...] (int32; 0 for an ignored one, whose weight
   * is 0), for picking the target's term along the class axis without the one-hot product.
   */
  indices?: Tensor
  /** Per-sample weights [...] from class weights and the ignore index, or undefined when there are none. */
  weights: Tensor | undefined
}

/**
 * Reads a class-axis loss's targets: int32 labels of shape [...] (each in [0, C) or equal to
 * `ignoreIndex`), or float distributions (one-hot or soft) of the predictions' shape [..., C].
 * Class weights become per-sample weights: w[yᵢ] for labels, Σ_c w_c·y_c for distributions
 * (the same number for a one-hot row); ignored labels get weight 0 and a one-hot row of class 0,
 * which the weight then cancels.
 *
 * @throws Error for shapes that do not fit, a label out of range, a negative probability, bad class weights, an
 *   ignore index with float targets, or an unknown option (`options` holds only `classWeights` and
 *   `ignoreIndex`).
 * @example
 * ```ts
 * import { classTargets } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * const t = classTargets('nll', tensor([[0, 0, 0]]), tensor([2], { dtype: 'int32' }))
 * t.probabilities.toArray() // [[0, 0, 1]]
 * ```
 */
export function classTargets(
  fn: string,
  predictions: Var | Tensor,
  targets: Input,
  options: ClassOptions = {},
): ClassTargets {
  string('classTargets', 'fn', fn)
  shaped(fn, 'predictions', predictions)
  input(fn, 'targets', targets)
  const { classWeights, ignoreIndex } = readOptions(fn, options, classSpec)
  const t = targetsOf(fn, predictions, targets, classWeights, ignoreIndex)
  if (!t.labels) return t
  // the losses' own lazy object keeps its one-hot rows on its class; a caller here gets them as an own
  // property, read when first read (an object that spreads and lists its keys as before)
  return {
    get probabilities() {
      return t.probabilities
    },
    labels: true,
    indices: t.indices!,
    weights: t.weights,
  }
}

/**
 * Throws unless `targets` are int32 labels, for the losses that take nothing else.
 *
 * @throws Error `<fn>: targets must be int32 labels, got <dtype>`.
 * @example
 * ```ts
 * import { requireLabels } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * requireLabels('nll', tensor([1], { dtype: 'int32' })) // ok
 * requireLabels('nll', tensor([1])) // throws "nll: targets must be int32 labels, got float32"
 * ```
 */
export function requireLabels(fn: string, targets: Input): void {
  string('requireLabels', 'fn', fn)
  const dtype = targets instanceof Var || targets instanceof Tensor ? targets.dtype : typeof targets
  if (dtype !== 'int32') throw new Error(`${fn}: targets must be int32 labels, got ${dtype}`)
}
