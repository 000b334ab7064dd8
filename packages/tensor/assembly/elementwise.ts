// Float32 elementwise ops in WebAssembly SIMD128, compiled by scripts/build-wasm.mjs into
// src/kernels/elementwise/module.generated.ts. The JavaScript side copies chunks of the operands into
// slots starting at `slots()`, runs one of these loops over the chunk and copies the result back; an
// operand already in the shared memory (an arena array) is read or written where it lies.
// Loops run over whole vectors: a slot holds a multiple of 4 floats, and the lanes past the chunk's
// end compute garbage that is never copied back (no float op traps), so there is no scalar tail.
// The JavaScript side (`slotsIn` in src/kernels/runtime/load.ts) therefore passes an operand in place
// only for whole vectors: the last n mod 4 floats of a call always go through the slots.
//
// neg, square, sqrt, relu, add, sub, mul and div are exact (each is one correctly rounded float32
// operation, which is also what the JavaScript loops produce after rounding their float64 result).
// exp, log, tanh and sigmoid are polynomial approximations (`fast`) within 1 (exp), 2 (tanh, sigmoid)
// and 3 (log) float32 ulps of the JavaScript loops, measured over every float32; lanes outside the fast
// loops' ranges (exp and sigmoid beyond |x| > 87.34, log of zeros, negatives, subnormals, ∞ and NaN) are
// recomputed by the careful per-vector functions (`refine`): NaN stays NaN, and infinities, signed zeros
// and the subnormal results of exp and sigmoid equal the JavaScript loops' bit for bit.

import { splat } from './math'

// Op codes are written here only: scripts/build-wasm.mjs reads each `@codes` table (the constants
// right under the tag) and writes it into src/kernels/elementwise/ops.generated.ts for the JavaScript side.
// @codes UNARY: unary op codes
const NEG = 0
const SQUARE = 1
const SQRT = 2
const EXP = 3
const LOG = 4
const TANH = 5
const SIGMOID = 6
const RELU = 7

// @codes BINARY: binary op codes
const ADD = 0
const SUB = 1
const MUL = 2
const DIV = 3
const RELU_GRAD = 4

/** Where the JavaScript side's slots may start: after the static data, 64-byte aligned. */
export function slots(): usize {
  return (__heap_base + 63) & ~(<usize>63)
}

/**
 * eˣ for two float64 lanes x (float32 values in [−104, −87.3365), where the result is a float32
 * subnormal or 0 below −103.97), as float64: Cody–Waite reduction with fdlibm's ln 2 split, Taylor
 * polynomial to r¹³ (truncation below 5e-18 relative), scaled by 2ⁿ exactly (a normal float64).
 * Rounded once to float32 it equals `Math.fround(Math.exp(x))` bit for bit, barring a float64 result
 * within 1e-16 relative of a rounding midpoint of the subnormal grid (none among the 2.2 M float32
 * inputs of this range: the test checks them all).
 */
function expSubnormal2(x: v128): v128 {
  const n = f64x2.nearest(f64x2.mul(x, f64x2.splat(1.4426950408889634)))
  let r = f64x2.sub(x, f64x2.mul(n, f64x2.splat(6.93147180369123816490e-01)))
  r = f64x2.sub(r, f64x2.mul(n, f64x2.splat(1.90821492927058770002e-10)))
  let p = f64x2.splat(1.0 / 6227020800.0)
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 479001600.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0))
  // 2ⁿ: n + 1023 in the exponent field (n ≥ −151 here, so the field stays positive)
  const k = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(n))
  const scale = i64x2.shl(i64x2.add(k, i64x2.splat(1023)), 52)
  return f64x2.mul(p, scale)
}

