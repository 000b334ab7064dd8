/**
 * Continuous distributions drawn from a {@link PRNGKey}: uniform, normal, truncated normal.
 *
 * Every function is pure: `(key, shape, options) → Tensor`. Element `i` (row-major) depends only
 * on the key and `i`, through the 64 bits `[hi, lo] = threefry2x32(key, [0, i])`, so a draw does
 * not depend on the machine, and the same key with a different shape of the same size gives the
 * same values. float32 draws use the 32-bit word `hi ^ lo` (JAX's layout), float64 draws all 64.
 * Uniform bits are exact integer arithmetic, identical everywhere. Normals go through a
 * logarithm in the tails (beyond |z| ≈ 1.44), so they are bit-identical across machines on one
 * JavaScript engine and may differ in the last bit of a float64 between engines.
 * @module
 */
import { finite, nonNegative, oneOf, readOptions, rule, withDefault, type Check } from '@gd/check'
import { drawn } from './internal/drawn.js'
import { normalCdf, quantile } from './normalQuantile.js'
import { checkKey, randomBits, type PRNGKey } from './rng.js'
import { checkShape } from './shape.js'
import type { Tensor } from './tensor.js'

/** The float dtypes the continuous distributions produce (`FloatDType` is matmul's name for it). */
type FloatDType = 'float32' | 'float64'

const TWO32 = 4294967296
const TWO52 = 4503599627370496

/** Options of {@link uniform}. */
export interface UniformOptions<D extends FloatDType = 'float32'> {
  /** Inclusive lower bound; 0 by default. */
  low?: number
  /** Exclusive upper bound; 1 by default. */
  high?: number
  /** `float32` (default) or `float64`. */
  dtype?: D
}

/**
 * Uniform samples in [low, high).
 *
 * float32 reads `u = m / 2²³` from the top 23 bits of the 32-bit word `hi ^ lo`, exactly as
 * `jax.random.uniform` does with its default (partitionable) Threefry, so float32 draws match
 * JAX's bit for bit when `low = 0, high = 1`; float64 reads `u = m / 2⁵²` from the top 52 bits
 * of the 64-bit word `hi:lo`. The sample is `low + u (high - low)`, rounded to the dtype (so a
 * bound that float32 cannot represent holds to float32 precision), and pulled below `high` if
 * rounding reached it.
 *
 * @throws Error for a bad key, shape or dtype, non-finite bounds, or `low >= high`.
 * @example
 * ```ts
 * import { prngKey, uniform } from '@gd/tensor'
 * const w = uniform(prngKey(0), [2, 3], { low: -1, high: 1 })
 * w.shape // [2, 3]; every element in [-1, 1)
 * ```
 */
export function uniform<D extends FloatDType = 'float32'>(
  key: PRNGKey,
  shape: readonly number[],
  options: UniformOptions<D> = {},
): Tensor<D> {
  checkKey('uniform', key)
  const s = checkShape('uniform', shape)
  const { low, high, dtype } = readOptions('uniform', options, {
    low: withDefault(finite, 0),
    high: withDefault(finite, 1),
    dtype: floatDtype as Check<D>,
  })
  if (!(low < high)) throw new Error(`uniform: low must be < high, got ${low} and ${high}`)
  const span = high - low
  if (!Number.isFinite(span)) throw new Error(`uniform: high - low must be finite, got ${span}`)
  const top = dtype === 'float32' ? below32(high) : below64(high)
  return drawn(key, s, dtype, (k, out) => {
    const { hi, lo } = randomBits(k, out.length)
    for (let i = 0; i < out.length; i++) {
      const u = dtype === 'float32' ? ((hi[i]! ^ lo[i]!) >>> 9) / 8388608 : unit52(hi[i]!, lo[i]!)
      out[i] = low + u * span
      if (out[i]! >= high) out[i] = top // rounding to the dtype reached high
    }
  })
}

/** Options of {@link normal}. */
export interface NormalOptions<D extends FloatDType = 'float32'> {
  /** Mean; 0 by default. */
  mean?: number
  /** Standard deviation, >= 0; 1 by default. */
  std?: number
  /** `float32` (default) or `float64`. */
  dtype?: D
}

/**
 * Normal samples with the given mean and standard deviation, by inversion:
 * `mean + std · Φ⁻¹(u)` with `u` on the open grid `(2k + 1) / 2ⁿ⁺¹`, with k the 32-bit word
 * `hi ^ lo` for float32 (n = 32) and the top 52 bits of the 64-bit word `hi:lo` for float64
 * (n = 52), so `u` is never 0 or 1 and the grid is symmetric about 1/2. The largest |z| is
 * about 6.4 for float32 and 8.3 for float64.
 *
 * @throws Error for a bad key, shape or dtype, a non-finite mean, or a negative or non-finite std.
 * @example
 * ```ts
 * import { normal, prngKey } from '@gd/tensor'
 * normal(prngKey(0), [1000], { mean: 2, std: 0.5, dtype: 'float64' }).dtype // 'float64'
 * ```
 */
export function normal<D extends FloatDType = 'float32'>(
  key: PRNGKey,
  shape: readonly number[],
  options: NormalOptions<D> = {},
): Tensor<D> {
  checkKey('normal', key)
  const s = checkShape('normal', shape)
  const { mean, std, dtype } = readOptions('normal', options, locationScale as LocationScale<D>)
  return drawn(key, s, dtype, (k, out) => {
    const { hi, lo } = randomBits(k, out.length)
    for (let i = 0; i < out.length; i++) out[i] = mean + std * quantile(openUnit(dtype, hi[i]!, lo[i]!))
  })
}

