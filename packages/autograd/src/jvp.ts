import { fail, func } from '@gd/check'
import { Tensor, zeros } from '@gd/tensor'
import { grad, vjp } from './grad.js'
import { ANY_TRACE, transformScope } from './internal/scope.js'
import { flatten, pairLeaves } from './internal/tree.js'
import { add, mul } from './ops/arithmetic.js'
import { sum } from './ops/broadcast.js'
import { concat, reshape } from './ops/shape.js'
import type { Plain, PlainArgs } from './types.js'
import { Var, toVar, type Input } from './variable.js'

/** Leaves joined into one vector. */
function join(leaves: readonly (Tensor | Var)[]): Var {
  const parts = leaves.map((x) => reshape(x, [-1]))
  return parts.length === 1 ? parts[0]! : concat(parts)
}

/**
 * Forward mode: the Jacobian-vector product. Returns `[f(primals), J·tangents]`, where `tangents`
 * matches `primals` in structure (paired by key and position, never by leaf order). Computed by the
 * double-vjp trick: u ↦ uᵀJ is linear, so its own vjp with cotangent v is J·v.
 *
 * @throws Error naming the path where tangents and primals differ in structure or shape.
 * @example
 * ```ts
 * import { jvp, mul, type Var } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * // f(x) = x², J = diag(2x); J·[1, 0] at x = [3, 4] is [6, 0]
 * jvp((x: Var) => mul(x, x), [tensor([3, 4])], [tensor([1, 0])])[1].toArray() // [6, 0]
 * ```
 */
export function jvp<A extends unknown[]>(
  f: (...args: A) => Input,
  primals: PlainArgs<A>,
  tangents: PlainArgs<A>,
): [Tensor, Tensor] {
  func('jvp', 'f', f)
  if (!Array.isArray(primals)) fail('jvp', 'primals', 'an array of arguments', primals)
  flatten('jvp', 'primals', primals)
  const ts = pairLeaves('jvp', 'primals', primals, 'tangents', tangents)
  return transformScope('jvp', ANY_TRACE, () => {
    const [out, pullback] = vjp(f, ...(primals as unknown as PlainArgs<A>))
    const o = out as Tensor | Var
    const dummy = zeros(o.shape, { dtype: o.dtype })
    const [, pullback2] = vjp((u: Var) => join(flatten('jvp', 'primals', pullback(u)).leaves), dummy)
    const tangentOut = pullback2(join(ts))[0] as Tensor | Var
    return [out, tangentOut as Tensor]
  })
}

/**
 * The Hessian-vector product H·v of a scalar function at `x`, without forming H: the gradient of
 * x ↦ ⟨∇f(x), v⟩. `v` matches `x` in structure; leaves are paired by key and position, never by
 * leaf order.
 *
 * @throws Error naming the path where v and x differ (`hvp: v differs from x at x.layers[1].w: missing`).
 * @example
 * ```ts
 * import { hvp, mul, sum, type Var } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * // f(x) = Σ x³, H = diag(6x); H·[1, 1] at x = [1, 2] is [6, 12]
 * hvp((x: Var) => sum(mul(mul(x, x), x)), tensor([1, 2]), tensor([1, 1])).toArray() // [6, 12]
 * ```
 */
export function hvp<P>(f: (x: P) => Input, x: Plain<P>, v: Plain<P>): Plain<P> {
  func('hvp', 'f', f)
  flatten('hvp', 'x', x)
  const vs = pairLeaves('hvp', 'x', x, 'v', v)
  const inner = grad<[P]>(f) as (p: unknown) => unknown
  const outer = grad<[P]>((p) => {
    const gs = flatten('hvp', 'x', inner(p)).leaves
    let total: Var | null = null
    gs.forEach((gi, i) => {
      const term = sum(mul(gi, vs[i]!))
      total = total === null ? term : add(total, term)
    })
    return total ?? toVar('hvp', 0)
  })
  return transformScope('hvp', ANY_TRACE, () => outer(...([x] as unknown as PlainArgs<[P]>)))
}