/** y with the lanes flagged in `tail` recomputed, two at a time in float64, by {@link expSubnormal2} (out of line: rarely run). */
function expTail(x: v128, y: v128, tail: v128): v128 {
  // lanes outside the tail are clamped into it so that the scale stays a normal float64; their results are dropped
  const xc = f32x4.max(x, splat(-104))
  const lo = f32x4.demote_f64x2_zero(expSubnormal2(f64x2.promote_low_f32x4(xc)))
  const hi = f32x4.demote_f64x2_zero(expSubnormal2(f64x2.promote_low_f32x4(i8x16.shuffle(xc, xc, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7))))
  const both = i8x16.shuffle(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
  return v128.bitselect(both, y, tail)
}

/** y with its lanes where x is in [−104, −87.3365) replaced by eˣ from {@link expTail}. */
@inline function withTail(x: v128, y: v128): v128 {
  const tail = v128.and(f32x4.lt(x, splat(-87.33654)), f32x4.ge(x, splat(-104)))
  return v128.any_true(tail) ? expTail(x, y, tail) : y
}

/**
 * ln x: x = m · 2ᵉ with m in [√½, √2) (subnormals scaled by 2²³ first), ln m = 2 atanh s with
 * s = (m − 1)/(m + 1), |s| ≤ 0.172, by its odd series to s⁹ (truncation below 2e-9), plus e ln 2 in
 * two parts. ln 0 = −∞, ln of a negative number or NaN is NaN, ln ∞ = ∞.
 */
@inline function vlog(x: v128): v128 {
  const tiny = f32x4.lt(x, splat(1.17549435e-38))
  const xs = v128.bitselect(f32x4.mul(x, splat(8388608)), x, tiny)
  let e = i32x4.sub(i32x4.shr_u(xs, 23), i32x4.splat(127))
  let m = v128.or(v128.and(xs, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000))
  const big = f32x4.gt(m, splat(1.41421356))
  m = v128.bitselect(f32x4.mul(m, splat(0.5)), m, big)
  e = i32x4.sub(e, big) // big lanes are −1: e + 1
  e = v128.bitselect(i32x4.sub(e, i32x4.splat(23)), e, tiny)
  const s = f32x4.div(f32x4.sub(m, splat(1)), f32x4.add(m, splat(1)))
  const s2 = f32x4.mul(s, s)
  let p = splat(<f32>2 / 9)
  p = f32x4.add(f32x4.mul(p, s2), splat(<f32>2 / 7))
  p = f32x4.add(f32x4.mul(p, s2), splat(<f32>2 / 5))
  p = f32x4.add(f32x4.mul(p, s2), splat(<f32>2 / 3))
  p = f32x4.add(f32x4.mul(p, s2), splat(2))
  const ef = f32x4.convert_i32x4_s(e)
  let y = f32x4.add(f32x4.mul(p, s), f32x4.mul(ef, splat(-2.12194440e-4)))
  y = f32x4.add(y, f32x4.mul(ef, splat(0.693359375)))
  y = v128.bitselect(splat(-Infinity), y, f32x4.eq(x, splat(0)))
  y = v128.bitselect(splat(Infinity), y, f32x4.eq(x, splat(Infinity)))
  y = v128.bitselect(splat(NaN), y, f32x4.lt(x, splat(0)))
  return v128.bitselect(x, y, f32x4.ne(x, x))
}

// V8 (TurboFan, Node 20) builds a v128.const anew at each use inside a loop: three instructions, two of
// them on the shuffle port, per constant and vector, which made these loops three times slower than their
// arithmetic. A value it cannot see as a constant is computed once before the loop and kept in a register
// (when the loop's body is a block that every exit passes through: hence the do-while in `fast`). {@link held}
// makes such values: a constant's bits or'ed with `opaque`, which Binaryen cannot fold since it is an
// exported mutable global. It is never written.
export let opaque: i32 = 0

/** The four lanes of bits `c` as a value computed at run time (see {@link opaque}). */
@inline function held(c: i32): v128 {
  return i32x4.splat(c | opaque)
}

/** {@link held} for a float32 constant. */
@inline function heldF(c: f32): v128 {
  return held(reinterpret<i32>(c))
}

/** The reduction of {@link fast}: 1 / ln 2, 1.5·2²³ (adding it rounds to an integer), ln 2 in two parts. */
const LOG2E: f32 = 1.44269504
const ROUND: f32 = 12582912
const LN2_HI: f32 = 0.693359375 // 355 / 512: n·LN2_HI is exact for every n here (|n| ≤ 128)
const LN2_LO: f32 = -2.12194440e-4 // ln 2 − LN2_HI

/** P of {@link expm1Reduced}, the float32 nearest to each fitted coefficient. */
const P0: f32 = 0.4999999701976776
const P1: f32 = 0.16666533052921295
const P2: f32 = 0.04166724532842636
const P3: f32 = 0.00836785975843668
const P4: f32 = 0.0013882264029234648

/** The float32 bits of 87.33654: |x| at most this keeps eˣ and e⁻ˣ normal (within [1.18e-38, 8.51e37]). */
const EXP_LIMIT = 0x42aeac4f

/**
 * eʳ − 1 as r + r²·P(r) for |r| ≤ 0.3466 (plus the reduction's rounding), P of degree 4 fitted for
 * the least largest error relative to eʳ − 1 (1.5e-8 before rounding to float32).
 */
@inline function expm1Reduced(r: v128, p0: v128, p1: v128, p2: v128, p3: v128, p4: v128): v128 {
  let p = f32x4.add(f32x4.mul(p4, r), p3)
  p = f32x4.add(f32x4.mul(p, r), p2)
  p = f32x4.add(f32x4.mul(p, r), p1)
  p = f32x4.add(f32x4.mul(p, r), p0)
  return f32x4.add(r, f32x4.mul(f32x4.mul(r, r), p))
}

/**
 * The loop of exp, sigmoid, tanh or log (`op`, a constant at each call) over `end` bytes (at least one
 * vector). The first three reduce their exponent as a = n ln 2 + r: n = round(a / ln 2) by adding
 * 1.5·2²³ (`round`: its float32 spacing is 1, so the sum's low bits hold n), r = a − n ln 2 in two
 * parts (Cody–Waite: n·ln2hi and the first difference exact), eʳ − 1 by {@link expm1Reduced}, and 2ⁿ put into the exponent field by an integer
 * add of n·2²³. exp and sigmoid take that path for |x| ≤ 87.33654, log for positive normal finite x;
 * they return whether some lane was outside (NaN included), which {@link refine} then recomputes. tanh
 * needs no such lanes (its exponent is clamped) and returns false.
 * - exp: eˣ = 2ⁿ (1 + (eʳ − 1)).
 * - sigmoid: 1 / (1 + e⁻ˣ), with −x = −n ln 2 + r.
 * - tanh: |tanh x| = −expm1(u) / (2 + expm1(u)) for u = max(−2|x|, −20), with −expm1(u) =
 *   (1 − 2ⁿ) − 2ⁿ(eʳ − 1): no cancellation anywhere, so one formula serves small and large |x|
 *   (tanh 10 is 1 in float32); the sign is x's (tanh ±0 = ±0; NaN passes the clamp and stays NaN).
 * - log: {@link vlog}'s series on m = x / 2ᵉ in [√½, √2), with e taken from the bits of x less those of
 *   √½ (the 2²³ scaling of subnormals and the special values are left to {@link refine}).
 */
@inline function fast(op: i32, end: usize, x: usize, y: usize): bool {
  const log2e = heldF(LOG2E)
  const round = heldF(ROUND)
  const ln2hi = heldF(LN2_HI)
  const ln2lo = heldF(LN2_LO)
  const p0 = heldF(P0)
  const p1 = heldF(P1)
  const p2 = heldF(P2)
  const p3 = heldF(P3)
  const p4 = heldF(P4)
  const one = heldF(1)
  const two = heldF(2)
  const minusTwo = heldF(-2)
  const floor = heldF(-20)
  const magnitude = held(0x7fffffff)
  const limit = held(EXP_LIMIT)
  const smallest = held(0x00800000) // 1.18e-38, the smallest normal float32
  const largest = held(0x7f7fffff) // 3.40e38, the largest finite float32
  const halfRoot = held(0x3f3504f3) // √½
  const q1 = heldF(<f32>2 / 3)
  const q2 = heldF(<f32>2 / 5)
  const q3 = heldF(<f32>2 / 7)
  const q4 = heldF(<f32>2 / 9)
  let bad = i32x4.splat(0)
  if (end == 0) return false
  // a do-while: V8 moves the constants out of a loop only from a block that every exit passes through
  let o: usize = 0
  do {
    const v = v128.load(x + o)
    const a = v128.and(v, magnitude) // |x|
    let out: v128
    if (op == TANH) {
      const u = f32x4.pmax(f32x4.mul(a, minusTwo), floor)
      const t = f32x4.add(f32x4.mul(u, log2e), round)
      const n = f32x4.sub(t, round)
      const r = f32x4.sub(f32x4.sub(u, f32x4.mul(n, ln2hi)), f32x4.mul(n, ln2lo))
      const scale = i32x4.add(i32x4.shl(t, 23), one) // 2ⁿ, n in [−29, 0]
      const m = f32x4.sub(f32x4.sub(one, scale), f32x4.mul(scale, expm1Reduced(r, p0, p1, p2, p3, p4)))
      out = v128.or(f32x4.div(m, f32x4.sub(two, m)), v128.andnot(v, magnitude))
    } else if (op == LOG) {
      // x = m·2ᵉ with m in [√½, √2): e from the bits of x over those of √½
      bad = v128.or(bad, v128.or(i32x4.lt_s(v, smallest), i32x4.gt_s(v, largest)))
      const e = i32x4.shr_s(i32x4.sub(v, halfRoot), 23)
      const m = i32x4.sub(v, i32x4.shl(e, 23))
      const s = f32x4.div(f32x4.sub(m, one), f32x4.add(m, one))
      const s2 = f32x4.mul(s, s)
      let p = f32x4.add(f32x4.mul(q4, s2), q3)
      p = f32x4.add(f32x4.mul(p, s2), q2)
      p = f32x4.add(f32x4.mul(p, s2), q1)
      p = f32x4.add(f32x4.mul(p, s2), two)
      const ef = f32x4.convert_i32x4_s(e)
      out = f32x4.add(f32x4.add(f32x4.mul(p, s), f32x4.mul(ef, ln2lo)), f32x4.mul(ef, ln2hi))
    } else {
      bad = v128.or(bad, i32x4.gt_s(a, limit))
      const t = f32x4.add(f32x4.mul(v, log2e), round)
      const n = f32x4.sub(t, round)
      if (op == EXP) {
        const r = f32x4.sub(f32x4.sub(v, f32x4.mul(n, ln2hi)), f32x4.mul(n, ln2lo))
        out = i32x4.add(f32x4.add(one, expm1Reduced(r, p0, p1, p2, p3, p4)), i32x4.shl(t, 23))
      } else {
        // e⁻ˣ = 2⁻ⁿ eʳ with r = n ln 2 − x (the first difference exact, as above)
        const r = f32x4.add(f32x4.sub(f32x4.mul(n, ln2hi), v), f32x4.mul(n, ln2lo))
        const e = i32x4.sub(f32x4.add(one, expm1Reduced(r, p0, p1, p2, p3, p4)), i32x4.shl(t, 23))
        out = f32x4.div(one, f32x4.add(one, e))
      }
    }
    v128.store(y + o, out)
    o += 16
  } while (o < end)
  return v128.any_true(bad)
}

/**
 * After {@link fast}: the lanes of y outside its range (exp and sigmoid: |x| > 87.33654 or NaN; log:
 * x not a positive normal finite float32) recomputed by {@link careful} or {@link vlog}; the other
 * lanes keep their bits, so a lane's result never depends on its neighbours. Reads x again: y must
 * not overlap x (the JavaScript side declines such calls).
 */
function refine(op: i32, end: usize, x: usize, y: usize): void {
  for (let o: usize = 0; o < end; o += 16) {
    const v = v128.load(x + o)
    const out = op == LOG
      ? v128.or(i32x4.lt_s(v, i32x4.splat(0x00800000)), i32x4.gt_s(v, i32x4.splat(0x7f7fffff)))
      : i32x4.gt_s(f32x4.abs(v), i32x4.splat(EXP_LIMIT))
    if (v128.any_true(out)) v128.store(y + o, v128.bitselect(op == LOG ? carefulLog(v, out) : careful(op, v), v128.load(y + o), out))
  }
}

/**
 * ln x for the lanes `out` of {@link refine}: when every one of them is negative or NaN (log of a
 * signed array), NaN (x itself for NaN, keeping its bits) without {@link vlog}'s arithmetic; else vlog.
 */
@inline function carefulLog(x: v128, out: v128): v128 {
  // x < 0 and NaN are the lanes not needing vlog (−0 is not one: ln −0 = −∞)
  const nan = v128.or(f32x4.lt(x, splat(0)), f32x4.ne(x, x))
  return v128.any_true(v128.andnot(out, nan)) ? vlog(x) : v128.bitselect(x, splat(NaN), f32x4.ne(x, x))
}

/**
 * exp or sigmoid where |x| > 87.33654 or x is NaN, as the JavaScript loops give them: NaN stays NaN;
 * above 88.72283 eˣ is +∞, and from 87.33654 up to there {@link fast}'s arithmetic with 2ⁿ applied as
 * 2ⁿ⁻¹ and then 2 (n = 128 does not fit the exponent field), the same bits it would give; σ is 1 above
 * 87.33654 (1 / (1 + e⁻ˣ) is 1 in float32 from x = 17.33); below, both are eˣ: a subnormal from
 * {@link expTail} down to −104, and 0 below.
 */
@inline function careful(op: i32, x: v128): v128 {
  const above = f32x4.gt(x, splat(0))
  let y = v128.and(op == EXP ? splat(Infinity) : splat(1), above)
  if (op == EXP) {
    const near = v128.and(above, f32x4.le(x, splat(88.72283)))
    const t = f32x4.add(f32x4.mul(x, splat(LOG2E)), splat(ROUND))
    const n = f32x4.sub(t, splat(ROUND))
    const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, splat(LN2_HI))), f32x4.mul(n, splat(LN2_LO)))
    const q = expm1Reduced(r, splat(P0), splat(P1), splat(P2), splat(P3), splat(P4))
    const p = i32x4.add(f32x4.add(splat(1), q), i32x4.shl(f32x4.sub(t, splat(1)), 23))
    y = v128.bitselect(f32x4.mul(p, splat(2)), y, near)
  }
  return withTail(x, v128.bitselect(x, y, f32x4.ne(x, x)))
}

