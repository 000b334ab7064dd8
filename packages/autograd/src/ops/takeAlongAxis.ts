import { fail, integer, shape as shapeCheck } from '@gd/check'
import * as T from '@gd/tensor'
import { apply } from '../primitive.js'
import { toVar, type Input, type Var } from '../variable.js'

/** Indices are a constant tensor (never a traced value: they get no gradient). */
function indicesArg(fn: string, indices: T.Tensor): void {
  if (!(indices instanceof T.Tensor)) fail(fn, 'indices', 'a Tensor', indices)
}

/**
 * Takes values of `x` along `axis` (−1 by default) at the positions `indices` gives, one index per
 * output element: for a 2-D x and axis 1, `out[i][j] = x[i][indices[i][j]]` (see @gd/tensor's
 * `takeAlongAxis` for the broadcasting rule and the checks). The gradient with respect to x is
 * the cotangent scattered back to the indexed positions ({@link scatterAddAlongAxis}), adding
 * where an index repeats; indices get none.
 *
 * The log-probability of each row's chosen class, `takeAlongAxis(logSoftmax(logits, -1), chosen)`
 * with `chosen` of shape `[batch, 1]`, reads one element per row and its backward writes one.
 * @example
 * ```ts
 * import { grad, sum, takeAlongAxis, type Var } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * const chosen = tensor([[2], [0]], { dtype: 'int32' })
 * takeAlongAxis(tensor([[1, 2, 3], [4, 5, 6]]), chosen).toArray() // [[3], [4]]
 * grad((x: Var) => sum(takeAlongAxis(x, chosen)))(tensor([[1, 2, 3], [4, 5, 6]])).toArray() // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function takeAlongAxis(x: Input, indices: T.Tensor, axis = -1): Var {
  const v = toVar('takeAlongAxis', x)
  indicesArg('takeAlongAxis', indices)
  integer('takeAlongAxis', 'axis', axis)
  return apply(
    {
      name: 'takeAlongAxis',
      forward: (t) => T.takeAlongAxis(t, indices, axis),
      backward: (g) => [scatterAddAlongAxis(v.shape, indices, g, axis)],
    },
    [v],
  )
}

/**
 * The adjoint of {@link takeAlongAxis}: zeros of `shape` with each element of `updates` added at its
 * index along `axis` (−1 by default; repeated indices accumulate; see @gd/tensor's
 * `scatterAddAlongAxis`). The gradient with respect to updates takes the cotangent at the same
 * indices.
 * @example
 * ```ts
 * import { scatterAddAlongAxis } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * scatterAddAlongAxis([2, 2], tensor([[1], [1]], { dtype: 'int32' }), tensor([[3], [4]])).toArray() // [[0, 3], [0, 4]]
 * ```
 */
export function scatterAddAlongAxis(shape: readonly number[], indices: T.Tensor, updates: Input, axis = -1): Var {
  shapeCheck('scatterAddAlongAxis', 'shape', shape)
  indicesArg('scatterAddAlongAxis', indices)
  const u = toVar('scatterAddAlongAxis', updates, 'float32', 'updates')
  integer('scatterAddAlongAxis', 'axis', axis)
  return apply(
    {
      name: 'scatterAddAlongAxis',
      forward: (t) => T.scatterAddAlongAxis(shape, indices, t, axis),
      backward: (g) => [takeAlongAxis(g, indices, axis)],
    },
    [u],
  )
}
