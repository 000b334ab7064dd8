import { oneOf, positive, readOptions, string, withDefault, type Spec } from '@gd/check'
import * as T from '@gd/tensor'
import { computeFans } from './fans.js'
import { resolveKey, type InitDType, type InitOptions, type KeyOrSeed } from './initializer.js'
import { floatDtype } from './internal/checks.js'

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
 * @param op the name used in error messages; wrappers such as `heNormalInit` pass their own.
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
  op = 'varianceScalingInit',
): T.Tensor<D> {
  string('varianceScalingInit', 'op', op)
  const k = resolveKey(op, key)
  const { fanIn, fanOut } = computeFans(shape, op)
  const { dtype, scale, mode, distribution } = readOptions(op, options, {
    dtype: floatDtype,
    scale: withDefault(positive, 1),
    mode: withDefault(oneOf<FanMode>(['fanIn', 'fanOut', 'fanAvg']), 'fanIn'),
    distribution: withDefault(oneOf<VarianceDistribution>(['truncatedNormal', 'normal', 'uniform']), 'truncatedNormal'),
  } satisfies Spec<VarianceScalingInitOptions<InitDType>>) as {
    dtype: D
    scale: number
    mode: FanMode
    distribution: VarianceDistribution
  }
  const n = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2
  if (n === 0) return T.zeros(shape, { dtype }) // no elements: nothing to scale
  const variance = scale / n
  if (distribution === 'uniform') {
    const bound = Math.sqrt(3 * variance)
    return T.uniform(k, shape, { low: -bound, high: bound, dtype })
  }
  if (distribution === 'normal') return T.normal(k, shape, { std: Math.sqrt(variance), dtype })
  return T.truncatedNormal(k, shape, { std: Math.sqrt(variance) / TRUNCATED_STD, dtype })
}

/**
 * Standard deviation of N(0, 1) truncated to [-2, 2]: √(1 - 4φ(2) / (Φ(2) - Φ(-2))) ≈ 0.8796.
 */
export const TRUNCATED_STD = Math.sqrt(1 - (4 * T.normalPdf(2)) / (T.normalCdf(2) - T.normalCdf(-2)))