/** y = op(x) over n elements (rounded up to whole vectors). */
export function unary(op: i32, n: i32, x: usize, y: usize): void {
  const end = <usize>((n + 3) & ~3) << 2
  switch (op) {
    case NEG: for (let o: usize = 0; o < end; o += 16) v128.store(y + o, f32x4.neg(v128.load(x + o))); break
    case SQUARE: for (let o: usize = 0; o < end; o += 16) {
      const v = v128.load(x + o)
      v128.store(y + o, f32x4.mul(v, v))
    } break
    case SQRT: for (let o: usize = 0; o < end; o += 16) v128.store(y + o, f32x4.sqrt(v128.load(x + o))); break
    // the fast loops leave lanes out of their range wrong and say so: those are recomputed after
    case EXP: if (fast(EXP, end, x, y)) refine(EXP, end, x, y); break
    case LOG: if (fast(LOG, end, x, y)) refine(LOG, end, x, y); break
    case TANH: fast(TANH, end, x, y); break
    case SIGMOID: if (fast(SIGMOID, end, x, y)) refine(SIGMOID, end, x, y); break
    // x where x ≤ 0 is false (x > 0 or NaN, bits kept), else +0 (−0 included), as the JavaScript loop
    // does: three instructions where V8's f32x4.max takes eight
    case RELU: for (let o: usize = 0; o < end; o += 16) {
      const v = v128.load(x + o)
      v128.store(y + o, v128.andnot(v, f32x4.le(v, splat(0))))
    } break
    default: unreachable()
  }
}

