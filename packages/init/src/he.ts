import { oneOf, readOptions, withDefault } from '@gd/check'
import type { Tensor } from '@gd/tensor'
import { calculateGain, type Nonlinearity } from './calculateGain.js'
import type { InitDType, InitOptions, KeyOrSeed } from './initializer.js'
import {
  floatDtype,
  negativeSlope as slopeCheck,
  nonlinearity as nonlinearityCheck,
  slopeFits,
} from './internal/checks.js'
import { scaledByFan } from './internal/scaledByFan.js'

/** Options of the He (Kaiming) initializers. */
export interface HeInitOptions<D extends InitDType = 'float32'> extends InitOptions<D> {
  /** `fanIn` (default) keeps activations at scale going forward; `fanOut` keeps gradients. */
  mode?: 'fanIn' | 'fanOut' | undefined
  /** The nonlinearity after the layer, for its gain; `relu` by default. */
  nonlinearity?: Nonlinearity | undefined
  /** Slope of a leakyRelu for x < 0; 0.01 by default (only with `nonlinearity: 'leakyRelu'`). */
  negativeSlope?: number | undefined
}

/**
 * He (Kaiming) normal: N(0, σ²) with σ = gain / √fan, gain = `calculateGain(nonlinearity)`,
 * √2 for ReLU. With it, the variance of the pre-activations stays constant through a deep ReLU
 * network (Var(W x) = fan · σ² · E[x²] and ReLU halves E[x²]). Not truncated, as PyTorch's
 * `kaiming_normal_`; for JAX's truncated `he_normal` use `varianceScalingInit`.
 *
 * @see He, Zhang, Ren, Sun, "Delving deep into rectifiers" (ICCV 2015).
 * @throws Error for a bad key, dtype, mode or nonlinearity, or a shape of rank < 2.
 * @example
 * ```ts
 * import { heNormalInit } from '@gd/init'
 * const w = heNormalInit(0, [512, 512]) // std √(2/512) = 0.0625
 * const k = heNormalInit(1, [64, 32, 3, 3], { mode: 'fanOut' }) // std √(2/576)
 * ```
 */
export function heNormalInit<D extends InitDType = 'float32'>(
  key: KeyOrSeed,
  shape: readonly number[],
  options: HeInitOptions<D> = {},
): Tensor<D> {
  return scaledByFan(key, shape, kaiming('heNormalInit', options, 'normal'), 'heNormalInit')
}

/**
 * He (Kaiming) uniform: U(-b, b) with b = gain · √(3 / fan), the uniform with He's variance
 * gain² / fan (PyTorch's `kaiming_uniform_`).
 *
 * @see He et al. (ICCV 2015).
 * @throws Error for a bad key, dtype, mode or nonlinearity, or a shape of rank < 2.
 * @example
 * ```ts
 * import { heUniformInit } from '@gd/init'
 * const w = heUniformInit(0, [256, 10], { nonlinearity: 'leakyRelu', negativeSlope: 0.2 })
 * ```
 */
export function heUniformInit<D extends InitDType = 'float32'>(
  key: KeyOrSeed,
  shape: readonly number[],
  options: HeInitOptions<D> = {},
): Tensor<D> {
  return scaledByFan(key, shape, kaiming('heUniformInit', options, 'uniform'), 'heUniformInit')
}

function kaiming<D extends InitDType>(op: string, options: HeInitOptions<D>, distribution: 'uniform' | 'normal') {
  const { dtype, mode, nonlinearity, negativeSlope } = readOptions(op, options, {
    dtype: floatDtype,
    mode: withDefault(oneOf(['fanIn', 'fanOut'] as const), 'fanIn'),
    nonlinearity: withDefault(nonlinearityCheck, 'relu'),
    negativeSlope: slopeCheck,
  })
  slopeFits(op, nonlinearity, negativeSlope)
  // calculateGain cannot throw now: its arguments were checked under this initializer's name
  const gain = calculateGain(nonlinearity, { negativeSlope })
  return { dtype: dtype as D, scale: gain * gain, mode, distribution }
}
