import { positive, readOptions, withDefault } from '@gd/check'
import type { Tensor } from '@gd/tensor'
import type { InitDType, InitOptions, KeyOrSeed } from './initializer.js'
import { floatDtype } from './internal/checks.js'
import { scaledByFan } from './internal/scaledByFan.js'

/** Options of the Xavier (Glorot) initializers. */
export interface XavierInitOptions<D extends InitDType = 'float32'> extends InitOptions<D> {
  /** Multiplier of the standard deviation, > 0 (see `calculateGain`); 1 by default. */
  gain?: number | undefined
}

/**
 * Xavier (Glorot) uniform: U(-b, b) with b = gain · √(6 / (fanIn + fanOut)), so the variance is
 * gain² · 2 / (fanIn + fanOut): a compromise that keeps both the forward activations and the
 * backward gradients at scale for linear, tanh and sigmoid layers.
 *
 * @see Glorot & Bengio, "Understanding the difficulty of training deep feedforward neural
 *   networks" (AISTATS 2010).
 * @throws Error for a bad key, dtype or gain, or a shape of rank < 2.
 * @example
 * ```ts
 * import { xavierUniformInit } from '@gd/init'
 * const w = xavierUniformInit(0, [256, 128]) // values within ±√(6/384) = ±0.125
 * ```
 */
export function xavierUniformInit<D extends InitDType = 'float32'>(
  key: KeyOrSeed,
  shape: readonly number[],
  options: XavierInitOptions<D> = {},
): Tensor<D> {
  return scaledByFan(key, shape, glorot('xavierUniformInit', options, 'uniform'), 'xavierUniformInit')
}

/**
 * Xavier (Glorot) normal: N(0, σ²) with σ = gain · √(2 / (fanIn + fanOut)), not truncated
 * (as PyTorch's `xavier_normal_`; for Keras's truncated `GlorotNormal` use
 * `varianceScalingInit` with `mode: 'fanAvg'`).
 *
 * @see Glorot & Bengio (AISTATS 2010).
 * @throws Error for a bad key, dtype or gain, or a shape of rank < 2.
 * @example
 * ```ts
 * import { calculateGain, xavierNormalInit } from '@gd/init'
 * const w = xavierNormalInit(0, [256, 128], { gain: calculateGain('tanh') })
 * ```
 */
export function xavierNormalInit<D extends InitDType = 'float32'>(
  key: KeyOrSeed,
  shape: readonly number[],
  options: XavierInitOptions<D> = {},
): Tensor<D> {
  return scaledByFan(key, shape, glorot('xavierNormalInit', options, 'normal'), 'xavierNormalInit')
}

function glorot<D extends InitDType>(op: string, options: XavierInitOptions<D>, distribution: 'uniform' | 'normal') {
  const { gain, dtype } = readOptions(op, options, { dtype: floatDtype, gain: withDefault(positive, 1) })
  return { dtype: dtype as D, scale: gain * gain, mode: 'fanAvg' as const, distribution }
}