@inline function combine(op: i32, a: v128, b: v128): v128 {
  return op == ADD ? f32x4.add(a, b) : op == SUB ? f32x4.sub(a, b) : op == MUL ? f32x4.mul(a, b)
    : op == DIV ? f32x4.div(a, b)
    // relu's gradient: a where b > 0, else +0 (the lanes' bits kept or cleared, as the JavaScript loop)
    : v128.and(a, f32x4.gt(b, f32x4.splat(0)))
}

/**
 * out = a op b over n elements, where `a` and `b` are slot addresses, or 0 for the scalar operand
 * given in `scalar` (at most one of them).
 */
export function binary(op: i32, n: i32, a: usize, b: usize, scalar: f32, out: usize): void {
  const end = <usize>((n + 3) & ~3) << 2
  const s = splat(scalar)
  if (a == 0) {
    switch (op) {
      case ADD: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(ADD, s, v128.load(b + o))); break
      case SUB: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(SUB, s, v128.load(b + o))); break
      case MUL: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(MUL, s, v128.load(b + o))); break
      case DIV: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(DIV, s, v128.load(b + o))); break
      case RELU_GRAD: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(RELU_GRAD, s, v128.load(b + o))); break
      default: unreachable()
    }
  } else if (b == 0) {
    switch (op) {
      case ADD: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(ADD, v128.load(a + o), s)); break
      case SUB: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(SUB, v128.load(a + o), s)); break
      case MUL: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(MUL, v128.load(a + o), s)); break
      case DIV: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(DIV, v128.load(a + o), s)); break
      case RELU_GRAD: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(RELU_GRAD, v128.load(a + o), s)); break
      default: unreachable()
    }
  } else {
    switch (op) {
      case ADD: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(ADD, v128.load(a + o), v128.load(b + o))); break
      case SUB: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(SUB, v128.load(a + o), v128.load(b + o))); break
      case MUL: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(MUL, v128.load(a + o), v128.load(b + o))); break
      case DIV: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(DIV, v128.load(a + o), v128.load(b + o))); break
      case RELU_GRAD: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, combine(RELU_GRAD, v128.load(a + o), v128.load(b + o))); break
      default: unreachable()
    }
  }
}

