import { Var, oneHot, toVar, type Input } from '@gd/autograd'
import { readOptions, string } from '@gd/check'
import * as T from '@gd/tensor'
import { Tensor } from '@gd/tensor'
import { formatList, isFloat, sameShape } from '@gd/tensor/internal'
import { atLeastZero, classSpec, everyValue, input, shaped } from './internal/checks.js'
import { checkPair } from './reduction.js'

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
  const { classWeights: given, ignoreIndex: ignore } = readOptions(fn, options, classSpec)
  const shape = predictions.shape
  if (shape.length === 0) throw new Error(`${fn}: predictions need a class axis, got shape []`)
  const classes = shape[shape.length - 1]!
  if (classes === 0) throw new Error(`${fn}: predictions need at least one class, got shape ${formatList(shape)}`)
  const dtype = predictions.dtype
  const classWeights = given === undefined ? undefined : checkClassWeights(fn, given, classes)
  const t = toVar(fn, targets, dtype)
  if (t.dtype === 'int32') {
    if (t.tracked) throw new Error(`${fn}: int32 labels cannot be traced`)
    const batch = shape.slice(0, -1)
    if (!sameShape(t.shape, batch)) {
      throw new Error(
        `${fn}: labels ${formatList(t.shape)} must have the predictions' shape without the class axis ${formatList(batch)}`,
      )
    }
    const raw = t.value.data as Int32Array
    const safe = new Int32Array(raw.length)
    const weighted = ignore !== undefined || classWeights !== undefined
    const keep = weighted ? new Float64Array(raw.length) : null
    for (let i = 0; i < raw.length; i++) {
      const y = raw[i]!
      if (y === ignore) continue
      if (y < 0 || y >= classes) throw new Error(`${fn}: label ${y} is out of range for ${classes} classes`)
      safe[i] = y
      if (keep !== null) keep[i] = classWeights === undefined ? 1 : classWeights[y]!
    }
    const labels = new Tensor(safe, batch, 'int32')
    let probabilities: Var | undefined // the one-hot rows, made when a loss reads them
    return {
      get probabilities() {
        return (probabilities ??= oneHot(labels, classes, { dtype: dtype === 'float64' ? 'float64' : 'float32' }))
      },
      labels: true,
      indices: labels,
      weights: keep !== null ? new Tensor(keep, batch, 'float64') : undefined,
    }
  }
  if (ignore !== undefined) throw new Error(`${fn}: ignoreIndex needs int32 labels, got ${t.dtype} targets`)
  if (!isFloat(t.dtype)) throw new Error(`${fn}: targets must be int32 labels or float distributions, got ${t.dtype}`)
  checkPair(fn, predictions, t)
  everyValue(fn, 'targets', t, atLeastZero, '>= 0 (probabilities)')
  let weights: Tensor | undefined
  if (classWeights !== undefined) {
    const w = new Tensor(Float64Array.from(classWeights), [classes], 'float64')
    weights = T.sum(T.mul(T.cast(t.value, 'float64'), w), { axis: -1 })
  }
  return { probabilities: t, labels: false, weights }
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

function checkClassWeights(fn: string, w: Tensor, classes: number): number[] {
  if (w.rank !== 1 || w.shape[0] !== classes) {
    throw new Error(`${fn}: classWeights must have shape [${classes}], got ${formatList(w.shape)}`)
  }
  const values = Array.from(w.data)
  for (const v of values) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`${fn}: classWeights must be finite and >= 0, got ${v}`)
  }
  return values
}
