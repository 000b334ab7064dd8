import type { DType } from './dtype.js'
import { tensorLikeArg } from './internal/args.js'
import { asTensor, mapBinary, resultType, type BinaryLoop, type TensorLike } from './elementwise.js'
import {
  addLoop,
  subLoop,
  mulLoop,
  divLoop,
  reluGradLoop,
  equalLoop,
  notEqualLoop,
  greaterLoop,
  greaterEqualLoop,
  lessLoop,
  lessEqualLoop,
} from './kernels/elementwise/loops.js'
import { BINARY } from './kernels/elementwise/ops.generated.js'
import { broadcastRows } from './kernels/rows/broadcast.js'
import type { Tensor } from './tensor.js'

/** Checks both operands of `op` (named `names`), then returns the dtype they compute in. */
function operands(op: string, a: TensorLike, b: TensorLike, names = ['a', 'b']): DType {
  tensorLikeArg(op, names[0]!, a)
  tensorLikeArg(op, names[1]!, b)
  return resultType(a, b)
}

/** Applies a binary arithmetic op; bool operands compute in int32. */
function arithmetic(
  op: string,
  a: TensorLike,
  b: TensorLike,
  fn: (x: number, y: number) => number,
  float = false,
  loop?: BinaryLoop,
  names?: string[],
  rows?: number,
): Tensor {
  let dtype = operands(op, a, b, names)
  if (dtype === 'bool') dtype = 'int32'
  if (float && dtype === 'int32') dtype = 'float32'
  const A = asTensor(a, dtype, op)
  const B = asTensor(b, dtype, op)
  // a float32 row broadcast over the other operand's rows (a bias add): one Wasm call for all the rows; only
  // operands of two different sizes, both over 1, can be one (broadcastRows asks the rest: not asked per scalar op)
  const sizes = A.size !== B.size && A.size > 1 && B.size > 1
  const broadcast = rows !== undefined && dtype === 'float32' && sizes ? broadcastRows(rows, A, B) : null
  return broadcast ?? mapBinary(op, A, B, dtype, fn, loop)
}

/**
 * a + b with broadcasting. A plain number takes the tensor's dtype, except that an int32 tensor and
 * a fractional number give float32 (JAX's weak-type rule, see {@link TensorLike}).
 * @throws Error when the shapes do not broadcast: `add: cannot broadcast shapes [2,3] and [4]`.
 * @example
 * ```ts
 * import { add, tensor } from '@gd/tensor'
 * add(tensor([[1], [2]]), tensor([10, 20])).toArray() // [[11, 21], [12, 22]]
 * add(tensor([1, 2]), 1).toArray() // [2, 3]
 * add(tensor([1, 2], { dtype: 'int32' }), 0.5).dtype // 'float32'
 * ```
 */
export const add = (a: TensorLike, b: TensorLike): Tensor =>
  arithmetic('add', a, b, (x, y) => x + y, false, addLoop, undefined, BINARY.add)

/**
 * a − b with broadcasting.
 * @example
 * ```ts
 * import { sub, tensor } from '@gd/tensor'
 * sub(tensor([5, 6]), 1).toArray() // [4, 5]
 * ```
 */
export const sub = (a: TensorLike, b: TensorLike): Tensor =>
  arithmetic('sub', a, b, (x, y) => x - y, false, subLoop, undefined, BINARY.sub)

/**
 * a · b elementwise with broadcasting.
 * @example
 * ```ts
 * import { mul, tensor } from '@gd/tensor'
 * mul(tensor([1, 2]), tensor([3, 4])).toArray() // [3, 8]
 * mul(tensor([1, 3], { dtype: 'int32' }), 0.5).toArray() // [0.5, 1.5] (float32)
 * mul(tensor([1, 3], { dtype: 'int32' }), 2).dtype // 'int32'
 * ```
 */
export const mul = (a: TensorLike, b: TensorLike): Tensor =>
  arithmetic('mul', a, b, (x, y) => x * y, false, mulLoop, undefined, BINARY.mul)

/**
 * The gradient of relu in one pass: dy where x > 0, else 0 (relu′(0) = 0, as PyTorch; NaN in x
 * gives 0), with broadcasting. The same as `mul(dy, cast(greater(x, 0), dtype))` without the mask,
 * except that where x ≤ 0 the result is +0 even for a negative, infinite or NaN dy.
 * @example
 * ```ts
 * import { reluGrad, tensor } from '@gd/tensor'
 * reluGrad(tensor([1, 2, 3]), tensor([-1, 0, 5])).toArray() // [0, 0, 3]
 * ```
 */
