import { reshape as reshapeVar, toVar } from '@gd/autograd'
import { formatList } from '@gd/tensor/internal'
import { fail } from '@gd/check'
import { described } from './internal/described.js'
import type { Layer } from './layer.js'

/**
 * Reshapes every example, keeping the batch axis: [batch, …] → [batch, …shape]. One entry of `shape`
 * may be −1, inferred from the example's size (as in @gd/autograd's reshape). No parameters; the
 * layer form of a reshape, so a model that takes flat pixels and convolves them stays a
 * {@link sequential} of layers that describe themselves (and so can be exported to ONNX).
 *
 * @throws Error for a shape that is not a non-empty list of positive integers with at most one −1;
 * when applied, for input whose examples do not have shape's size.
 * @example
 * ```ts
 * import { conv2d, reshape, sequential } from '@gd/nn'
 * import { zeros } from '@gd/tensor'
 * reshape([1, 28, 28]).apply({}, zeros([32, 784])).shape // [32, 1, 28, 28]
 * const cnn = sequential(reshape([1, 28, 28]), conv2d(1, 8, 5)) // takes [batch, 784] pixels
 * ```
 */
export function reshape(shape: readonly number[]): Layer<Record<string, never>> {
  const ok =
    Array.isArray(shape) &&
    shape.length > 0 &&
    shape.every((d) => (Number.isSafeInteger(d) && d > 0) || d === -1) &&
    shape.filter((d) => d === -1).length <= 1
  if (!ok) fail('reshape', 'shape', 'a non-empty list of positive integers (one of them may be -1, inferred)', shape)
  const s = [...shape]
  return described(`reshape(${formatList(s)})`, { kind: 'reshape', shape: s }, (x) => {
    const v = toVar('reshape', x)
    if (v.rank < 1) fail('reshape', 'x', 'a Tensor or Var with a batch axis', x)
    return reshapeVar(v, [v.shape[0]!, ...s])
  })
}
