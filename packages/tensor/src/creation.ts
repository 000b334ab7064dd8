import { fail, finite, nonNegativeInteger, optional, readOptions, rule } from '@gd/check'
import { tensorArg } from './internal/args.js'
import { dtypeCheck } from './internal/checks.js'
import { allocate, type DType } from './dtype.js'
import { checkShape, formatList, sizeOf } from './shape.js'
import { forReplay, Tensor, type CreateOptions } from './tensor.js'
import { kernel, traceConstant } from './internal/trace.js'

/** Reads the options of a creation function: only `dtype`. */
function createOptions(fn: string, options: unknown): { dtype: DType | undefined } {
  return readOptions(fn, options, { dtype: optional(dtypeCheck) })
}

const fillValue = /* @__PURE__ */ rule<number | boolean>(
  'a number or a boolean',
  (v) => typeof v === 'number' || typeof v === 'boolean',
)

/** {@link full} under the name `fn`. */
function fill<D extends DType>(
  fn: string,
  shape: readonly number[],
  value: number | boolean,
  options: unknown,
  like?: DType,
): Tensor<D> {
  const s = checkShape(fn, shape)
  fillValue(fn, 'value', value)
  const o = createOptions(fn, options)
  const dtype = (o.dtype ?? like ?? (typeof value === 'boolean' ? 'bool' : 'float32')) as D
  const v = typeof value === 'boolean' ? Number(value) : value
  const storage = allocate(dtype, sizeOf(s))
  if (v !== 0) storage.fill(v)
  if (fn === 'eye') for (let i = 0, n = Math.min(s[0]!, s[1]!); i < n; i++) storage[i * s[1]! + i] = 1
  traceConstant(storage)
  return new Tensor(storage, s, dtype)
}

/**
 * A tensor of `shape` filled with `value`.
 *
 * @throws Error for a shape that is not a list of non-negative integers (or holds more than
 *   {@link MAX_ELEMENTS} elements), a value that is not a number or boolean, or an unknown option.
 *   An explicit `dtype` converts the value as a typed array does (0.5 for int32 is 0), as JAX's
 *   `full` casts.
 * @example
 * ```ts
 * import { full } from '@gd/tensor'
 * full([2, 2], 7).toArray() // [[7, 7], [7, 7]]
 * ```
 */
