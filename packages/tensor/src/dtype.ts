import { fail } from '@gd/check'
import { ownership } from './kernels/runtime/owner.js'

/**
 * Element types a {@link Tensor} can hold.
 *
 * - `float32`: the default; what models train in.
 * - `float64`: for gradient checks and anything that needs the precision.
 * - `int32`: indices and class labels.
 * - `bool`: masks, stored one byte per element (0 or 1) in a `Uint8Array`.
 *
 * @example
 * ```ts
 * import { zeros } from '@gd/tensor'
 * zeros([2, 2], { dtype: 'float64' }).dtype // 'float64'
 * ```
 */
export type DType = 'float32' | 'float64' | 'int32' | 'bool'

/** The typed array that stores elements of dtype `D`. */
export type StorageOf<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int32'
      ? Int32Array
      : Uint8Array

/** Any storage a tensor can have. */
export type Storage = Float32Array | Float64Array | Int32Array | Uint8Array

/** Every dtype, in promotion order (a later one wins when two meet, bool < int32 < float32 < float64). */
export const dtypes: readonly DType[] = ['bool', 'int32', 'float32', 'float64']

/**
 * Allocates zeroed storage for `size` elements of `dtype`: the one entry for an op's results. Inside
 * an autograd transform (an open scope, see `kernels/runtime/scope.ts`), a float32 array of
 * `ARENA_MIN` elements or more comes from the scope's pool in the kernels' WebAssembly memory and is
 * released when the transform returns unless it escapes; anywhere else, a JavaScript array.
 *
 * @example
 * ```ts
 * import { allocate } from '@gd/tensor/internal'
 * allocate('int32', 3) // Int32Array [0, 0, 0]
 * ```
 */
export function allocate<D extends DType>(dtype: D, size: number): StorageOf<D> {
  if (!(Number.isSafeInteger(size) && size >= 0 && size <= 2147483647))
    fail('allocate', 'size', 'an integer in [0, 2147483647]', size)
  switch (dtype) {
    case 'float32':
      return ((ownership.alloc !== null && ownership.alloc(size)) || new Float32Array(size)) as StorageOf<D>
    case 'float64':
      return new Float64Array(size) as StorageOf<D>
    case 'int32':
      return new Int32Array(size) as StorageOf<D>
    case 'bool':
      return new Uint8Array(size) as StorageOf<D>
    default:
      return fail('allocate', 'dtype', `one of ${dtypes.join(', ')}`, dtype)
  }
}

/**
 * The dtype two operands promote to: the wider of the two in the order
 * bool < int32 < float32 < float64 (so int32 with float32 gives float32, like TF.js and PyTorch's
 * default float; NumPy would give float64).
 *
 * @example
 * ```ts
 * import { promoteTypes } from '@gd/tensor'
 * promoteTypes('int32', 'float32') // 'float32'
 * ```
 */
export function promoteTypes(a: DType, b: DType): DType {
  // one lookup per dtype: its rank in `dtypes` (-1 for a value that is not a dtype)
  const i = dtypes.indexOf(a)
  if (i < 0) fail('promoteTypes', 'a', `one of ${dtypes.join(', ')}`, a)
  const j = dtypes.indexOf(b)
  if (j < 0) fail('promoteTypes', 'b', `one of ${dtypes.join(', ')}`, b)
  return i >= j ? a : b
}

/**
 * True for float32 and float64.
 *
 * @example
 * ```ts
 * import { isFloat } from '@gd/tensor/internal'
 * isFloat('float64') // true
 * isFloat('int32') // false
 * ```
 */
export function isFloat(dtype: DType): boolean {
  if (!dtypes.includes(dtype)) fail('isFloat', 'dtype', `one of ${dtypes.join(', ')}`, dtype)
  return dtype === 'float32' || dtype === 'float64'
}
