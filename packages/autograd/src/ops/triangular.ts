import { fail, integer } from '@gd/check'
import * as T from '@gd/tensor'
import { apply } from '../primitive.js'
import { toVar, type Input, type Var } from '../variable.js'

/** Checks x (rank >= 2) and k (an integer) before any work. */
function checked(fn: string, x: Input, k: number): Var {
  const v = toVar(fn, x)
  if (v.rank < 2) fail(fn, 'x', 'a Tensor or Var of rank >= 2', x)
  integer(fn, 'k', k)
  return v
}

/**
 * The lower triangle of each matrix in `x` (last two axes, leading axes a batch): element (i, j) is
 * kept where `j - i <= k` and is 0 elsewhere (see @gd/tensor's `tril`). The op is linear, so the
 * gradient is the cotangent masked the same way: `tril(g, k)`.
 * @example
 * ```ts
 * import { grad, sum, tril, type Var } from '@gd/autograd'
 * import { ones } from '@gd/tensor'
 * tril(ones([2, 2])).toArray() // [[1, 0], [1, 1]]
 * grad((x: Var) => sum(tril(x, -1)))(ones([2, 2])).toArray() // [[0, 0], [1, 0]]
 * ```
 */
export function tril(x: Input, k = 0): Var {
  const v = checked('tril', x, k)
  return apply({ name: 'tril', forward: (t) => T.tril(t, k), backward: (g) => [tril(g, k)] }, [v])
}

/**
 * The upper triangle of each matrix in `x` (last two axes, leading axes a batch): element (i, j) is
 * kept where `j - i >= k` and is 0 elsewhere (see @gd/tensor's `triu`). The gradient is the
 * cotangent masked the same way: `triu(g, k)`.
 * @example
 * ```ts
 * import { grad, sum, triu, type Var } from '@gd/autograd'
 * import { ones } from '@gd/tensor'
 * triu(ones([2, 2]), 1).toArray() // [[0, 1], [0, 0]]
 * grad((x: Var) => sum(triu(x)))(ones([2, 2])).toArray() // [[1, 1], [0, 1]]
 * ```
 */
export function triu(x: Input, k = 0): Var {
  const v = checked('triu', x, k)
  return apply({ name: 'triu', forward: (t) => T.triu(t, k), backward: (g) => [triu(g, k)] }, [v])
}