// @codes REDUCE: reduction op codes
const SUM = 0
const MAX = 1
const MIN = 2

/**
 * Reduces the n floats at x: their sum in float64 (four running sums, one per lane, added up at the
 * end: the order differs from a loop's, so the float64 result may differ in its last bits), or
 * their maximum or minimum (NaN if any is NaN; a zero result may be +0 or −0 whatever the order of
 * the zeros: the JavaScript side takes the sign of the first).
 */
export function reduce(op: i32, n: i32, x: usize): f64 {
  const end = <usize>(n & ~3) << 2
  const stop = <usize>n << 2
  if (op == SUM) {
    let lo = f64x2.splat(0)
    let hi = f64x2.splat(0)
    for (let o: usize = 0; o < end; o += 16) {
      const v = v128.load(x + o)
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(v))
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)))
    }
    let s = (f64x2.extract_lane(lo, 0) + f64x2.extract_lane(hi, 0)) + (f64x2.extract_lane(lo, 1) + f64x2.extract_lane(hi, 1))
    for (let o = end; o < stop; o += 4) s += <f64>load<f32>(x + o)
    return s
  }
  // pmax/pmin (one instruction each, where V8's NaN-propagating max and min take eight) skip NaN, so
  // NaN is tracked on the side; their choice between +0 and −0 may differ from max's, which the
  // JavaScript side settles (it takes the sign of the row's first zero when the result is 0)
  let m = f32x4.splat(op == MAX ? -Infinity : Infinity)
  let nan = i32x4.splat(0)
  if (op == MAX) for (let o: usize = 0; o < end; o += 16) {
    const v = v128.load(x + o)
    m = f32x4.pmax(m, v)
    nan = v128.or(nan, f32x4.ne(v, v))
  } else for (let o: usize = 0; o < end; o += 16) {
    const v = v128.load(x + o)
    m = f32x4.pmin(m, v)
    nan = v128.or(nan, f32x4.ne(v, v))
  }
  if (v128.any_true(nan)) return NaN
  const a = f32x4.extract_lane(m, 0), b = f32x4.extract_lane(m, 1)
  const c = f32x4.extract_lane(m, 2), d = f32x4.extract_lane(m, 3)
  let r = op == MAX ? max<f32>(max<f32>(a, b), max<f32>(c, d)) : min<f32>(min<f32>(a, b), min<f32>(c, d))
  for (let o = end; o < stop; o += 4) r = op == MAX ? max<f32>(r, load<f32>(x + o)) : min<f32>(r, load<f32>(x + o))
  return <f64>r
}

