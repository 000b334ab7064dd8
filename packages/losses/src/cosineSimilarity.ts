import { div, maximum, mul, sqrt, square, sub, sum, where, type Input, type Var } from '@gd/autograd'
import * as T from '@gd/tensor'
import { positive, readOptions, withDefault, type Spec } from '@gd/check'
import { lossSpec } from './internal/checks.js'
import { pair, reduceLoss, type LossOptions } from './reduction.js'

/** Options of {@link cosineSimilarity} and {@link cosineDistance}. */
export interface CosineOptions extends LossOptions {
  /** Norms are clamped below at eps > 0, so a zero vector gives similarity 0 (default 1e-8). */
  eps?: number
}

/** The options of the cosine losses, read once; the reduction's are handed on. */
function read(fn: string, options: CosineOptions) {
  return readOptions(fn, options, { ...lossSpec, eps: withDefault(positive, 1e-8) } satisfies Spec<CosineOptions>)
}

function cosine(fn: string, predictions: Input, targets: Input, eps: number): Var {
  const [a, b] = pair(fn, predictions, targets)
  if (a.rank === 0) throw new Error(`${fn}: predictions need a feature axis, got shape []`)
  const [ua, na] = scaled(a, eps)
  const [ub, nb] = scaled(b, eps)
  return div(sum(mul(ua, ub), { axis: -1 }), mul(na, nb))
}

/**
 * The rows of `x` divided by their largest |x|, s, and their norms clamped as max(‖x‖, eps) / s.
 * The cosine does not change when a row is scaled, so s is a constant of the data (no gradient
 * needs to flow through it) and the squares lie in [0, 1]: they neither overflow (float32 rows of
 * norm 1e20) nor underflow. A zero row keeps s = 1 and the norm eps; the safe-where pattern puts 1
 * under its square root, so its gradient is finite.
 */
function scaled(x: Var, eps: number): [Var, Var] {
  const rows = x.shape.slice(0, -1)
  const big = x.shape[x.rank - 1] === 0 ? T.zeros(rows, { dtype: x.dtype }) : T.max(T.abs(x.value), { axis: -1 })
  const zero = T.equal(big, 0)
  const s = T.where(zero, 1, big)
  const clamp = T.div(eps, s)
  const unit = div(x, T.reshape(s, [...rows, 1]))
  const squares = sum(square(unit), { axis: -1 })
  return [unit, where(zero, clamp, maximum(sqrt(where(zero, 1, squares)), clamp))]
}

/**
 * The cosine similarity of predictions and targets along the last axis, one value per vector:
 *
 *   cos(a, b) = a·b / (max(‖a‖, eps) · max(‖b‖, eps))
 *
 * (PyTorch's `cosine_similarity`, Optax's `cosine_similarity`). Each vector is divided by its largest
 * |x| before squaring, so float32 vectors of norm up to the float32 maximum give the right cosine
 * (squares of 1e20 would overflow). It is a similarity, in [−1, 1]:
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
  const { eps, ...reduce } = read('cosineSimilarity', options)
  return reduceLoss('cosineSimilarity', cosine('cosineSimilarity', predictions, targets, eps), reduce)
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
  const { eps, ...reduce } = read('cosineDistance', options)
  return reduceLoss('cosineDistance', sub(1, cosine('cosineDistance', predictions, targets, eps)), reduce)
}
