import { Tensor, allocate, checkShape, sizeOf, type DType } from '@gd/tensor'

/**
 * A tensor of `shape` filled with `value`: the initializer for biases and for scale parameters
 * (ones) in normalization layers.
 *
 * @throws Error for a bad shape or a non-finite value.
 * @example
 * ```ts
 * import { constant } from '@gd/init'
 * constant([2, 3], 0.1).toArray() // [[0.1, 0.1, 0.1], [0.1, 0.1, 0.1]] (in float32)
 * ```
 */
export function constant<D extends DType = 'float32'>(
  shape: readonly number[],
  value: number,
  options: { dtype?: D } = {},
): Tensor<D> {
  return filled('constant', shape, value, options.dtype)
}

/**
 * A tensor of zeros: the usual initializer for biases.
 *
 * @throws Error for a bad shape.
 * @example
 * ```ts
 * import { zeros } from '@gd/init'
 * zeros([3]).toArray() // [0, 0, 0]
 * ```
 */
export function zeros<D extends DType = 'float32'>(shape: readonly number[], options: { dtype?: D } = {}): Tensor<D> {
  return filled('zeros', shape, 0, options.dtype)
}

/**
 * A tensor of ones: the usual initializer for the scale of a normalization layer.
 *
 * @throws Error for a bad shape.
 * @example
 * ```ts
 * import { ones } from '@gd/init'
 * ones([2], { dtype: 'float64' }).toArray() // [1, 1]
 * ```
 */
export function ones<D extends DType = 'float32'>(shape: readonly number[], options: { dtype?: D } = {}): Tensor<D> {
  return filled('ones', shape, 1, options.dtype)
}

function filled<D extends DType>(op: string, shape: readonly number[], value: number, dtype?: D): Tensor<D> {
  const s = checkShape(op, shape)
  if (!Number.isFinite(value)) throw new Error(`${op}: value must be a finite number, got ${value}`)
  const d = (dtype ?? 'float32') as D
  const storage = allocate(d, sizeOf(s))
  if (value !== 0) storage.fill(value)
  return new Tensor(storage, s, d)
}