/**
 * Column sums: acc[j] (float64) += x[r · count + j] for every row r < rows and column j < count,
 * each column adding its rows in order, exactly as a float64 loop over the rows does.
 */
export function sumColumns(rows: i32, count: i32, x: usize, acc: usize): void {
  const end = <usize>(count & ~3)
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>count) << 2)
    for (let j: usize = 0; j < end; j += 4) {
      const v = v128.load(row + (j << 2))
      const a = acc + (j << 3)
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v)))
      v128.store(a + 16, f64x2.add(v128.load(a + 16), f64x2.promote_low_f32x4(i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7))))
    }
    for (let j = end; j < <usize>count; j++) store<f64>(acc + (j << 3), load<f64>(acc + (j << 3)) + <f64>load<f32>(row + (j << 2)))
  }
}

/** The loop of {@link binaryRows} for one op and order (constants at each call, so each loop is specialized). */
@inline function rowsLoop(op: i32, swap: bool, rows: i32, n: i32, a: usize, b: usize, out: usize): void {
  const whole = <usize>(n & ~3) << 2
  const stop = <usize>n << 2
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * <usize>n) << 2
    for (let j: usize = 0; j < whole; j += 16) {
      const x = v128.load(a + o + j)
      const y = v128.load(b + j)
      v128.store(out + o + j, swap ? combine(op, y, x) : combine(op, x, y))
    }
    // the row's last n mod 4 floats one at a time, through the same lane arithmetic
    for (let j = whole; j < stop; j += 4) {
      const x = f32x4.splat(load<f32>(a + o + j))
      const y = f32x4.splat(load<f32>(b + j))
      store<f32>(out + o + j, f32x4.extract_lane(swap ? combine(op, y, x) : combine(op, x, y), 0))
    }
  }
}

