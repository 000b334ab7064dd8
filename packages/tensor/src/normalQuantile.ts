/**
 * The standard normal distribution's density, cumulative distribution and its inverse, to double
 * precision. The RNG draws normals by inversion, `z = Φ⁻¹(u)`, and truncated normals by inverting
 * on `[Φ(a), Φ(b)]`; initializers use them for the variance of a truncated normal.
 * @module
 */
import { fail, number } from '@gd/check'

const SQRT1_2 = Math.SQRT1_2
const INV_SQRT_PI = 0.5641895835477563 // 1/√π, a literal so bundlers see no work at load
const INV_SQRT_2PI = 0.3989422804014327 // 1/√(2π)

/**
 * The standard normal density φ(x) = exp(-x²/2) / √(2π).
 *
 * @example
 * ```ts
 * import { normalPdf } from '@gd/tensor/internal'
 * normalPdf(0) // 0.3989422804014327
 * ```
 */
export function normalPdf(x: number): number {
  number('normalPdf', 'x', x)
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x)
}

/**
 * The standard normal cumulative distribution Φ(x) = P(Z ≤ x), with relative error below about
 * 1e-14 in both tails (Φ(-10) ≈ 7.62e-24 keeps its digits, it is not rounded to 0).
 *
 * @example
 * ```ts
 * import { normalCdf } from '@gd/tensor/internal'
 * normalCdf(0) // 0.5
 * normalCdf(1.959963984540054) // 0.975
 * ```
 */
export function normalCdf(x: number): number {
  number('normalCdf', 'x', x)
  if (Number.isNaN(x)) return Number.NaN
  return x < 0 ? 0.5 * erfc(-x * SQRT1_2) : 1 - 0.5 * erfc(x * SQRT1_2)
}

/**
 * The standard normal quantile Φ⁻¹(p), the x with Φ(x) = p: Wichura's algorithm AS 241
 * (PPND16), a rational approximation with relative error below 1e-16. Gives -Infinity at 0 and
 * Infinity at 1.
 *
 * @see M. J. Wichura, "Algorithm AS 241: The percentage points of the normal distribution",
 *   Applied Statistics 37 (1988).
 * @throws Error when `p` is not in [0, 1].
 * @example
 * ```ts
 * import { normalQuantile } from '@gd/tensor/internal'
 * normalQuantile(0.975) // 1.9599639845400536
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) fail('normalQuantile', 'p', 'in [0, 1]', p)
  return quantile(p)
}

/**
 * {@link normalQuantile} without the check of `p`, for the samplers' loops (p in [0, 1] by construction). The
 * central polynomials (|p − 1/2| ≤ 0.425, 85% of draws) are Horner's rule written out as {@link poly} runs it
 * (its first step, 0 · r + c₇, is c₇ exactly): the same operations, so the same bits, without the loop over an
 * array. The tails keep the loop, which keeps this function small enough for V8 to inline into a sampler's loop.
 */
export function quantile(p: number): number {
  if (p === 0) return Number.NEGATIVE_INFINITY
  if (p === 1) return Number.POSITIVE_INFINITY
  const q = p - 0.5
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q
    const a = ((((((A7 * r + A6) * r + A5) * r + A4) * r + A3) * r + A2) * r + A1) * r + A0
    const b = ((((((B7 * r + B6) * r + B5) * r + B4) * r + B3) * r + B2) * r + B1) * r + 1
    return (q * a) / b
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p))
  let x: number
  if (r <= 5) {
    r -= 1.6
    x = poly(C, r) / poly(D, r)
  } else {
    r -= 5
    x = poly(E, r) / poly(F, r)
  }
  return q < 0 ? -x : x
}

/** Horner evaluation of Σ c[i] rⁱ. */
function poly(c: readonly number[], r: number): number {
  let s = 0
  for (let i = c.length - 1; i >= 0; i--) s = s * r + c[i]!
  return s
}

// AS 241 coefficients, lowest order first; B, D and F have leading coefficient 1 (B's is quantile's `+ 1`).
const A0 = 3.387132872796366608
const A1 = 133.14166789178437745
const A2 = 1971.5909503065514427
const A3 = 13731.693765509461125
const A4 = 45921.953931549871457
const A5 = 67265.770927008700853
const A6 = 33430.575583588128105
const A7 = 2509.0809287301226727
const B1 = 42.313330701600911252
const B2 = 687.1870074920579083
const B3 = 5394.1960214247511077
const B4 = 21213.794301586595867
const B5 = 39307.89580009271061
const B6 = 28729.085735721942674
const B7 = 5226.495278852854561
const C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258,
  0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
]
const D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
]
const E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093,
  0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
]
const F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4,
  1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15,
]

/**
 * Complementary error function for x >= 0. Below 2, 1 - erf(x) with erf from its series of
 * positive terms, erf(x) = (2/√π) e^{-x²} Σ (2x²)ⁿ x / (1·3·…·(2n+1)); from 2 up, Laplace's
 * continued fraction erfc(x) = (e^{-x²}/√π) / (x + (1/2)/(x + 1/(x + (3/2)/(x + …)))),
 * evaluated by the modified Lentz method.
 */
function erfc(x: number): number {
  if (x < 2) {
    const t = 2 * x * x
    let term = x
    let sum = x
    for (let n = 1; term > sum * 1e-17; n++) {
      term *= t / (2 * n + 1)
      sum += term
    }
    return 1 - 2 * INV_SQRT_PI * Math.exp(-x * x) * sum
  }
  if (x > 27) return 0 // e^{-729} underflows
  const tiny = 1e-300
  let f = x
  let c = x
  let d = 0
  for (let n = 1; n < 500; n++) {
    const a = n / 2
    d = x + a * d
    d = d === 0 ? 1 / tiny : 1 / d
    c = x + a / c
    if (c === 0) c = tiny
    const delta = c * d
    f *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return (INV_SQRT_PI * Math.exp(-x * x)) / f
}