/** Options of {@link truncatedNormal}. */
export interface TruncatedNormalOptions<D extends FloatDType = 'float32'> extends NormalOptions<D> {
  /** Lower bound in standard deviations from the mean; -2 by default. May be -Infinity. */
  lower?: number
  /** Upper bound in standard deviations from the mean; 2 by default. May be Infinity. */
  upper?: number
}

/**
 * Normal samples conditioned on `lower <= (x - mean) / std <= upper`: the standard normal
 * restricted to [lower, upper] (±2 by default, like `jax.random.truncated_normal` and TF's
 * `truncated_normal`), then scaled. Note that `std` is the std of the normal *before*
 * truncation; truncation at ±2 leaves a variance of about 0.774 std².
 *
 * Sampled by inversion, `z = Φ⁻¹(Φ(a) + u (Φ(b) - Φ(a)))` with `u` on the open grid of
 * {@link normal}; an interval right of 0 is mirrored to the left tail, where Φ keeps its
 * precision. Results are clamped to the bounds against rounding.
 *
 * @throws Error for a bad key, shape or dtype, bad mean or std, `lower >= upper`, or an interval
 *   with no probability mass in double precision (beyond about 38 standard deviations).
 * @example
 * ```ts
 * import { prngKey, truncatedNormal } from '@gd/tensor'
 * const w = truncatedNormal(prngKey(0), [3, 3], { std: 0.02 })
 * // every element within ±0.04
 * ```
 */
export function truncatedNormal<D extends FloatDType = 'float32'>(
  key: PRNGKey,
  shape: readonly number[],
  options: TruncatedNormalOptions<D> = {},
): Tensor<D> {
  checkKey('truncatedNormal', key)
  const s = checkShape('truncatedNormal', shape)
  const { mean, std, dtype, lower, upper } = readOptions('truncatedNormal', options, {
    ...(locationScale as LocationScale<D>),
    lower: withDefault(notNaN, -2),
    upper: withDefault(notNaN, 2),
  })
  if (!(lower < upper)) throw new Error(`truncatedNormal: lower must be < upper, got ${lower} and ${upper}`)
  // Work on the side of 0 where the interval's far end lies in the left tail: Φ is precise there.
  const flip = lower >= 0
  const a = flip ? -upper : lower
  const b = flip ? -lower : upper
  const pa = normalCdf(a)
  const mass = normalCdf(b) - pa
  if (!(mass > 0)) {
    throw new Error(`truncatedNormal: [lower, upper] has no probability mass, got ${lower} and ${upper}`)
  }
  return drawn(key, s, dtype, (k, out) => {
    const { hi, lo } = randomBits(k, out.length)
    for (let i = 0; i < out.length; i++) {
      let z = quantile(pa + mass * openUnit(dtype, hi[i]!, lo[i]!))
      z = z < a ? a : z > b ? b : z
      out[i] = mean + std * (flip ? -z : z)
    }
  })
}

/** The top 52 bits of the 64-bit word `hi:lo` as a number in [0, 1) with step 2⁻⁵². */
function unit52(hi: number, lo: number): number {
  return (hi * 1048576 + (lo >>> 12)) / TWO52
}

/** A number in the open interval (0, 1) on a grid symmetric about 1/2: `(2k + 1) / 2ⁿ⁺¹`. */
function openUnit(dtype: FloatDType, hi: number, lo: number): number {
  if (dtype === 'float32') return (((hi ^ lo) >>> 0) + 0.5) / TWO32
  return (hi * 1048576 + (lo >>> 12) + 0.5) / TWO52
}

/** The dtype option of a float distribution; float32 when absent. */
const floatDtype = /* @__PURE__ */ withDefault(/* @__PURE__ */ oneOf<FloatDType>(['float32', 'float64']), 'float32')

/** A number that is not NaN (±Infinity allowed). */
const notNaN = /* @__PURE__ */ rule<number>('a number, not NaN', (v) => typeof v === 'number' && v === v)

type LocationScale<D> = { mean: Check<number>; std: Check<number>; dtype: Check<D> }

/** The options of {@link normal}. */
const locationScale = {
  mean: /* @__PURE__ */ withDefault(finite, 0),
  std: /* @__PURE__ */ withDefault(nonNegative, 1),
  dtype: floatDtype,
}

const scratch = /* @__PURE__ */ new DataView(/* @__PURE__ */ new ArrayBuffer(8))

/** The largest float32 strictly below `x` (x finite). */
function below32(x: number): number {
  const f = Math.fround(x)
  if (f < x) return f
  if (f === 0) return -1.401298464324817e-45
  scratch.setFloat32(0, f)
  const bits = scratch.getUint32(0)
  scratch.setUint32(0, f > 0 ? bits - 1 : bits + 1)
  return scratch.getFloat32(0)
}

/** The largest float64 strictly below `x` (x finite). */
function below64(x: number): number {
  if (x === 0) return -Number.MIN_VALUE
  scratch.setFloat64(0, x)
  const bits = scratch.getBigUint64(0)
  scratch.setBigUint64(0, x > 0 ? bits - 1n : bits + 1n)
  return scratch.getFloat64(0)
}
