import type { DType } from './dtype.js'
import { mapUnary } from './elementwise.js'
import {
  negLoop,
  squareLoop,
  sqrtLoop,
  expLoop,
  logLoop,
  tanhLoop,
  sigmoidLoop,
  reluLoop,
} from './kernels/elementwise/loops.js'
import type { Tensor } from './tensor.js'

/** Float ops keep float64 and float32; int32 and bool inputs compute in float and give float32. */
function floatOf(t: Tensor): DType {
  return t.dtype === 'float64' ? 'float64' : 'float32'
}
/** Sign-preserving ops keep int32 and floats; bool gives int32. */
function numericOf(t: Tensor): DType {
  return t.dtype === 'bool' ? 'int32' : t.dtype
}

/**
 * −x, elementwise.
 * @example
 * ```ts
 * import { neg, tensor } from '@gd/tensor'
 * neg(tensor([1, -2])).toArray() // [-1, 2]
 * ```
 */
export const neg = (x: Tensor): Tensor => mapUnary('neg', x, numericOf, (v) => -v, negLoop)

/**
 * |x|, elementwise.
 * @example
 * ```ts
 * import { abs, tensor } from '@gd/tensor'
 * abs(tensor([-1.5, 2])).toArray() // [1.5, 2]
 * ```
 */
export const abs = (x: Tensor): Tensor => mapUnary('abs', x, numericOf, Math.abs)

/**
 * sign(x): −1, 0 or 1 (NaN stays NaN).
 * @example
 * ```ts
 * import { sign, tensor } from '@gd/tensor'
 * sign(tensor([-3, 0, 2])).toArray() // [-1, 0, 1]
 * ```
 */
export const sign = (x: Tensor): Tensor => mapUnary('sign', x, numericOf, Math.sign)

/**
 * x², elementwise.
 * @example
 * ```ts
 * import { square, tensor } from '@gd/tensor'
 * square(tensor([-3, 2])).toArray() // [9, 4]
 * ```
 */
export const square = (x: Tensor): Tensor => mapUnary('square', x, numericOf, (v) => v * v, squareLoop)

/**
 * √x (NaN for x < 0).
 * @example
 * ```ts
 * import { sqrt, tensor } from '@gd/tensor'
 * sqrt(tensor([4, 9])).toArray() // [2, 3]
 * ```
 */
export const sqrt = (x: Tensor): Tensor => mapUnary('sqrt', x, floatOf, Math.sqrt, sqrtLoop)

/**
 * 1/√x.
 * @example
 * ```ts
 * import { rsqrt, tensor } from '@gd/tensor'
 * rsqrt(tensor([4])).toArray() // [0.5]
 * ```
 */
export const rsqrt = (x: Tensor): Tensor => mapUnary('rsqrt', x, floatOf, (v) => 1 / Math.sqrt(v))

/**
 * 1/x.
 * @example
 * ```ts
 * import { reciprocal, tensor } from '@gd/tensor'
 * reciprocal(tensor([4])).toArray() // [0.25]
 * ```
 */
export const reciprocal = (x: Tensor): Tensor => mapUnary('reciprocal', x, floatOf, (v) => 1 / v)

/**
 * eˣ.
 * @example
 * ```ts
 * import { exp, tensor } from '@gd/tensor'
 * exp(tensor([0])).toArray() // [1]
 * ```
 */
export const exp = (x: Tensor): Tensor => mapUnary('exp', x, floatOf, Math.exp, expLoop)

/**
 * Natural logarithm (−Infinity at 0, NaN below).
 * @example
 * ```ts
 * import { log, tensor } from '@gd/tensor'
 * log(tensor([1])).toArray() // [0]
 * ```
 */
export const log = (x: Tensor): Tensor => mapUnary('log', x, floatOf, Math.log, logLoop)

