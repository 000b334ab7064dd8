import { finite, readOptions, withDefault } from '@gd/check'
import { Tensor, allocate, fmt, sizeOf } from '@gd/tensor'
import type { InitDType, InitOptions } from './initializer.js'
import { floatDtype, shape as shapeCheck } from './internal/checks.js'

/**
 * The identity matrix times `gain` for a dense weight `[in, out]`: ones on the main diagonal,
 * zeros elsewhere (a rectangular shape gets min(in, out) ones). A layer initialized with it
 * starts out passing its input through: y = x · I = x. Not random, so it takes no key.
 * For conv kernels use {@link dirac}.
 *
 * @throws Error for a bad dtype, gain or option, or a shape that is not of rank 2.
 * @example
 * ```ts
 * import { identity } from '@gd/init'
 * identity([2, 3]).toArray() // [[1, 0, 0], [0, 1, 0]]
 * ```
 */
export function identity<D extends InitDType = 'float32'>(
  shape: readonly number[],
  options: InitOptions<D> & { gain?: number | undefined } = {},
): Tensor<D> {
  const s = shapeCheck('identity', 'shape', shape)
  const { dtype, gain } = readOptions('identity', options, { dtype: floatDtype, gain: withDefault(finite, 1) }) as {
    dtype: D
    gain: number
  }
  if (s.length !== 2) throw new Error(`identity: shape must have rank 2 ([in, out]), got ${fmt(s)}`)
  const [rows, cols] = s as [number, number]
  const out = allocate(dtype, sizeOf(s))
  for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = gain
  return new Tensor(out, s, dtype)
}

/**
 * Another name for {@link identity} (PyTorch's `eye_`).
 *
 * @example
 * ```ts
 * import { eye } from '@gd/init'
 * eye([2, 2]).toArray() // [[1, 0], [0, 1]]
 * ```
 */
export const eye = identity