export const reluGrad = (dy: TensorLike, x: TensorLike): Tensor =>
  arithmetic('reluGrad', dy, x, (g, v) => (v > 0 ? g : 0), false, reluGradLoop, ['dy', 'x'])

/**
 * a / b elementwise with broadcasting; always a float result (int32 operands give float32).
 * @example
 * ```ts
 * import { div, tensor } from '@gd/tensor'
 * div(tensor([1, 3], { dtype: 'int32' }), 2).toArray() // [0.5, 1.5]
 * ```
 */
export const div = (a: TensorLike, b: TensorLike): Tensor =>
  arithmetic('div', a, b, (x, y) => x / y, true, divLoop, undefined, BINARY.div)

/**
 * aᵇ elementwise with broadcasting (float result).
 * @example
 * ```ts
 * import { pow, tensor } from '@gd/tensor'
 * pow(tensor([2, 3]), 2).toArray() // [4, 9]
 * ```
 */
export const pow = (a: TensorLike, b: TensorLike): Tensor => arithmetic('pow', a, b, Math.pow, true)

/**
 * The larger of a and b elementwise (NaN if either is NaN).
 * @example
 * ```ts
 * import { maximum, tensor } from '@gd/tensor'
 * maximum(tensor([1, 5]), tensor([3, 2])).toArray() // [3, 5]
 * ```
 */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => arithmetic('maximum', a, b, Math.max)

/**
 * The smaller of a and b elementwise (NaN if either is NaN).
 * @example
 * ```ts
 * import { minimum, tensor } from '@gd/tensor'
 * minimum(tensor([1, 5]), tensor([3, 2])).toArray() // [1, 2]
 * ```
 */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => arithmetic('minimum', a, b, Math.min)

/** Applies a comparison; the result is a bool mask. */
function compare(
  op: string,
  a: TensorLike,
  b: TensorLike,
  fn: (x: number, y: number) => number,
  loop: BinaryLoop,
): Tensor {
  const dtype = operands(op, a, b)
  return mapBinary(op, asTensor(a, dtype, op), asTensor(b, dtype, op), 'bool', fn, loop)
}

/**
 * a == b elementwise, as a bool mask.
 * @example
 * ```ts
 * import { equal, tensor } from '@gd/tensor'
 * equal(tensor([1, 2]), 2).toArray() // [false, true]
 * ```
 */
export const equal = (a: TensorLike, b: TensorLike): Tensor =>
  compare('equal', a, b, (x, y) => (x === y ? 1 : 0), equalLoop)

/**
 * a != b elementwise, as a bool mask.
 * @example
 * ```ts
 * import { notEqual, tensor } from '@gd/tensor'
 * notEqual(tensor([1, 2]), 2).toArray() // [true, false]
 * ```
 */
export const notEqual = (a: TensorLike, b: TensorLike): Tensor =>
  compare('notEqual', a, b, (x, y) => (x !== y ? 1 : 0), notEqualLoop)

/**
 * a > b elementwise, as a bool mask.
 * @example
 * ```ts
 * import { greater, tensor } from '@gd/tensor'
 * greater(tensor([1, 3]), 2).toArray() // [false, true]
 * ```
 */
export const greater = (a: TensorLike, b: TensorLike): Tensor =>
  compare('greater', a, b, (x, y) => (x > y ? 1 : 0), greaterLoop)

/**
 * a ≥ b elementwise, as a bool mask.
 * @example
 * ```ts
 * import { greaterEqual, tensor } from '@gd/tensor'
 * greaterEqual(tensor([1, 2]), 2).toArray() // [false, true]
 * ```
 */
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor =>
  compare('greaterEqual', a, b, (x, y) => (x >= y ? 1 : 0), greaterEqualLoop)

/**
 * a < b elementwise, as a bool mask.
 * @example
 * ```ts
 * import { less, tensor } from '@gd/tensor'
 * less(tensor([1, 3]), 2).toArray() // [true, false]
 * ```
 */
export const less = (a: TensorLike, b: TensorLike): Tensor => compare('less', a, b, (x, y) => (x < y ? 1 : 0), lessLoop)

/**
 * a ≤ b elementwise, as a bool mask.
 * @example
 * ```ts
 * import { lessEqual, tensor } from '@gd/tensor'
 * lessEqual(tensor([2, 3]), 2).toArray() // [true, false]
 * ```
 */
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor =>
  compare('lessEqual', a, b, (x, y) => (x <= y ? 1 : 0), lessEqualLoop)
