/**
 * Triangular parts of matrices: {@link tril} and {@link triu}, on the last two axes of a tensor of
 * any dtype (leading axes are a batch).
 * @module
 */
import { fail, integer } from '@gd/check'
import { tensorArg } from './internal/args.js'
import { allocate } from './dtype.js'
import { forReplay, Tensor } from './tensor.js'
import { kernel } from './internal/trace.js'

/**
 * Copies the elements of `x` at row i, column j of each matrix where `keep(j - i)` and zeros the rest.
 * Rows are copied as runs, so the cost is one pass of `x`.
 */
function triangle<D extends Tensor['dtype']>(fn: string, x: Tensor<D>, k: number, lower: boolean): Tensor<D> {
  tensorArg(fn, 'x', x)
  if (x.rank < 2) fail(fn, 'x', 'a Tensor of rank >= 2', x)
  integer(fn, 'k', k)
  const rows = x.shape[x.rank - 2]!
  const cols = x.shape[x.rank - 1]!
  const out = allocate(x.dtype, x.size)
  const xv = forReplay(x)
  // one kernel call, which a compiled step replays (see internal/trace.ts); the other triangle keeps the zeros
  kernel(out, () => {
    const src = xv.data
    const matrices = rows * cols === 0 ? 0 : xv.size / (rows * cols)
    for (let m = 0; m < matrices; m++) {
      for (let i = 0; i < rows; i++) {
        // tril keeps j <= i + k, triu keeps j >= i + k
        const from = lower ? 0 : Math.min(Math.max(i + k, 0), cols)
        const to = lower ? Math.min(Math.max(i + k + 1, 0), cols) : cols
        const row = (m * rows + i) * cols
        if (to > from) out.set(src.subarray(row + from, row + to), row + from)
      }
    }
  })
  return new Tensor(out, x.shape, x.dtype)
}

/**
 * The lower triangle of each matrix in `x` (its last two axes; leading axes are a batch): element
 * (i, j) is kept where `j - i <= k` and is 0 (false for bool) elsewhere, as NumPy's and PyTorch's
 * `tril`. `k = 0` keeps the main diagonal, `k = -1` starts below it, `k = 1` keeps one diagonal
 * above it. Every dtype; the result has x's dtype and shape.
 *
 * @param k the diagonal offset, any integer (0 by default).
 * @throws Error for an x of rank < 2 or a k that is not an integer.
 * @example
 * ```ts
 * import { ones, tril } from '@gd/tensor'
 * tril(ones([3, 3])).toArray() // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 * tril(ones([2, 3]), 1).toArray() // [[1, 1, 0], [1, 1, 1]]
 * ```
 */
export function tril<D extends Tensor['dtype']>(x: Tensor<D>, k = 0): Tensor<D> {
  return triangle('tril', x, k, true)
}

/**
 * The upper triangle of each matrix in `x` (its last two axes; leading axes are a batch): element
 * (i, j) is kept where `j - i >= k` and is 0 (false for bool) elsewhere, as NumPy's and PyTorch's
 * `triu`. `k = 1` leaves out the main diagonal: `triu(full([t, t], -Infinity), 1)` is the additive
 * causal mask of attention. Every dtype; the result has x's dtype and shape.
 *
 * @param k the diagonal offset, any integer (0 by default).
 * @throws Error for an x of rank < 2 or a k that is not an integer.
 * @example
 * ```ts
 * import { ones, triu } from '@gd/tensor'
 * triu(ones([3, 3])).toArray() // [[1, 1, 1], [0, 1, 1], [0, 0, 1]]
 * triu(ones([3, 3]), 1).toArray() // [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
 * ```
 */
export function triu<D extends Tensor['dtype']>(x: Tensor<D>, k = 0): Tensor<D> {
  return triangle('triu', x, k, false)
}
