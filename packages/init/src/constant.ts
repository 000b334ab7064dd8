import { Tensor, allocate, checkShape, type DType } from '@gd/tensor'

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
  const s = checkShape('constant', shape)
  if (!Number.isFinite(value)) throw new Error(`constant: value must be a finite number, got ${value}`)
  const dtype = (options.dtype ?? 'float32') as D
  const t = new Tensor(allocate(dtype, s.reduce((a, b) => a * b, 1)), s, dtype)
  t.storage.fill(value)
  return t
}
