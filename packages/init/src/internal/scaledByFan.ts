import { oneOf, positive, readOptions, withDefault, type Spec } from '@gd/check'
import * as T from '@gd/tensor'
import { computeFans } from '../fans.js'
import type { InitDType, KeyOrSeed } from '../initializer.js'
import type { FanMode, VarianceDistribution, VarianceScalingInitOptions } from '../varianceScalingInit.js'
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
  options: VarianceScalingInitOptions<D>,
  op: string,
): T.Tensor<D> {
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
