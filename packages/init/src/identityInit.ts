import { finite, readOptions, withDefault } from '@gd/check'
import { Tensor } from '@gd/tensor'
import { allocate, formatList, sizeOf } from '@gd/tensor/internal'
import type { InitDType, InitOptions } from './initializer.js'
import { floatDtype, shape as shapeCheck } from './internal/checks.js'

/**
 * The identity matrix times `gain` for a dense weight `[in, out]`: ones on the main diagonal,
 * zeros elsewhere (a rectangular shape gets min(in, out) ones). A layer initialized with it
 * starts out passing its input through: y = x · I = x. Not random, so it takes no key.
 * PyTorch's `eye_`. For conv kernels use {@link diracInit}.
 *
 * @throws Error for a bad dtype, gain or option, or a shape that is not of rank 2.
 * @example
 * ```ts
 * import { identityInit } from '@gd/init'
 * identityInit([2, 3]).toArray() // [[1, 0, 0], [0, 1, 0]]
 * ```
 */
export function identityInit<D extends InitDType = 'float32'>(
  shape: readonly number[],
  options: InitOptions<D> & { gain?: number | undefined } = {},
): Tensor<D> {
  const s = shapeCheck('identityInit', 'shape', shape)
  const { dtype, gain } = readOptions('identityInit', options, { dtype: floatDtype, gain: withDefault(finite, 1) }) as {
    dtype: D
    gain: number
  }
  if (s.length !== 2) throw new Error(`identityInit: shape must have rank 2 ([in, out]), got ${formatList(s)}`)
  const [rows, cols] = s as [number, number]
  const out = allocate(dtype, sizeOf(s))
  for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = gain
  return new Tensor(out, s, dtype)
}
