// Vector math shared by the kernel modules (assembly/elementwise.ts, assembly/rows.ts): each module
// compiles in the functions it uses. Not a module of its own (no exports reach a build).

@inline export function splat(x: f32): v128 {
  return f32x4.splat(x)
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
