import * as T from '@gd/tensor'
import { AB, X } from '../internal/args.js'
import { withDomain } from '../internal/domain.js'
import { primitive } from '../primitive.js'
import { Var, toVar, type Input } from '../variable.js'

const WHERE = ['condition', 'a', 'b']

/**
 * a + b with broadcasting.
 * @example
 * ```ts
 * import { add } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * add(tensor([1, 2]), 1).toArray() // [2, 3]
 * ```
 */
export const add = /* @__PURE__ */ primitive({ name: 'add', inputNames: AB, forward: T.add, backward: (g) => [g, g] })

/**
 * a − b with broadcasting.
 * @example
 * ```ts
 * import { sub } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * sub(tensor([3]), tensor([1])).toArray() // [2]
 * ```
 */
export const sub = /* @__PURE__ */ primitive({
  name: 'sub',
  inputNames: AB,
  forward: T.sub,
  backward: (g, _ab, _out, [, needB]) => [g, needB ? neg(g) : null],
})

/**
 * a · b elementwise with broadcasting. ∂/∂a = b, ∂/∂b = a.
 * @example
 * ```ts
 * import { mul } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * mul(tensor([2, 3]), 2).toArray() // [4, 6]
 * ```
 */
export const mul = /* @__PURE__ */ primitive({
  name: 'mul',
  inputNames: AB,
  forward: T.mul,
  // (each product only when its input needs a cotangent: a constant factor's would be computed and dropped)
  backward: (g, [a, b], _out, [needA, needB]) => [needA ? mul(g, b!) : null, needB ? mul(g, a!) : null],
})

/**
 * a / b elementwise with broadcasting. ∂/∂a = 1/b, ∂/∂b = −a/b², computed as −((g·a)/b)/b so b²
 * never underflows (float32 b = 1e-25 squares to 0).
 * @example
 * ```ts
 * import { div } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * div(tensor([1]), 4).toArray() // [0.25]
 * ```
 */
export const div = /* @__PURE__ */ primitive({
  name: 'div',
  inputNames: AB,
  forward: T.div,
  domain: { b: 'awayFromZero' },
  backward: (g, [a, b], _out, [needA, needB]) => [
    needA ? div(g, b!) : null,
    needB ? neg(div(div(mul(g, a!), b!), b!)) : null,
  ],
})

/**
 * −x.
 * @example
 * ```ts
 * import { neg } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * neg(tensor([1])).toArray() // [-1]
 * ```
 */
export const neg = /* @__PURE__ */ primitive({ name: 'neg', inputNames: X, forward: T.neg, backward: (g) => [neg(g)] })

/**
 * aᵇ elementwise with broadcasting. ∂/∂a = b·aᵇ⁻¹; ∂/∂b = aᵇ·log a (taken as 0 where a = 0, where
 * the exponent's gradient is otherwise undefined).
 * @example
 * ```ts
 * import { pow } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * pow(tensor([3]), 2).toArray() // [9]
 * ```
 */
export const pow = /* @__PURE__ */ primitive({
  name: 'pow',
  inputNames: AB,
  forward: T.pow,
  domain: { a: 'positive' },
  backward: (g, [a, b], out, [needA, needB]) => {
    const da = needA ? mul(g, mul(b!, pow(a!, sub(b!, 1)))) : null
    if (!needB) return [da, null]
    const safeLog = log(where(T.equal(a!.value, 0), 1, a!))
    return [da, mul(g, mul(out, safeLog))]
  },
})

/**
 * eˣ. d/dx = eˣ.
 * @example
 * ```ts
 * import { exp } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * exp(tensor([0])).toArray() // [1]
 * ```
 */
export const exp = /* @__PURE__ */ primitive({
  name: 'exp',
  inputNames: X,
  forward: T.exp,
  backward: (g, _x, out) => [mul(g, out)],
})

/**
 * Natural log. d/dx = 1/x.
 * @example
 * ```ts
 * import { log } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * log(tensor([1])).toArray() // [0]
 * ```
 */
export const log = /* @__PURE__ */ primitive({
  name: 'log',
  inputNames: X,
  forward: T.log,
  backward: (g, [x]) => [div(g, x!)],
  domain: { x: 'positive' },
})

/**
 * log(1 + x), accurate near 0. d/dx = 1/(1 + x).
 * @example
 * ```ts
 * import { log1p } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * log1p(tensor([0])).toArray() // [0]
 * ```
 */
