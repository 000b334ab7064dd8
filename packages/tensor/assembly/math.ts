// Vector math shared by the kernel modules (assembly/elementwise.ts, assembly/rows.ts): each module
// compiles in the functions it uses. Not a module of its own (no exports reach a build).

@inline export function splat(x: f32): v128 {
  return f32x4.splat(x)
}

/**
 * eˣ: n = round(x / ln 2), r = x − n ln 2 (in two parts, Cody–Waite), eʳ by its Taylor polynomial to
 * r⁶ (|r| ≤ ln 2 / 2, truncation below 1.2e-7 relative), times 2ⁿ built in two halves so that
 * n = 128 does not overflow the exponent field. Above 88.7228 gives +∞; below −87.3365 (results
 * under the smallest normal float32, 1.18e-38) gives 0, which {@link vexpTail} then corrects;
 * NaN stays NaN.
 */
@inline export function vexp(x: v128): v128 {
  const hi = splat(88.72283)
  const lo = splat(-87.33654)
  const xc = f32x4.min(f32x4.max(x, lo), hi)
  const n = f32x4.nearest(f32x4.mul(xc, splat(1.44269504)))
  let r = f32x4.sub(xc, f32x4.mul(n, splat(0.693359375)))
  r = f32x4.sub(r, f32x4.mul(n, splat(-2.12194440e-4)))
  const y = vexpReduced(n, r)
  return v128.bitselect(splat(0), v128.bitselect(splat(Infinity), y, f32x4.gt(x, hi)), f32x4.lt(x, lo))
}

/** 2ⁿ·eʳ for |r| ≤ ln 2 / 2 (the reduction of {@link vexp}): the polynomial and the scaling. */
@inline export function vexpReduced(n: v128, r: v128): v128 {
  let p = splat(<f32>1 / 720)
  p = f32x4.add(f32x4.mul(p, r), splat(<f32>1 / 120))
  p = f32x4.add(f32x4.mul(p, r), splat(<f32>1 / 24))
  p = f32x4.add(f32x4.mul(p, r), splat(<f32>1 / 6))
  p = f32x4.add(f32x4.mul(p, r), splat(0.5))
  p = f32x4.add(f32x4.mul(p, r), splat(1))
  p = f32x4.add(f32x4.mul(p, r), splat(1))
  const k = i32x4.trunc_sat_f32x4_s(n)
  const half = i32x4.shr_s(k, 1)
  const s1 = i32x4.shl(i32x4.add(half, i32x4.splat(127)), 23)
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(k, half), i32x4.splat(127)), 23)
  return f32x4.mul(f32x4.mul(p, s1), s2)
}

@inline export function low64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v)
}

@inline export function high64(v: v128): v128 {
  return f64x2.promote_low_f32x4(i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7))
}

/** Two float64x2 lanes rounded to four float32 lanes. */
@inline export function join32(lo: v128, hi: v128): v128 {
  return i8x16.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
}

@inline export function lanes64(a: v128): f64 {
  return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1)
}

/**
 * eᵃ as float32 for a given in float64 (lanes 0–1 in `lo`, 2–3 in `hi`): the reduction r = a − n ln 2 in
 * float64, so that the exponent's own rounding costs nothing (a float32 a of size |a| would carry
 * |a|·2⁻²⁴ of absolute error into eᵃ), then {@link vexpReduced} on r rounded to float32. Results below
 * the smallest normal float32 are 0, above the largest +∞; NaN stays NaN.
 */
@inline export function vexpWide(lo: v128, hi: v128): v128 {
  const top = f64x2.splat(88.72283)
  const bottom = f64x2.splat(-87.33654)
  const clo = f64x2.min(f64x2.max(lo, bottom), top)
  const chi = f64x2.min(f64x2.max(hi, bottom), top)
  const nlo = f64x2.nearest(f64x2.mul(clo, f64x2.splat(1.4426950408889634)))
  const nhi = f64x2.nearest(f64x2.mul(chi, f64x2.splat(1.4426950408889634)))
  const rlo = f64x2.sub(clo, f64x2.mul(nlo, f64x2.splat(0.6931471805599453)))
  const rhi = f64x2.sub(chi, f64x2.mul(nhi, f64x2.splat(0.6931471805599453)))
  const y = vexpReduced(join32(nlo, nhi), join32(rlo, rhi))
  const a = join32(lo, hi)
  return v128.bitselect(splat(0), v128.bitselect(splat(Infinity), y, f32x4.gt(a, splat(88.72283))), f32x4.lt(a, splat(-87.33654)))
}

/** eᵃ of one float64 a, by {@link vexpWide}. */
@inline export function exp1(a: f64): f32 {
  return f32x4.extract_lane(vexpWide(f64x2.splat(a), f64x2.splat(a)), 0)
}

/**
 * tanh x: for |x| < ½ its odd Taylor series to x¹⁵ (truncation below 1e-8 relative; tanh(−0) = −0),
 * else sign(x) (1 − 2 / (e^{2|x|} + 1)), where the subtraction loses at most a bit.
 */
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x)
  const e = vexp(f32x4.add(ax, ax))
  const far = f32x4.sub(splat(1), f32x4.div(splat(2), f32x4.add(e, splat(1))))
  const signed = v128.or(far, v128.and(x, i32x4.splat(0x80000000)))
  const x2 = f32x4.mul(x, x)
  let p = splat(<f32>(-929569.0 / 638512875.0))
  p = f32x4.add(f32x4.mul(p, x2), splat(<f32>(21844.0 / 6081075.0)))
  p = f32x4.add(f32x4.mul(p, x2), splat(<f32>(-1382.0 / 155925.0)))
  p = f32x4.add(f32x4.mul(p, x2), splat(<f32>(62.0 / 2835.0)))
  p = f32x4.add(f32x4.mul(p, x2), splat(<f32>(-17.0 / 315.0)))
  p = f32x4.add(f32x4.mul(p, x2), splat(<f32>(2.0 / 15.0)))
  p = f32x4.add(f32x4.mul(p, x2), splat(<f32>(-1.0 / 3.0)))
  // x + x³p has x's sign, but sums to +0 at x = −0: x's sign bit put back keeps tanh(−0) = −0
  const near = v128.or(f32x4.add(x, f32x4.mul(f32x4.mul(x, x2), p)), v128.and(x, i32x4.splat(0x80000000)))
  return v128.bitselect(near, signed, f32x4.lt(ax, splat(0.5)))
}
