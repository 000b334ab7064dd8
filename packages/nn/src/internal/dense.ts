// Private: a dense layer's x·W + b, as linear, attention's projections and the recurrent layers write it.
import { add, affine, matmul, Var, type Input } from '@gd/autograd'
import { Tensor } from '@gd/tensor'

/**
 * x·W + b on autograd's affine (one node on the tape) when it takes the inputs as matmul and add would compute
 * them; any other input takes the two ops, whose checks give the layer's messages as they always have. The same
 * bits either way. b absent: x·W.
 */
export function dense(x: Input, w: Input, b: Input | undefined): Var {
  if (b === undefined) return matmul(x, w)
  return fits(x, w, b) ? affine(x, w, b) : add(matmul(x, w), b)
}

/**
 * Whether affine takes x, W and b: tensors or Vars of one float dtype, x of shape [..., in] with a batch axis,
 * W [in, out], b [out]. Plain property reads: nothing here throws.
 */
function fits(x: unknown, w: unknown, b: unknown): boolean {
  if (!(x instanceof Var || x instanceof Tensor) || !(w instanceof Var || w instanceof Tensor)) return false
  if (!(b instanceof Var || b instanceof Tensor)) return false
  const dtype = x.dtype
  if ((dtype !== 'float32' && dtype !== 'float64') || w.dtype !== dtype || b.dtype !== dtype) return false
  const rank = x.rank
  return rank >= 2 && w.rank === 2 && b.rank === 1 && x.shape[rank - 1] === w.shape[0] && b.shape[0] === w.shape[1]
}
