import { div, maximum, mul, sqrt, square, sub, sum, type Input, type Var } from '@gd/autograd'
import { checkNumber, checkOptions } from './options.js'
import { lossOptionNames, pair, reduceLoss, type LossOptions } from './reduction.js'

/** Options of {@link cosineSimilarity} and {@link cosineDistance}. */
export interface CosineOptions extends LossOptions {
  /** Norms are clamped below at eps > 0, so a zero vector gives similarity 0 (default 1e-8). */
  eps?: number
}

function cosine(fn: string, predictions: Input, targets: Input, options: CosineOptions): Var {
  checkOptions(fn, options, [...lossOptionNames, 'eps'])
  const eps = checkNumber(fn, 'eps', options.eps ?? 1e-8, (x) => x > 0, '> 0')
  const [a, b] = pair(fn, predictions, targets)
  if (a.rank === 0) throw new Error(`${fn}: predictions need a feature axis, got shape []`)
  // ‖x‖ clamped as √max(Σx², eps²): the max comes first, so a zero vector never makes 0/0 in a gradient.
  const norm = (x: Var): Var => sqrt(maximum(sum(square(x), { axis: -1 }), eps * eps))
  return div(sum(mul(a, b), { axis: -1 }), mul(norm(a), norm(b)))
}

/**
 * The cosine similarity of predictions and targets along the last axis, one value per vector:
 *
 *   cos(a, b) = a·b / (max(‖a‖, eps) · max(‖b‖, eps))
 *
 * (PyTorch's `cosine_similarity`, Optax's `cosine_similarity`). It is a similarity, in [−1, 1]:
 * maximise it, or minimise {@link cosineDistance}. Reduction and weights apply to the
 * per-vector values (shape [...]).
 *
 * @throws Error when the shapes differ, the inputs have no feature axis, or for bad options.
 * @example
 * ```ts
 * import { cosineSimilarity } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // [1, 0]·[1, 1] / (1 · √2) = 0.7071…
 * cosineSimilarity(tensor([[1, 0]]), tensor([[1, 1]])).item() // 0.7071…
 * ```
 */
export function cosineSimilarity(predictions: Input, targets: Input, options: CosineOptions = {}): Var {
  return reduceLoss('cosineSimilarity', cosine('cosineSimilarity', predictions, targets, options), options)
}

/**
 * The cosine distance 1 − cos(a, b) along the last axis (Optax's `cosine_distance`), a loss in
 * [0, 2] that is 0 when predictions point along the targets, whatever their lengths.
 *
 * @throws Error when the shapes differ, the inputs have no feature axis, or for bad options.
 * @example
 * ```ts
 * import { cosineDistance } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * cosineDistance(tensor([[2, 0]]), tensor([[5, 0]])).item() // 0
 * cosineDistance(tensor([[1, 0]]), tensor([[-1, 0]])).item() // 2
 * ```
 */
export function cosineDistance(predictions: Input, targets: Input, options: CosineOptions = {}): Var {
  return reduceLoss('cosineDistance', sub(1, cosine('cosineDistance', predictions, targets, options)), options)
}
