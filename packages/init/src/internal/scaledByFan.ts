import { oneOf, positive, readOptions, withDefault } from '@gd/check'
import * as T from '@gd/tensor'
import { fansOf } from './fansOf.js'
import type { InitDType, KeyOrSeed } from '../initializer.js'
import { floatDtype } from './checks.js'
import { resolveKey } from './key.js'

/**
 * Standard deviation of N(0, 1) truncated to [-2, 2]: √(1 − 4φ(2) / (Φ(2) − Φ(−2))) ≈ 0.8796, written
 * out so that loading the module does no work (the test recomputes it from the formula).
 */
export const TRUNCATED_STD = 0.8796256610342398

/**
 * {@link varianceScalingInit} with the caller's name for error messages: the fan-based initializers
 * (`heNormalInit`, `xavierUniformInit`, …) pass their own. Internal: not re-exported from the package.
 */
export function scaledByFan<D extends InitDType>(
  key: KeyOrSeed,
  shape: readonly number[],
  options: unknown,
  op: string,
): T.Tensor<D> {
  const k = resolveKey(op, key)
  const { fanIn, fanOut } = fansOf(op, shape)
  const read = readOptions(op, options, {
    dtype: floatDtype,
    scale: withDefault(positive, 1),
    // the values of FanMode and VarianceDistribution (varianceScalingInit.ts)
    mode: withDefault(oneOf(['fanIn', 'fanOut', 'fanAvg'] as const), 'fanIn'),
    distribution: withDefault(oneOf(['truncatedNormal', 'normal', 'uniform'] as const), 'truncatedNormal'),
  })
  const { scale, mode, distribution } = read
  const dtype = read.dtype as D
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