export const log1p = /* @__PURE__ */ primitive({
  name: 'log1p',
  inputNames: X,
  forward: T.log1p,
  domain: { x: 'positive' }, // smooth for x > −1; the positive half is enough for the checks
  backward: (g, [x]) => [div(g, add(x!, 1))],
})

/**
 * eˣ − 1, accurate near 0. d/dx = eˣ.
 * @example
 * ```ts
 * import { expm1 } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * expm1(tensor([0])).toArray() // [0]
 * ```
 */
export const expm1 = /* @__PURE__ */ primitive({
  name: 'expm1',
  inputNames: X,
  forward: T.expm1,
  backward: (g, _x, out) => [mul(g, add(out, 1))],
})

/**
 * √x. d/dx = 1/(2√x).
 * @example
 * ```ts
 * import { sqrt } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * sqrt(tensor([9])).toArray() // [3]
 * ```
 */
export const sqrt = /* @__PURE__ */ primitive({
  name: 'sqrt',
  inputNames: X,
  forward: T.sqrt,
  domain: { x: 'positive' },
  backward: (g, _x, out) => [div(mul(g, 0.5), out)],
})

/**
 * sin x. d/dx = cos x.
 * @example
 * ```ts
 * import { sin } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * sin(tensor([0])).toArray() // [0]
 * ```
 */
export const sin = /* @__PURE__ */ primitive({
  name: 'sin',
  inputNames: X,
  forward: T.sin,
  backward: (g, [x]) => [mul(g, cos(x!))],
})

/**
 * cos x. d/dx = −sin x.
 * @example
 * ```ts
 * import { cos } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * cos(tensor([0])).toArray() // [1]
 * ```
 */
export const cos = /* @__PURE__ */ primitive({
  name: 'cos',
  inputNames: X,
  forward: T.cos,
  backward: (g, [x]) => [neg(mul(g, sin(x!)))],
})

/**
 * tanh x. d/dx = 1 − tanh² x.
 * @example
 * ```ts
 * import { tanh } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * tanh(tensor([0])).toArray() // [0]
 * ```
 */
export const tanh = /* @__PURE__ */ primitive({
  name: 'tanh',
  inputNames: X,
  forward: T.tanh,
  backward: (g, _x, out) => [mul(g, sub(1, mul(out, out)))],
})

/**
 * |x|. Subgradient at the kink: d/dx |x| at 0 is taken as 0 (sign(0) = 0).
 * @example
 * ```ts
 * import { abs } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * abs(tensor([-2])).toArray() // [2]
 * ```
 */
export const abs = /* @__PURE__ */ primitive({
  name: 'abs',
  inputNames: X,
  forward: T.abs,
  domain: { x: 'awayFromZero' },
  backward: (g, [x]) => [mul(g, T.sign(x!.value))],
})

/**
 * Picks `a` where `condition` holds and `b` elsewhere (broadcasting all three). The condition is a
 * constant: it gets no gradient; each branch gets the cotangent where it was picked.
 * @example
 * ```ts
 * import { where } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * where(tensor([true, false]), tensor([1, 2]), 0).toArray() // [1, 0]
 * ```
 */
export function where(condition: Input, a: Input, b: Input): Var {
  return whereOp(condition, a, b)
}
const whereOp = /* @__PURE__ */ primitive({
  name: 'where',
  inputNames: WHERE,
  forward: (c, a, b) => T.where(c, a, b),
  backward: (g, [c], _out, [, needA, needB]) => [null, needA ? where(c!, g, 0) : null, needB ? where(c!, 0, g) : null],
})

/**
 * x², composed as x · x.
 * @example
 * ```ts
 * import { square } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * square(tensor([3])).toArray() // [9]
 * ```
 */
export function square(x: Input): Var {
  const v = toVar('square', x)
  return mul(v, v)
}

/**
 * 1/x, composed as 1 / x.
 * @example
 * ```ts
 * import { reciprocal } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * reciprocal(tensor([4])).toArray() // [0.25]
 * ```
 */
export const reciprocal = /* @__PURE__ */ withDomain(
  function reciprocal(x: Input): Var {
    return div(1, toVar('reciprocal', x))
  },
  {
    x: 'awayFromZero',
  },
)

/**
 * 1/√x, composed.
 * @example
 * ```ts
 * import { rsqrt } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * rsqrt(tensor([4])).toArray() // [0.5]
 * ```
 */
export const rsqrt = /* @__PURE__ */ withDomain(
  function rsqrt(x: Input): Var {
    return div(1, sqrt(toVar('rsqrt', x)))
  },
  { x: 'positive' },
)
