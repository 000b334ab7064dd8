import { fail, positiveInteger, readOptions, withDefault } from '@gd/check'
import { Tensor } from '@gd/tensor'
import { allocate, formatList, sizeOf } from '@gd/tensor/internal'
import type { InitDType, InitOptions } from './initializer.js'
import { floatDtype, shape as shapeCheck } from './internal/checks.js'

/**
 * The Dirac delta kernel for convolutions in @gd/tensor's `[outChannels, inChannels, ...kernel]`
 * layout (OIHW for conv2d): a single 1 at the centre (index ⌊k/2⌋ in each kernel dimension)
 * of `w[c, c]` for each channel c, so a stride-1 convolution with 'same' padding returns its input
 * unchanged (with more output than input channels, the extra ones are zero). With `groups`,
 * each group of outChannels / groups filters maps its own inChannels this way. Not random.
 *
 * @throws Error for a bad dtype or option, a shape of rank < 3, or groups that do not divide
 *   outChannels.
 * @example
 * ```ts
 * import { diracInit } from '@gd/init'
 * diracInit([2, 2, 3, 3]) // w[0][0][1][1] = w[1][1][1][1] = 1, all else 0
 * ```
 */
export function diracInit<D extends InitDType = 'float32'>(
  shape: readonly number[],
  options: InitOptions<D> & { groups?: number | undefined } = {},
): Tensor<D> {
  const s = shapeCheck('diracInit', 'shape', shape)
  const { dtype, groups } = readOptions('diracInit', options, {
    dtype: floatDtype,
    groups: withDefault(positiveInteger, 1),
  }) as { dtype: D; groups: number }
  if (s.length < 3) {
    throw new Error(
      `diracInit: shape must be a conv kernel [outChannels, inChannels, ...kernel] of rank >= 3, got ${formatList(s)}`,
    )
  }
  const [outChannels, inChannels] = s as [number, number]
  if (outChannels % groups !== 0)
    fail('diracInit', 'groups', `a positive integer dividing outChannels (${outChannels})`, groups)
  const kernel = s.slice(2)
  const kernelSize = sizeOf(kernel)
  // Row-major offset of the kernel's centre.
  let centre = 0
  for (const k of kernel) centre = centre * k + Math.floor(k / 2)
  const out = allocate(dtype, sizeOf(s))
  const perGroup = outChannels / groups
  for (let g = 0; g < groups; g++) {
    for (let c = 0; c < Math.min(perGroup, inChannels); c++) {
      out[((g * perGroup + c) * inChannels + c) * kernelSize + centre] = 1
    }
  }
  return new Tensor(out, s, dtype)
}
