import { readOptions } from '@gd/check'
import type { Tensor } from '@gd/tensor'
import type { InitDType, InitOptions, KeyOrSeed } from './initializer.js'
import { floatDtype } from './internal/checks.js'
import { scaledByFan } from './internal/scaledByFan.js'

/**
 * LeCun normal: N(0, 1 / fanIn), not truncated. The init self-normalizing (SELU) networks
 * assume, and a good default for linear, tanh and sigmoid layers when only the forward pass
 * matters. For JAX's and Keras's truncated `lecun_normal` use `varianceScalingInit`.
 *
 * @see LeCun, Bottou, Orr, Müller, "Efficient BackProp" (1998); Klambauer et al.,
 *   "Self-Normalizing Neural Networks" (NeurIPS 2017).
 * @throws Error for a bad key or dtype, or a shape of rank < 2.
 * @example
 * ```ts
 * import { lecunNormalInit } from '@gd/init'
 * lecunNormalInit(0, [100, 10]) // std 0.1
 * ```
 */
export function lecunNormalInit<D extends InitDType = 'float32'>(
  key: KeyOrSeed,
  shape: readonly number[],
  options: InitOptions<D> = {},
): Tensor<D> {
  return scaledByFan(key, shape, { ...lecun('lecunNormalInit', options), distribution: 'normal' }, 'lecunNormalInit')
}

/**
 * LeCun uniform: U(-b, b) with b = √(3 / fanIn), variance 1 / fanIn.
 *
 * @see LeCun et al., "Efficient BackProp" (1998).
 * @throws Error for a bad key or dtype, or a shape of rank < 2.
 * @example
 * ```ts
 * import { lecunUniformInit } from '@gd/init'
 * lecunUniformInit(0, [300, 10]) // values within ±0.1
 * ```
 */
export function lecunUniformInit<D extends InitDType = 'float32'>(
  key: KeyOrSeed,
  shape: readonly number[],
  options: InitOptions<D> = {},
): Tensor<D> {
  return scaledByFan(key, shape, { ...lecun('lecunUniformInit', options), distribution: 'uniform' }, 'lecunUniformInit')
}

/** LeCun's options: only the dtype; the scale is 1 over fanIn. */
function lecun<D extends InitDType>(op: string, options: InitOptions<D>) {
  const { dtype } = readOptions(op, options, { dtype: floatDtype })
  return { dtype: dtype as D, scale: 1, mode: 'fanIn' as const }
}
