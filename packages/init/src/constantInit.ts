import { fail, finite, oneOf, readOptions, withDefault } from '@gd/check'
import { Tensor, type DType } from '@gd/tensor'
import { allocate, sizeOf } from '@gd/tensor/internal'
import { shape as shapeCheck } from './internal/checks.js'

/**
 * A tensor of `shape` filled with `value`: the initializer for biases and for scale parameters
 * (ones) in normalization layers.
 *
 * @throws Error for a bad shape, dtype or option, a non-finite value, or a value the dtype cannot
 *   hold exactly (1.5 for int32, 2 for bool).
 * @example
 * ```ts
 * import { constantInit } from '@gd/init'
 * constantInit([2, 3], 0.1).toArray() // [[0.1, 0.1, 0.1], [0.1, 0.1, 0.1]] (in float32)
 * ```
 */
export function constantInit<D extends DType = 'float32'>(
  shape: readonly number[],
  value: number,
  options: { dtype?: D | undefined } = {},
): Tensor<D> {
  return filled('constantInit', shape, value, options)
}

/**
 * A tensor of zeros: the usual initializer for biases.
 *
 * @throws Error for a bad shape, dtype or option.
 * @example
 * ```ts
 * import { zerosInit } from '@gd/init'
 * zerosInit([3]).toArray() // [0, 0, 0]
 * ```
 */
export function zerosInit<D extends DType = 'float32'>(
  shape: readonly number[],
  options: { dtype?: D | undefined } = {},
): Tensor<D> {
  return filled('zerosInit', shape, 0, options)
}

/**
 * A tensor of ones: the usual initializer for the scale of a normalization layer.
 *
 * @throws Error for a bad shape, dtype or option.
 * @example
 * ```ts
 * import { onesInit } from '@gd/init'
 * onesInit([2], { dtype: 'float64' }).toArray() // [1, 1]
 * ```
 */
export function onesInit<D extends DType = 'float32'>(
  shape: readonly number[],
  options: { dtype?: D | undefined } = {},
): Tensor<D> {
  return filled('onesInit', shape, 1, options)
}

const anyDtype = /* @__PURE__ */ withDefault(oneOf<DType>(['float32', 'float64', 'int32', 'bool']), 'float32')

/** What each dtype holds exactly, for the value check. */
const holds: Record<DType, [(v: number) => boolean, string]> = {
  float32: [Number.isFinite, 'a finite number'],
  float64: [Number.isFinite, 'a finite number'],
  int32: [(v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31, 'an int32 integer (the dtype is int32)'],
  bool: [(v) => v === 0 || v === 1, '0 or 1 (the dtype is bool)'],
}

function filled<D extends DType>(op: string, shape: readonly number[], value: number, options: unknown): Tensor<D> {
  const s = shapeCheck(op, 'shape', shape)
  const d = readOptions(op, options, { dtype: anyDtype }).dtype as D
  const [ok, expected] = holds[d]
  if (typeof value !== 'number' || !ok(value)) fail(op, 'value', expected, value)
  const storage = allocate(d, sizeOf(s))
  if (value !== 0) storage.fill(value)
  return new Tensor(storage, s, d)
}