/**
 * log(1 + x), accurate for small x.
 * @example
 * ```ts
 * import { log1p, tensor } from '@gd/tensor'
 * log1p(tensor([0])).toArray() // [0]
 * ```
 */
export const log1p = (x: Tensor): Tensor => mapUnary('log1p', x, floatOf, Math.log1p)

/**
 * eˣ − 1, accurate for small x.
 * @example
 * ```ts
 * import { expm1, tensor } from '@gd/tensor'
 * expm1(tensor([0])).toArray() // [0]
 * ```
 */
export const expm1 = (x: Tensor): Tensor => mapUnary('expm1', x, floatOf, Math.expm1)

/**
 * sin x.
 * @example
 * ```ts
 * import { sin, tensor } from '@gd/tensor'
 * sin(tensor([0])).toArray() // [0]
 * ```
 */
export const sin = (x: Tensor): Tensor => mapUnary('sin', x, floatOf, Math.sin)

/**
 * cos x.
 * @example
 * ```ts
 * import { cos, tensor } from '@gd/tensor'
 * cos(tensor([0])).toArray() // [1]
 * ```
 */
export const cos = (x: Tensor): Tensor => mapUnary('cos', x, floatOf, Math.cos)

/**
 * tanh x.
 * @example
 * ```ts
 * import { tanh, tensor } from '@gd/tensor'
 * tanh(tensor([0])).toArray() // [0]
 * ```
 */
export const tanh = (x: Tensor): Tensor => mapUnary('tanh', x, floatOf, Math.tanh, tanhLoop)

/**
 * The logistic sigmoid σ(x) = 1 / (1 + e⁻ˣ), computed without overflow for large |x|
 * (as eˣ / (1 + eˣ) when x < 0).
 * @example
 * ```ts
 * import { sigmoid, tensor } from '@gd/tensor'
 * sigmoid(tensor([0])).toArray() // [0.5]
 * ```
 */
export const sigmoid = (x: Tensor): Tensor =>
  mapUnary(
    'sigmoid',
    x,
    floatOf,
    (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))),
    sigmoidLoop,
  )

/**
 * max(x, 0).
 * @example
 * ```ts
 * import { relu, tensor } from '@gd/tensor'
 * relu(tensor([-1, 2])).toArray() // [0, 2]
 * ```
 */
export const relu = (x: Tensor): Tensor =>
  mapUnary('relu', x, numericOf, (v) => (v > 0 ? v : v === v ? 0 : v), reluLoop)

/**
 * ⌊x⌋, elementwise.
 * @example
 * ```ts
 * import { floor, tensor } from '@gd/tensor'
 * floor(tensor([1.5, -1.5])).toArray() // [1, -2]
 * ```
 */
export const floor = (x: Tensor): Tensor => mapUnary('floor', x, numericOf, Math.floor)

/**
 * True where x is neither infinite nor NaN.
 * @example
 * ```ts
 * import { isFinite, tensor } from '@gd/tensor'
 * isFinite(tensor([1, Infinity, NaN])).toArray() // [true, false, false]
 * ```
 */
export const isFinite = (x: Tensor): Tensor => mapUnary('isFinite', x, 'bool', (v) => (Number.isFinite(v) ? 1 : 0))

/**
 * True where x is NaN.
 * @example
 * ```ts
 * import { isNaN, tensor } from '@gd/tensor'
 * isNaN(tensor([1, NaN])).toArray() // [false, true]
 * ```
 */
export const isNaN = (x: Tensor): Tensor => mapUnary('isNaN', x, 'bool', (v) => (v !== v ? 1 : 0))

/**
 * Logical not of a mask (non-zero counts as true).
 * @example
 * ```ts
 * import { logicalNot, tensor } from '@gd/tensor'
 * logicalNot(tensor([true, false])).toArray() // [false, true]
 * ```
 */
export const logicalNot = (x: Tensor): Tensor => mapUnary('logicalNot', x, 'bool', (v) => (v === 0 ? 1 : 0))
