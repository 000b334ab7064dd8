import { string } from '@gd/check'
import { formatList } from '@gd/tensor/internal'
import { shape as shapeCheck } from './internal/checks.js'

/** Fan-in and fan-out of a weight shape, and the kernel's receptive field size. */
export interface Fans {
  /** Inputs feeding each output unit: `in` for dense, `inChannels · kH · kW` for conv. */
  fanIn: number
  /** Outputs each input unit feeds: `out` for dense, `outChannels · kH · kW` for conv. */
  fanOut: number
  /** Product of the spatial kernel dimensions (1 for dense weights). */
  receptiveField: number
}

/**
 * The fans of a weight shape, in @gd's layouts:
 *
 * - rank 2, a dense weight `[in, out]` used as `y = x · W`: fanIn = in, fanOut = out;
 * - rank 3 or more, a conv kernel in @gd/tensor's `[outChannels, inChannels, ...kernel]` layout
 *   (OIHW for conv2d, as PyTorch): fanIn = inChannels · k, fanOut = outChannels · k with
 *   k = the product of the kernel dimensions.
 *
 * Note that the two layouts put `in` and `out` in opposite order (dense is `[in, out]`, conv
 * `[out, in, …]`); this function accounts for it. Shapes of rank 0 or 1 have no fans.
 *
 * @param op the name used in error messages (the initializer that asked).
 * @throws Error `op: shape [5] has no fans: fan-based initializers need rank >= 2 ...`.
 * @example
 * ```ts
 * import { computeFans } from '@gd/init'
 * computeFans([784, 128]) // { fanIn: 784, fanOut: 128, receptiveField: 1 }
 * computeFans([64, 3, 5, 5]) // { fanIn: 75, fanOut: 1600, receptiveField: 25 }
 * ```
 */
export function computeFans(shape: readonly number[], op = 'computeFans'): Fans {
  const s = shapeCheck(string('computeFans', 'op', op), 'shape', shape)
  if (s.length < 2) {
    throw new Error(
      `${op}: shape ${formatList(s)} has no fans: fan-based initializers need rank >= 2 ` +
        `(dense [in, out] or conv [outChannels, inChannels, ...kernel])`,
    )
  }
  if (s.length === 2) return { fanIn: s[0]!, fanOut: s[1]!, receptiveField: 1 }
  let receptiveField = 1
  for (let i = 2; i < s.length; i++) receptiveField *= s[i]!
  return { fanIn: s[1]! * receptiveField, fanOut: s[0]! * receptiveField, receptiveField }
}