export function full<D extends DType = 'float32'>(
  shape: readonly number[],
  value: number | boolean,
  options: CreateOptions<D> = {},
): Tensor<D> {
  return fill('full', shape, value, options)
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * import { zeros } from '@gd/tensor'
 * zeros([2, 3]).shape // [2, 3]
 * ```
 */
export function zeros<D extends DType = 'float32'>(
  shape: readonly number[],
  options: CreateOptions<D> = {},
): Tensor<D> {
  return fill('zeros', shape, 0, options)
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * import { ones } from '@gd/tensor'
 * ones([3], { dtype: 'int32' }).toArray() // [1, 1, 1]
 * ```
 */
export function ones<D extends DType = 'float32'>(shape: readonly number[], options: CreateOptions<D> = {}): Tensor<D> {
  return fill('ones', shape, 1, options)
}

/**
 * A rank-0 tensor holding one value.
 *
 * @example
 * ```ts
 * import { scalar } from '@gd/tensor'
 * scalar(2.5).item() // 2.5
 * ```
 */
export function scalar<D extends DType = 'float32'>(
  value: number | boolean,
  options: CreateOptions<D> = {},
): Tensor<D> {
  return fill('scalar', [], value, options)
}

/**
 * Zeros with the shape (and, unless given, the dtype) of `like`.
 *
 * @example
 * ```ts
 * import { tensor, zerosLike } from '@gd/tensor'
 * zerosLike(tensor([[1, 2]])).toArray() // [[0, 0]]
 * ```
 */
export function zerosLike<D extends DType>(like: Tensor<D>, options: CreateOptions<D> = {}): Tensor<D> {
  return fill('zerosLike', tensorArg('zerosLike', 'like', like).shape, 0, options, like.dtype)
}

/**
 * Ones with the shape (and, unless given, the dtype) of `like`.
 *
 * @example
 * ```ts
 * import { onesLike, tensor } from '@gd/tensor'
 * onesLike(tensor([5, 6])).toArray() // [1, 1]
 * ```
 */
export function onesLike<D extends DType>(like: Tensor<D>, options: CreateOptions<D> = {}): Tensor<D> {
  return fill('onesLike', tensorArg('onesLike', 'like', like).shape, 1, options, like.dtype)
}

/**
 * `value` everywhere, with the shape (and, unless given, the dtype) of `like`.
 *
 * @example
 * ```ts
 * import { fullLike, tensor } from '@gd/tensor'
 * fullLike(tensor([5, 6]), 3).toArray() // [3, 3]
 * ```
 */
export function fullLike<D extends DType>(like: Tensor<D>, value: number, options: CreateOptions<D> = {}): Tensor<D> {
  return fill('fullLike', tensorArg('fullLike', 'like', like).shape, value, options, like.dtype)
}

/**
 * Evenly spaced values in [start, stop) with the given step, like NumPy's `arange`.
 * With one argument, `arange(n)` counts 0..n-1.
 *
 * @throws Error for a zero or non-finite step.
 * @example
 * ```ts
 * import { arange } from '@gd/tensor'
 * arange(4).toArray() // [0, 1, 2, 3]
 * arange(1, 2, 0.25).toArray() // [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange<D extends DType = 'float32'>(
  start: number,
  stop?: number,
  step = 1,
  options: CreateOptions<D> = {},
): Tensor<D> {
  finite('arange', 'start', start)
  if (stop !== undefined) finite('arange', 'stop', stop)
  if (!Number.isFinite(step) || step === 0) fail('arange', 'step', 'a non-zero finite number', step)
  const o = createOptions('arange', options)
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop]
  const n = Math.max(0, Math.ceil((hi - lo) / step))
  checkShape('arange', [n])
  const dtype = (o.dtype ?? 'float32') as D
  const storage = allocate(dtype, n)
  for (let i = 0; i < n; i++) storage[i] = lo + i * step
  traceConstant(storage)
  return new Tensor(storage, [n], dtype)
}

/**
 * `num` evenly spaced values from `start` to `stop`, both included.
 *
 * @throws Error for a negative or non-integer count.
 * @example
 * ```ts
 * import { linspace } from '@gd/tensor'
 * linspace(0, 1, 5).toArray() // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace<D extends DType = 'float32'>(
  start: number,
  stop: number,
  num: number,
  options: CreateOptions<D> = {},
): Tensor<D> {
  finite('linspace', 'start', start)
  finite('linspace', 'stop', stop)
  checkShape('linspace', [nonNegativeInteger('linspace', 'num', num)])
  const dtype = (createOptions('linspace', options).dtype ?? 'float32') as D
  const storage = allocate(dtype, num)
  const step = num > 1 ? (stop - start) / (num - 1) : 0
  for (let i = 0; i < num; i++) storage[i] = i === num - 1 && num > 1 ? stop : start + i * step
  traceConstant(storage)
  return new Tensor(storage, [num], dtype)
}

/**
 * An identity matrix with `rows` rows and `cols` columns (square unless `cols` is given).
 *
 * @example
 * ```ts
 * import { eye } from '@gd/tensor'
 * eye(2).toArray() // [[1, 0], [0, 1]]
 * ```
 */
export function eye<D extends DType = 'float32'>(rows: number, cols = rows, options: CreateOptions<D> = {}): Tensor<D> {
  nonNegativeInteger('eye', 'rows', rows)
  nonNegativeInteger('eye', 'cols', cols)
  return fill<D>('eye', [rows, cols], 0, options) // (fill writes eye's diagonal)
}

/**
 * A copy of `t` converted to `dtype` (floats to int32 truncate toward zero; anything non-zero to bool
 * gives 1). Returns `t` itself when the dtype already matches.
 *
 * @example
 * ```ts
 * import { cast, tensor } from '@gd/tensor'
 * cast(tensor([1.7, -1.7, 0]), 'int32').toArray() // [1, -1, 0]
 * cast(tensor([2, 0]), 'bool').toArray() // [true, false]
 * ```
 */
export function cast<D extends DType>(t: Tensor, dtype: D): Tensor<D> {
  tensorArg('cast', 't', t)
  dtypeCheck('cast', 'dtype', dtype)
  if ((t.dtype as DType) === dtype) return t as unknown as Tensor<D>
  const out = allocate(dtype, t.size)
  const x = forReplay(t)
  const run = (): void => {
    const src = x.data
    if (dtype === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0
    else out.set(src)
  }
  kernel(out, run, true)
  return new Tensor(out, t.shape, dtype)
}

/**
 * Throws unless `t` has the expected dtype(s); used by ops that accept only some dtypes.
 *
 * @example
 * ```ts
 * import { tensor } from '@gd/tensor'
 * import { checkDtype } from '@gd/tensor/internal'
 * checkDtype('sum', tensor([1, 2]), ['float32', 'float64']) // undefined
 * checkDtype('sum', tensor([1], { dtype: 'int32' }), ['float32']) // throws 'sum: input must have dtype float32, got int32 of shape [1]'
 * ```
 */
export function checkDtype(op: string, t: Tensor, allowed: readonly DType[], what = 'input'): void {
  tensorArg(op, what, t)
  if (!Array.isArray(allowed)) fail(op, 'allowed', 'an array of dtypes', allowed)
  if (!allowed.includes(t.dtype)) {
    throw new Error(
      `${op}: ${what} must have dtype ${allowed.join(' or ')}, got ${t.dtype} of shape ${formatList(t.shape)}`,
    )
  }
}
