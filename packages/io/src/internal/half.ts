// Private: 16-bit floats (IEEE binary16 and bfloat16) to and from float32 bits.

/** The float32 bits of a binary16 value (exact: every binary16 is a float32; NaN payloads kept). */
export function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16
  const exponent = (h >>> 10) & 0x1f
  const mantissa = h & 0x3ff
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0
  if (mantissa === 0) return sign >>> 0
  // subnormal: mantissa · 2^-24; normalise it into a float32
  let m = mantissa
  let e = 113
  while ((m & 0x400) === 0) {
    m <<= 1
    e--
  }
  return (sign | (e << 23) | ((m & 0x3ff) << 13)) >>> 0
}

/**
 * The binary16 bits nearest to the float32 with bits `x`, ties to even (as NumPy's and PyTorch's
 * casts): too large gives ±Infinity, too small ±0, NaN stays NaN.
 */
export function floatBitsToHalf(x: number): number {
  const sign = (x >>> 16) & 0x8000
  const exponent = (x >>> 23) & 0xff
  let mantissa = x & 0x7fffff
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200 | (mantissa >>> 13))
  const e = exponent - 112 // the binary16 exponent field
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    // a binary16 subnormal (or zero): the 24-bit significand shifted right by 14 − e, rounded
    if (e < -10) return sign
    mantissa |= 0x800000
    const shift = 14 - e
    let half = mantissa >>> shift
    const rest = mantissa & ((1 << shift) - 1)
    const tie = 1 << (shift - 1)
    if (rest > tie || (rest === tie && (half & 1) === 1)) half++
    return sign | half
  }
  let h = (e << 10) | (mantissa >>> 13)
  const rest = mantissa & 0x1fff
  // a carry out of the mantissa moves into the exponent, which is the right result (up to Infinity)
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++
  return sign | h
}

/** The bfloat16 bits nearest to the float32 with bits `x` (its top half, rounded to nearest, ties to even). */
export function floatBitsToBfloat(x: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return ((x >>> 16) | 0x40) & 0xffff // quiet NaN
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff
}
