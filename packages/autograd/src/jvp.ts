import { Tensor, fmt, mapStructure, zeros } from '@gd/tensor'
import { grad, vjp } from './grad.js'
import { isLeafValue } from './internal/engine.js'
import { add, mul } from './ops/arithmetic.js'
import { sum } from './ops/broadcast.js'
import { concat, reshape } from './ops/shape.js'
import type { Plain, PlainArgs } from './types.js'
import { Var, toVar, type Input } from './variable.js'

function leavesOf(op: string, tree: unknown): (Tensor | Var)[] {
  const out: (Tensor | Var)[] = []
  mapStructure(op, isLeafValue, (x: Tensor | Var) => out.push(x), tree)
  return out
}

/** All leaves of some trees, flattened and joined into one vector. */
function flatJoin(op: string, trees: readonly unknown[]): Var {
  const parts = trees.flatMap((t) => leavesOf(op, t)).map((x) => reshape(x, [-1]))
  return parts.length === 1 ? parts[0]! : concat(parts)
}

/**
 * Forward mode: the Jacobian-vector product. Returns `[f(primals), J·tangents]`, where `tangents`
 * matches `primals` in structure. Computed by the double-vjp trick: u ↦ uᵀJ is linear, so its own
 * vjp with cotangent v is J·v.
 *
 * @throws Error when tangents and primals differ in structure or shape.
 * @example
 * ```ts
 * import { jvp, mul } from '@gd/autograd'
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
  mapStructure('jvp', isLeafValue, (p: Tensor | Var, t: Tensor | Var) => {
    if (p.shape.length !== t.shape.length || p.shape.some((d, i) => d !== t.shape[i])) {
      throw new Error(`jvp: tangent has shape ${fmt(t.shape)}, expected the primal's shape ${fmt(p.shape)}`)
    }
  }, primals, tangents)
  const [out, pullback] = vjp(f, ...(primals as unknown as PlainArgs<A>))
  const o = out as Tensor | Var
  const dummy = zeros(o.shape, { dtype: o.dtype })
  const [, pullback2] = vjp((u: Var) => flatJoin('jvp', pullback(u)), dummy)
  const tangentOut = pullback2(flatJoin('jvp', tangents as unknown[]))[0] as Tensor | Var
  return [out, tangentOut as Tensor]
}

/**
 * The Hessian-vector product H·v of a scalar function at `x`, without forming H: the gradient of
 * x ↦ ⟨∇f(x), v⟩. `v` matches `x` in structure.
 *
 * @example
 * ```ts
 * import { hvp, mul, sum } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * // f(x) = Σ x³, H = diag(6x); H·[1, 1] at x = [1, 2] is [6, 12]
 * hvp((x: Var) => sum(mul(mul(x, x), x)), tensor([1, 2]), tensor([1, 1])).toArray() // [6, 12]
 * ```
 */
export function hvp<P>(f: (x: P) => Input, x: Plain<P>, v: Plain<P>): Plain<P> {
  const inner = grad<[P]>(f) as (p: unknown) => unknown
  return grad<[P]>((p) => {
    const g = inner(p)
    const gs = leavesOf('hvp', g)
    const vs = leavesOf('hvp', v)
    if (gs.length !== vs.length) throw new Error(`hvp: v has ${vs.length} leaves, expected ${gs.length} like x`)
    let total: Var | null = null
    gs.forEach((gi, i) => {
      const term = sum(mul(gi, vs[i]!))
      total = total === null ? term : add(total, term)
    })
    return total ?? toVar('hvp', 0)
  })(...([x] as unknown as PlainArgs<[P]>))
}
