import { complaint, number } from '@gd/check'
import * as T from '@gd/tensor'
import { AB, X } from '../internal/args.js'
import { primitive } from '../primitive.js'
import { toVar, type Input, type Var } from '../variable.js'
import { mul } from './arithmetic.js'

/** Share of the cotangent for `a` in maximum/minimum: 1 where a wins, ½ at a tie, 0 where b wins. */
function share(a: T.Tensor, b: T.Tensor, wins: (a: T.Tensor, b: T.Tensor) => T.Tensor): T.Tensor {
  const dtype = T.promoteTypes(a.dtype, b.dtype)
  return T.add(T.cast(wins(a, b), dtype), T.mul(T.cast(T.equal(a, b), dtype), 0.5))
}

/**
 * The elementwise larger of a and b. Subgradient at ties: each side gets half the cotangent.
 * @example
 * ```ts
 * import { maximum } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * maximum(tensor([1, 5]), 3).toArray() // [3, 5]
 * ```
 */
export const maximum = /* @__PURE__ */ primitive({
  name: 'maximum',
  inputNames: AB,
  forward: T.maximum,
  domain: { a: 'nearIntegers', b: 'nearHalfIntegers' }, // never tie
  backward: (g, [a, b], _out, [needA, needB]) => {
    const s = share(a!.value, b!.value, T.greater)
    return [needA ? mul(g, s) : null, needB ? mul(g, T.sub(1, s)) : null]
  },
})

/**
 * The elementwise smaller of a and b. Subgradient at ties: each side gets half the cotangent.
 * @example
 * ```ts
 * import { minimum } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * minimum(tensor([1, 5]), 3).toArray() // [1, 3]
 * ```
 */
export const minimum = /* @__PURE__ */ primitive({
  name: 'minimum',
  inputNames: AB,
  forward: T.minimum,
  domain: { a: 'nearIntegers', b: 'nearHalfIntegers' }, // never tie
  backward: (g, [a, b], _out, [needA, needB]) => {
    const s = share(a!.value, b!.value, T.less)
    return [needA ? mul(g, s) : null, needB ? mul(g, T.sub(1, s)) : null]
  },
})

/**
 * Limits x to [min, max]. Subgradient at the bounds: the cotangent passes where min ≤ x ≤ max
 * (bounds included, as PyTorch's clamp) and is 0 outside.
 * @example
 * ```ts
 * import { clip } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * clip(tensor([-1, 0.5, 2]), 0, 1).toArray() // [0, 0.5, 1]
 * ```
 */
export function clip(x: Input, min: number, max: number): Var {
  const v = toVar('clip', x)
  number('clip', 'min', min)
  number('clip', 'max', max)
  if (!(min <= max)) throw complaint('clip', 'min', `must not exceed max (${max})`, min)
  return primitive({
    name: 'clip',
    inputNames: X,
    forward: (t) => T.clip(t, min, max),
    backward: (g) => {
      const inside = T.mul(T.greaterEqual(v.value, min), T.lessEqual(v.value, max))
      return [mul(g, T.cast(inside, v.dtype))]
    },
  })(v)
}
