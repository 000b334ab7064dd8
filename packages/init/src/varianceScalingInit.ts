import type * as T from '@gd/tensor'
import type { InitDType, InitOptions, KeyOrSeed } from './initializer.js'
import { scaledByFan } from './internal/scaledByFan.js'

/** Which fan sets the variance: fanIn keeps the forward signal, fanOut the backward gradient. */
export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg'

/** The distribution {@link varianceScalingInit} draws from. */
export type VarianceDistribution = 'truncatedNormal' | 'normal' | 'uniform'

/** Options of {@link varianceScalingInit}. */
export interface VarianceScalingInitOptions<D extends InitDType = 'float32'> extends InitOptions<D> {
  /** Multiplier of the variance, > 0; 1 by default. A gain g corresponds to scale g². */
  scale?: number | undefined
  /** Fan that divides the scale; `fanIn` by default. */
  mode?: FanMode | undefined
  /** `truncatedNormal` (default, as in JAX and Keras), `normal` or `uniform`. */
  distribution?: VarianceDistribution | undefined
}

/**
 * Weights with variance `scale / n`, where n is the fan chosen by `mode` (`fanAvg` is
 * (fanIn + fanOut) / 2), for dense `[in, out]` or conv `[outChannels, inChannels, ...kernel]`
 * shapes (see {@link computeFans}). Every fan-based initializer is one of these:
 *
 * - `normal`: N(0, σ²) with σ² = scale / n;
 * - `uniform`: U(-b, b) with b = √(3 · scale / n), whose variance b²/3 is scale / n;
 * - `truncatedNormal`: a normal truncated at ±2 of its own std, that std raised by
 *   1 / 0.87962566 so the variance after truncation is still scale / n (as JAX and Keras do).
 *
 * A shape with no elements gives an empty tensor.
 *
 * @throws Error for a bad key, dtype or option, an unknown option, or a shape of rank < 2 (it has
 *   no fans).
 * @example
 * ```ts
 * import { varianceScalingInit } from '@gd/init'
 * // He normal for a 784 → 256 dense layer: variance 2 / 784.
 * varianceScalingInit(0, [784, 256], { scale: 2, mode: 'fanIn', distribution: 'normal' })
 * ```
 */
export function varianceScalingInit<D extends InitDType = 'float32'>(
  key: KeyOrSeed,
  shape: readonly number[],
  options: VarianceScalingInitOptions<D> = {},
): T.Tensor<D> {
  return scaledByFan(key, shape, options, 'varianceScalingInit')
}
