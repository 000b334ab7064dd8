import { fansOf, type Fans } from './internal/fansOf.js'

export type { Fans }

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
 * @throws Error `computeFans: shape [5] has no fans: fan-based initializers need rank >= 2 ...`.
 * @example
 * ```ts
 * import { computeFans } from '@gd/init'
 * computeFans([784, 128]) // { fanIn: 784, fanOut: 128, receptiveField: 1 }
 * computeFans([64, 3, 5, 5]) // { fanIn: 75, fanOut: 1600, receptiveField: 25 }
 * ```
 */
export function computeFans(shape: readonly number[]): Fans {
  return fansOf('computeFans', shape)
}