/**
 * A row broadcast over the rows of an array (a bias add): out[r·n + j] = a[r·n + j] op b[j] for r < rows,
 * j < n, or b[j] op a[r·n + j] when `swap`; op one of add, sub, mul, div (each one correctly rounded
 * float32 operation, as the JavaScript loop). No load or store leaves a row of a or out, or b.
 */
export function binaryRows(op: i32, rows: i32, n: i32, a: usize, b: usize, out: usize, swap: i32): void {
  // add and mul commute (the same float32 result either way), so only sub and div read `swap`
  switch (op) {
    case ADD: rowsLoop(ADD, false, rows, n, a, b, out); break
    case MUL: rowsLoop(MUL, false, rows, n, a, b, out); break
    case SUB: if (swap != 0) rowsLoop(SUB, true, rows, n, a, b, out); else rowsLoop(SUB, false, rows, n, a, b, out); break
    case DIV: if (swap != 0) rowsLoop(DIV, true, rows, n, a, b, out); else rowsLoop(DIV, false, rows, n, a, b, out); break
    default: unreachable()
  }
}

// Threefry-2x32 (20 rounds) on four counters at a time: the generator behind every random draw (see
// src/internal/threefry.ts, whose JavaScript it matches bit for bit: integer arithmetic only).

/** One round: x0 += x1, x1 = rotl(x1, r) ^ x0. */
@inline function mix(x0: v128, x1: v128, r: i32): v128 {
  return v128.xor(v128.or(i32x4.shl(x1, r), i32x4.shr_u(x1, 32 - r)), x0)
}

/**
 * hi[i], lo[i] = threefry2x32([k0, k1], [0, start + i]) for i < n (counters below 2³²): the bits of element start + i
 * of a draw. n is a multiple of 4 or the last lanes' words are written past n (the slots have room).
 */
export function threefryBits(n: i32, k0: u32, k1: u32, start: u32, hi: usize, lo: usize): void {
  const k2 = k0 ^ k1 ^ 0x1bd11bda
  const vk0 = i32x4.splat(k0)
  const vk1 = i32x4.splat(k1)
  const vk2 = i32x4.splat(k2)
  const lanes = i32x4(0, 1, 2, 3)
  for (let i = 0; i < n; i += 4) {
    let x0 = vk0 // counterHi (0) + k0
    let x1 = i32x4.add(i32x4.add(i32x4.splat(start + <u32>i), lanes), vk1)
    // five groups of four rounds (rotations 13 15 26 6, then 17 29 16 24), a key injection after each
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 13)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 15)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 26)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 6)
    x0 = i32x4.add(x0, vk1); x1 = i32x4.add(x1, i32x4.add(vk2, i32x4.splat(1)))
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 17)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 29)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 16)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 24)
    x0 = i32x4.add(x0, vk2); x1 = i32x4.add(x1, i32x4.add(vk0, i32x4.splat(2)))
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 13)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 15)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 26)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 6)
    x0 = i32x4.add(x0, vk0); x1 = i32x4.add(x1, i32x4.add(vk1, i32x4.splat(3)))
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 17)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 29)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 16)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 24)
    x0 = i32x4.add(x0, vk1); x1 = i32x4.add(x1, i32x4.add(vk2, i32x4.splat(4)))
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 13)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 15)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 26)
    x0 = i32x4.add(x0, x1); x1 = mix(x0, x1, 6)
    x0 = i32x4.add(x0, vk2); x1 = i32x4.add(x1, i32x4.add(vk0, i32x4.splat(5)))
    const o = <usize>i << 2
    v128.store(hi + o, x0)
    v128.store(lo + o, x1)
  }
}
