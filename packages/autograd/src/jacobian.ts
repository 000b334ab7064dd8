import { fail, func } from '@gd/check'
import { Tensor, zeros } from '@gd/tensor'
import { grad, vjp } from './grad.js'
import { ANY_TRACE, transformScope } from './internal/scope.js'
import { isLeafValue } from './internal/tree.js'
import { reshape, stack } from './ops/shape.js'
import { Var, toVar, type Input } from './variable.js'

/**
 * The full Jacobian of f at a tensor `x`, by reverse mode: one pullback per output element. The
 * result has shape `[...f(x).shape, ...x.shape]`. Meant for small outputs.
 *
 * Inside another transform (x or a value f closes over depends on its leaves) the result is a Var
 * that transform differentiates through.
 *
 * @example
 * ```ts
 * import { jacobian, mul, type Var } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * jacobian((x: Var) => mul(x, x))(tensor([1, 2])).toArray() // [[2, 0], [0, 4]]
 * ```
 */
export function jacobian(f: (x: Var) => Input): (x: Tensor | Var) => Tensor {
  func('jacobian', 'f', f)
  return (x) => {
    if (!isLeafValue(x)) fail('jacobian', 'x', 'a Tensor or a Var', x)
    return transformScope('jacobian', ANY_TRACE, () => rowsOf(f, x))
  }
}

/** The Jacobian's rows, one pullback per output element, stacked. */
function rowsOf(f: (x: Var) => Input, x: Tensor | Var): Tensor {
  const [out, pullback] = vjp(f, x as Tensor)
  const o = out as Tensor | Var
  const rows: (Tensor | Var)[] = []
  for (let i = 0; i < o.size; i++) {
    const seed = zeros([o.size], { dtype: o.dtype })
    seed.storage[i] = 1
    rows.push(pullback(reshape(seed, o.shape).value)[0] as Tensor | Var)
  }
  const shape = [...o.shape, ...x.shape]
  if (rows.length === 0) return zeros(shape, { dtype: x.dtype })
  const j = reshape(stack(rows.map((r) => toVar('jacobian', r))), shape)
  const nested = o instanceof Var || rows.some((r) => r instanceof Var)
  return (nested ? j : j.value) as Tensor
}

/**
 * The Hessian of a scalar function at a tensor `x`: the Jacobian of its gradient, shape
 * `[...x.shape, ...x.shape]`. Meant for small inputs; use {@link hvp} for large ones.
 *
 * @example
 * ```ts
 * import { hessian, mul, sum, type Var } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * // f(x) = Σ x³: H = diag(6x)
 * hessian((x: Var) => sum(mul(mul(x, x), x)))(tensor([1, 2])).toArray() // [[6, 0], [0, 12]]
 * ```
 */
export function hessian(f: (x: Var) => Input): (x: Tensor | Var) => Tensor {
  func('hessian', 'f', f)
  const df = grad(f) as (x: unknown) => unknown
  const h = jacobian((x) => df(x) as Var)
  return (x) => {
    if (!isLeafValue(x)) fail('hessian', 'x', 'a Tensor or a Var', x)
    return transformScope('hessian', ANY_TRACE, () => h(x))
  }
}
