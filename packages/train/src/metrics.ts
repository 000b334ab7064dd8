import { fail, finite, readOptions, withDefault } from '@gd/check'
import { Tensor } from '@gd/tensor'

/**
 * A metric: a number per batch from the model's predictions and the targets. The fit loop averages
 * it over examples, weighting each batch by its size, so it must be a mean over the batch.
 */
export type Metric = (predictions: Tensor, targets: Tensor) => number

/**
 * Fraction of rows whose largest prediction is at the target class. Targets are class indices
 * `[n]` or one-hot rows `[n, k]`; predictions are scores `[n, k]` (logits or probabilities).
 *
 * @throws Error when the shapes do not fit together.
 * @example
 * ```ts
 * import { accuracy } from '@gd/train'
 * import { tensor } from '@gd/tensor'
 * accuracy(tensor([[2, 1], [0, 3]]), tensor([0, 0], { dtype: 'int32' })) // 0.5
 * ```
 */
export const accuracy: Metric = (predictions, targets) => {
  if (!(predictions instanceof Tensor)) fail('accuracy', 'predictions', 'a Tensor', predictions)
  if (!(targets instanceof Tensor)) fail('accuracy', 'targets', 'a Tensor', targets)
  const [n, k] = predictions.shape
  if (predictions.rank !== 2 || n === undefined || k === undefined) {
    throw new Error(`accuracy: predictions must have shape [n, classes], got [${predictions.shape}]`)
  }
  const oneHot = targets.rank === 2 && targets.shape[1] === k
  if (targets.shape[0] !== n || (targets.rank !== 1 && !oneHot)) {
    throw new Error(`accuracy: targets must have shape [${n}] or [${n}, ${k}], got [${targets.shape}]`)
  }
  const p = predictions.data
  const t = targets.data
  let correct = 0
  for (let i = 0; i < n; i++) {
    const predicted = argmaxRow(p, i * k, k)
    const label = oneHot ? argmaxRow(t, i * k, k) : Number(t[i])
    if (predicted === label) correct++
  }
  return n === 0 ? 0 : correct / n
}

/**
 * Fraction of examples on the right side of `threshold`: prediction > threshold counts as class 1,
 * target > 0.5 as class 1. Use threshold 0 for logits (the default), 0.5 for probabilities.
 *
 * @throws Error when predictions and targets hold different numbers of elements.
 * @example
 * ```ts
 * import { binaryAccuracy } from '@gd/train'
 * import { tensor } from '@gd/tensor'
 * binaryAccuracy()(tensor([[2], [-1], [0.5]]), tensor([[1], [1], [1]])) // 2/3
 * binaryAccuracy({ threshold: 0.5 })(tensor([0.9, 0.2]), tensor([1, 0])) // 1
 * ```
 */
export function binaryAccuracy(options?: { threshold?: number }): Metric {
  const { threshold } = readOptions('binaryAccuracy', options, { threshold: withDefault(finite, 0) })
  return (predictions, targets) => {
    if (!(predictions instanceof Tensor)) fail('binaryAccuracy', 'predictions', 'a Tensor', predictions)
    if (!(targets instanceof Tensor)) fail('binaryAccuracy', 'targets', 'a Tensor', targets)
    if (predictions.size !== targets.size) {
      throw new Error(
        `binaryAccuracy: predictions and targets sizes differ, got [${predictions.shape}] and [${targets.shape}]`,
      )
    }
    const p = predictions.data
    const t = targets.data
    let correct = 0
    for (let i = 0; i < p.length; i++) if (Number(p[i]) > threshold === Number(t[i]) > 0.5) correct++
    return p.length === 0 ? 0 : correct / p.length
  }
}

function argmaxRow(data: ArrayLike<number | bigint>, start: number, k: number): number {
  let best = 0
  for (let j = 1; j < k; j++) if (Number(data[start + j]) > Number(data[start + best])) best = j
  return best
}
