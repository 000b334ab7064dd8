/**
 * Plain random initializers with explicit parameters. For weights, prefer the fan-based ones
 * ({@link heNormalInit}, {@link xavierUniformInit}, …), which pick the scale from the shape.
 * @module
 */
import { fail, finite, nonNegative, readOptions, withDefault } from '@gd/check'
import * as T from '@gd/tensor'
import type { InitDType, InitOptions, KeyOrSeed } from './initializer.js'
import { resolveKey } from './internal/key.js'
import { floatDtype, notNaN, shape as shapeCheck } from './internal/checks.js'

/**
 * Uniform values in [low, high), [0, 1) by default (PyTorch's `uniform_`).
 *
 * @throws Error for a bad key, shape or dtype, an unknown option, or `low >= high`.
 * @example
 * ```ts
 * import { uniformInit } from '@gd/init'
 * uniformInit(0, [3, 3], { low: -0.1, high: 0.1 }).shape // [3, 3]
 * ```
 */
export function uniformInit<D extends InitDType = 'float32'>(
  key: KeyOrSeed,
  shape: readonly number[],
  options: InitOptions<D> & { low?: number; high?: number } = {},
): T.Tensor<D> {
  const op = 'uniformInit'
  const k = resolveKey(op, key)
  const s = shapeCheck(op, 'shape', shape)
  const o = readOptions(op, options, { dtype: floatDtype, low: withDefault(finite, 0), high: withDefault(finite, 1) })
  if (!(o.high > o.low)) fail(op, 'high', `above low (${o.low})`, o.high)
  return T.uniform(k, s, o as { dtype: D; low: number; high: number })
}

/**
 * Normal values with the given mean and standard deviation, N(0, 1) by default (PyTorch's
 * `normal_`). The "naive" N(0, 0.01²) init is `normalInit(key, shape, { std: 0.01 })`.
 *
 * @throws Error for a bad key, shape or dtype, an unknown option (`stddev` is `std`), or a
 *   negative std.
 * @example
 * ```ts
 * import { normalInit } from '@gd/init'
 * normalInit(0, [128, 64], { std: 0.02 }).shape // [128, 64]
 * ```
 */
export function normalInit<D extends InitDType = 'float32'>(
  key: KeyOrSeed,
  shape: readonly number[],
  options: InitOptions<D> & { mean?: number; std?: number } = {},
): T.Tensor<D> {
  const op = 'normalInit'
  const k = resolveKey(op, key)
  const s = shapeCheck(op, 'shape', shape)
  const o = readOptions(op, options, {
    dtype: floatDtype,
    mean: withDefault(finite, 0),
    std: withDefault(nonNegative, 1),
  })
  return T.normal(k, s, o as { dtype: D; mean: number; std: number })
}

/**
 * Normal values truncated to `[mean + lower·std, mean + upper·std]`, with `lower`, `upper` in
 * standard deviations and ±2 by default (like JAX's and TF's `truncated_normal`; PyTorch's
 * `trunc_normal_` takes absolute bounds instead). `std` is the std before truncation: at ±2 the
 * values have variance 0.774 std². {@link varianceScalingInit} corrects for that; this does not.
 *
 * @throws Error for a bad key, shape or dtype, an unknown option, a negative std, or
 *   `lower >= upper`.
 * @example
 * ```ts
 * import { truncatedNormalInit } from '@gd/init'
 * truncatedNormalInit(0, [768, 768], { std: 0.02 }) // every value within ±0.04
 * ```
 */
export function truncatedNormalInit<D extends InitDType = 'float32'>(
  key: KeyOrSeed,
  shape: readonly number[],
  options: InitOptions<D> & { mean?: number; std?: number; lower?: number; upper?: number } = {},
): T.Tensor<D> {
  const op = 'truncatedNormalInit'
  const k = resolveKey(op, key)
  const s = shapeCheck(op, 'shape', shape)
  const o = readOptions(op, options, {
    dtype: floatDtype,
    mean: withDefault(finite, 0),
    std: withDefault(nonNegative, 1),
    lower: withDefault(notNaN, -2),
    upper: withDefault(notNaN, 2),
  })
  if (!(o.upper > o.lower)) fail(op, 'upper', `above lower (${o.lower})`, o.upper)
  return T.truncatedNormal(k, s, o as { dtype: D; mean: number; std: number; lower: number; upper: number })
}
