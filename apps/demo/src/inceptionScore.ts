import * as AG from '@gd/autograd'
import { Tensor } from '@gd/tensor'

/**
 * The inception-style score (Salimans et al., 2016) of a classifier's predictions p(y|x) on n
 * samples, one row of class probabilities per sample:
 *
 *   IS = exp(E_x KL(p(y|x) ‖ p(y))),   p(y) = E_x p(y|x)
 *
 * It is high when each sample is classified confidently (low entropy per row) and the classes are
 * spread evenly (high entropy of the mean row): with K classes it lies in [1, K]. Every row the same
 * gives 1; one-hot rows spread evenly over K classes give K. Terms with p = 0 count 0 (p log p → 0).
 *
 * @throws Error when `probabilities` is not a [n, K] tensor with n, K ≥ 1, holds a value outside
 * [0, 1], or a row does not sum to 1 (within 1e-3).
 */
export function inceptionScore(probabilities: Tensor): number {
  const fn = 'inceptionScore'
  if (!(probabilities instanceof Tensor))
    throw new Error(`${fn}: probabilities must be a [samples, classes] tensor, got ${typeof probabilities}`)
  const [n = 0, k = 0] = probabilities.shape
  if (probabilities.rank !== 2 || n < 1 || k < 1) {
    throw new Error(
      `${fn}: probabilities must be a [samples, classes] tensor with at least one of each, got shape [${probabilities.shape.join(',')}]`,
    )
  }
  const p = probabilities.data
  const mean = new Float64Array(k)
  for (let i = 0; i < n; i++) {
    let total = 0
    for (let j = 0; j < k; j++) {
      const v = p[i * k + j]!
      if (!(v >= 0 && v <= 1)) throw new Error(`${fn}: probabilities must be in [0, 1], got ${v} at [${i},${j}]`)
      total += v
      mean[j]! += v / n
    }
    if (Math.abs(total - 1) > 1e-3)
      throw new Error(`${fn}: each row of probabilities must sum to 1, row ${i} sums to ${total}`)
  }
  let kl = 0
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const v = p[i * k + j]!
      if (v > 0) kl += v * Math.log(v / mean[j]!)
    }
  }
  return Math.exp(kl / n)
}

/**
 * The inception-style score of images under a digit classifier: `predict` maps [n, 784] pixels in
 * [0, 1] to [n, 10] logits; their softmax rows go to {@link inceptionScore}.
 */
export function digitScore(predict: (x: Tensor) => Tensor, images: Tensor): number {
  const probabilities = AG.noGrad(() => AG.softmax(predict(images), 1)).value
  return inceptionScore(probabilities)
}
