// Fused float32 kernels in WebAssembly SIMD128, compiled by scripts/build-wasm.mjs into
// src/kernels/rows/module.generated.ts and loaded by src/kernels/rows/wasm.ts with the first call that
// needs them (GELU, attention weights, layer and RMS norm, GRU and LSTM steps), so that bundles without
// those ops carry none of these bytes. The module has no static data and no scratch: the JavaScript side
// passes every operand's address (an arena array where it lies, or a copy staged for the call), so it needs
// no region of the memory layout. No load or store leaves an operand: loops run over whole vectors, and a
// scalar tail (through the same lane arithmetic) takes the last n mod 4 floats of an array or a row. The
// loops with long dependency chains (GELU, the softmax's exponentials, the cells, the norms' sums) take two
// or four independent vectors or rows an iteration, every value before any store, so that the chains overlap.
import { high64, join32, lanes64, low64, splat } from './math'

// V8 (TurboFan, Node 20) builds a v128.const anew at each use inside a loop (three instructions, two of
// them on the shuffle port), which made the exponentials here a quarter slower than their arithmetic. As in
// assembly/elementwise.ts, a kernel reads `opaque` once (an exported mutable global, so Binaryen cannot fold
// it; it is never written) and makes each constant from its bits or'ed with that zero (`heldF`, `heldI`,
// `heldD`): a value V8 computes once, before the loops, and keeps in a register or a stack slot. V8 moves
// such a value out of a loop only from a block that every exit of the loop passes through, so the outer loops
// around the ones that use constants (rows, batch) run their body first (do-while: they run at least once).
export let opaque: i32 = 0

/** The four lanes of float32 `c`, held (see {@link opaque}); `zero` is the kernel's read of `opaque`. */
@inline function heldF(zero: i32, c: f32): v128 {
  return i32x4.splat(reinterpret<i32>(c) | zero)
}

/** The four lanes of int32 bits `c`, held. */
@inline function heldI(zero: i32, c: i32): v128 {
  return i32x4.splat(c | zero)
}

/** The two lanes of float64 `c`, held. */
@inline function heldD(zero: i32, c: f64): v128 {
  return i64x2.splat(reinterpret<i64>(c) | <i64>zero)
}

// GELU in its tanh form, y = ½x(1 + tanh u) with u = c(x + a·x³), c = √(2/π), a = 0.044715, written
// as y = x·σ(2u) (1 + tanh u = 2σ(2u)), which has no cancellation where tanh u is near −1: from one
// e = e^{−2|u|} and s = 1/(1 + e), σ(2u) = s for u ≥ 0 (u has x's sign) and e·s below, and
// σ(2u)(1 − σ(2u)) = e·s². e = 2^t with t = −2|u|·log₂e = −|x|(k₁ + k₂x²), in float64 for every lane
// (exact to 1e-14: a float32 t would carry its rounding, amplified by |t| up to 126, into e), split as
// t = n + r with n an integer (the round-to-nearest of adding 1.5·2⁵² leaves n in the low bits) and
// |r| ≤ ½, then 2^r by a degree-6 minimax polynomial in float32 (relative error 1.9e-8) times 2ⁿ built
// in the exponent field. t is floored at −127, where 2ⁿ's bits are those of +0: e is 0 below about
// x = −10.04 (and for |x| = ∞), where it would be under the smallest normal float32. The forward pass
// takes x/(1 + 2^t) with t = −2u·log₂e signed instead (clamped to [−127, 128]: 2¹²⁸ is +∞, the result −0).
const GELU_C: f64 = 0.7978845608028654
const GELU_CA: f64 = 0.7978845608028654 * 0.044715
const GELU_K1: f64 = 2 * GELU_C * 1.4426950408889634
const GELU_K2: f64 = GELU_K1 * 0.044715
/** 1.5·2⁵²: t + this, rounded, holds round(t) in its low 32 bits. */
const ROUNDER: f64 = 6755399441055744.0
/** 2^r ≈ 1 + p1·r + … + p6·r⁶ on |r| ≤ ½. */
const P1: f32 = 0.6931471824645996
const P2: f32 = 0.24022650718688965
const P3: f32 = 0.05550327152013779
const P4: f32 = 0.009618056938052177
const P5: f32 = 0.0013400427997112274
const P6: f32 = 0.00015461444854736328
/** The gradient's 2c and 6ca. */
const TWO_C: f32 = <f32>(2 * GELU_C)
const SIX_CA: f32 = <f32>(6 * GELU_CA)
/** x² capped where e is 0 anyway, so that 0·∞ never arises. */
const SQUARE_MAX: f32 = 1e6
const LOG2E: f64 = 1.4426950408889634

/** −x(k₁ + k₂x²) = −2u·log₂e for two float64 lanes of x. */
@inline function geluExponent(x: v128, zero: i32): v128 {
  return f64x2.mul(x, f64x2.sub(heldD(zero, -GELU_K1), f64x2.mul(heldD(zero, GELU_K2), f64x2.mul(x, x))))
}

/** 2^t (float32) for t in two float64 halves, each in [−127, 128]. */
@inline function pow2(tlo: v128, thi: v128, zero: i32): v128 {
  const round = heldD(zero, ROUNDER)
  const klo = f64x2.add(tlo, round)
  const khi = f64x2.add(thi, round)
  const r = join32(f64x2.sub(tlo, f64x2.sub(klo, round)), f64x2.sub(thi, f64x2.sub(khi, round)))
  const n = i8x16.shuffle(klo, khi, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27)
  let p = f32x4.add(f32x4.mul(heldF(zero, P6), r), heldF(zero, P5))
  p = f32x4.add(f32x4.mul(p, r), heldF(zero, P4))
  p = f32x4.add(f32x4.mul(p, r), heldF(zero, P3))
  p = f32x4.add(f32x4.mul(p, r), heldF(zero, P2))
  p = f32x4.add(f32x4.mul(p, r), heldF(zero, P1))
  p = f32x4.add(f32x4.mul(p, r), heldF(zero, 1))
  return f32x4.mul(p, i32x4.add(i32x4.shl(n, 23), heldI(zero, 127 << 23)))
}

/**
 * x·σ(2u) = x/(1 + e^{−2u}) for the four lanes of x, with e^{−2u} = 2^t, t = −x(k₁ + k₂x²) clamped to
 * [−127, 128]: 0 at −127 (x > 10.04: y = x), +∞ at 128 (x < −10.04: y = −0).
 */
@inline function vgelu(x: v128, zero: i32): v128 {
  const floor = heldD(zero, -127)
  const ceiling = heldD(zero, 128)
  const tlo = f64x2.pmin(f64x2.pmax(geluExponent(low64(x), zero), floor), ceiling)
  const thi = f64x2.pmin(f64x2.pmax(geluExponent(high64(x), zero), floor), ceiling)
  const e = pow2(tlo, thi, zero)
  const one = heldF(zero, 1)
  return f32x4.mul(x, f32x4.div(one, f32x4.add(one, e)))
}

/** e = e^{−2|u|} = 2^t, t = −|x|(k₁ + k₂x²) floored at −127, for the four lanes of x. */
@inline function geluE(x: v128, zero: i32): v128 {
  const ax = f32x4.abs(x)
  const tlo = f64x2.pmax(geluExponent(low64(ax), zero), heldD(zero, -127))
  const thi = f64x2.pmax(geluExponent(high64(ax), zero), heldD(zero, -127))
  return pow2(tlo, thi, zero)
}

/**
 * y = gelu(x) over n floats (y must not overlap x). ±0 keep their sign, +∞ gives +∞, NaN and −∞ give NaN
 * (as the JavaScript loops: −∞·0).
 */
export function gelu(n: i32, x: usize, y: usize): void {
  const zero = opaque
  const whole = <usize>(n & ~3) << 2
  const stop = <usize>n << 2
  // four vectors an iteration: their long chains (the polynomial, the division) overlap (1.5× over one)
  const quads = whole & ~63
  for (let o: usize = 0; o < quads; o += 64) {
    const a = vgelu(v128.load(x + o), zero)
    const b = vgelu(v128.load(x + o + 16), zero)
    const c = vgelu(v128.load(x + o + 32), zero)
    const d = vgelu(v128.load(x + o + 48), zero)
    v128.store(y + o, a)
    v128.store(y + o + 16, b)
    v128.store(y + o + 32, c)
    v128.store(y + o + 48, d)
  }
  for (let o: usize = quads; o < whole; o += 16) v128.store(y + o, vgelu(v128.load(x + o), zero))
  for (let o = whole; o < stop; o += 4) store<f32>(y + o, f32x4.extract_lane(vgelu(f32x4.splat(load<f32>(x + o)), zero), 0))
}

/**
 * g·gelu′(x) for four lanes, gelu′(x) = σ + 2x·e·s²·c(1 + 3a·x²), with x·e first: it is 0 wherever e is
 * (|x| > 10.04, so no ∞·0 from a large x) and NaN for ±∞ and NaN, as the JavaScript loops.
 */
@inline function vgeluGrad(g: v128, x: v128, zero: i32): v128 {
  const e = geluE(x, zero)
  const one = heldF(zero, 1)
  const s = f32x4.div(one, f32x4.add(one, e))
  const sigma = v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, splat(0)))
  const du = f32x4.add(heldF(zero, TWO_C), f32x4.mul(heldF(zero, SIX_CA), f32x4.pmin(f32x4.mul(x, x), heldF(zero, SQUARE_MAX))))
  return f32x4.mul(g, f32x4.add(sigma, f32x4.mul(f32x4.mul(f32x4.mul(x, e), f32x4.mul(s, s)), du)))
}

/** out = g·gelu′(x) over n floats (out must overlap neither g nor x). */
export function geluGrad(n: i32, g: usize, x: usize, out: usize): void {
  const zero = opaque
  const whole = <usize>(n & ~3) << 2
  const stop = <usize>n << 2
  // four vectors an iteration: their long chains (the polynomial, the division) overlap (1.2–1.3× over one)
  const quads = whole & ~63
  for (let o: usize = 0; o < quads; o += 64) {
    const a = vgeluGrad(v128.load(g + o), v128.load(x + o), zero)
    const b = vgeluGrad(v128.load(g + o + 16), v128.load(x + o + 16), zero)
    const c = vgeluGrad(v128.load(g + o + 32), v128.load(x + o + 32), zero)
    const d = vgeluGrad(v128.load(g + o + 48), v128.load(x + o + 48), zero)
    v128.store(out + o, a)
    v128.store(out + o + 16, b)
    v128.store(out + o + 32, c)
    v128.store(out + o + 48, d)
  }
  for (let o: usize = quads; o < whole; o += 16) v128.store(out + o, vgeluGrad(v128.load(g + o), v128.load(x + o), zero))
  for (let o = whole; o < stop; o += 4) {
    const d = vgeluGrad(f32x4.splat(load<f32>(g + o)), f32x4.splat(load<f32>(x + o)), zero)
    store<f32>(out + o, f32x4.extract_lane(d, 0))
  }
}

// Row operations (attention weights, layer and RMS norm), over `rows` rows of `n` floats one after
// another. Sums and the normalizations' arithmetic are float64 (two lanes at a time), as in the
// JavaScript loops; only the softmax's exponentials are float32 (their exponent reduced in float64).

/**
 * Masked scaled softmax: row q (absolute index first + r) of s [batch, heads, n, n] is query i = q mod n
 * of batch b = q / (heads·n); key j takes part when j ≤ i (if causal) and mask[b·n + j] == 1 (if mask is
 * not 0: bytes [batch, n]). p = e^{(s − max)·scale} / Σ over the allowed keys, the others exactly 0; a row
 * with no allowed key is all 0; a NaN among the allowed scores, or all of them −∞, gives NaN weights
 * (NaN · the masked zeros too, as the JavaScript loop).
 */
export function softmaxRows(first: i32, rows: i32, n: i32, heads: i32, s: usize, p: usize, scale: f64, causal: i32, mask: usize): void {
  if (rows <= 0) return
  const zero = opaque
  const floor = heldD(zero, -127)
  // e^{(v − max)·scale} = 2^t, t = (v − max)·scale·log₂e in float64 (floored at −127: 0 below the normals)
  const wscale = f64x2.splat(scale * LOG2E)
  const iota = v128.or(i32x4(0, 1, 2, 3), i32x4.splat(zero))
  const none = heldF(zero, -Infinity)
  const one = heldI(zero, 1)
  const whole = n & ~3
  let r = 0
  do {
    const q = first + r
    const i = q % n
    const end = causal != 0 ? i + 1 : n
    const m: usize = mask == 0 ? 0 : mask + <usize>((q / (heads * n)) * n)
    const row = s + (<usize>r * <usize>n << 2)
    const out = p + (<usize>r * <usize>n << 2)
    // vectors from `reach` on lie past the causal end: their weights are 0 and nothing is computed there
    const reach = min<i32>(whole, (end + 3) & ~3)
    // pass 1: the maximum over the allowed keys, and whether there is one
    let mx = none
    let any = i32x4.splat(0)
    for (let j = 0; j < reach; j += 4) {
      let ok = i32x4.lt_s(i32x4.add(iota, i32x4.splat(j)), i32x4.splat(end))
      if (m != 0) ok = v128.and(ok, i32x4.eq(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(m + j))), one))
      mx = f32x4.max(mx, v128.bitselect(v128.load(row + (<usize>j << 2)), none, ok))
      any = v128.or(any, ok)
    }
    let top = max<f32>(max<f32>(f32x4.extract_lane(mx, 0), f32x4.extract_lane(mx, 1)), max<f32>(f32x4.extract_lane(mx, 2), f32x4.extract_lane(mx, 3)))
    let allowed = v128.any_true(any)
    for (let j = whole; j < n; j++) {
      if (j >= end || (m != 0 && load<u8>(m + j) != 1)) continue
      allowed = true
      top = max<f32>(top, load<f32>(row + (<usize>j << 2))) // Wasm's max: NaN if either is
    }
    // a row with no allowed key runs the passes below with every key masked out: its exponentials are 0,
    // and so are its weights (inv = 0), with no branch around the loops that use the constants
    if (top == -Infinity) top = NaN
    // pass 2: the exponentials of the allowed keys (0 elsewhere) and their sum
    const wmax = f64x2.splat(<f64>top)
    let total = splat(0)
    for (let j = reach; j < whole; j += 4) v128.store(out + (<usize>j << 2), splat(0))
    // two vectors an iteration, both computed before either is stored: their chains overlap
    const pairs = reach & ~7
    for (let j = 0; j < pairs; j += 8) {
      let ok = i32x4.lt_s(i32x4.add(iota, i32x4.splat(j)), i32x4.splat(end))
      let ok2 = i32x4.lt_s(i32x4.add(iota, i32x4.splat(j + 4)), i32x4.splat(end))
      if (m != 0) {
        ok = v128.and(ok, i32x4.eq(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(m + j))), one))
        ok2 = v128.and(ok2, i32x4.eq(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(m + j + 4))), one))
      }
      const v = v128.load(row + (<usize>j << 2))
      const v2 = v128.load(row + (<usize>j << 2), 16)
      const tlo = f64x2.pmax(f64x2.mul(f64x2.sub(low64(v), wmax), wscale), floor)
      const thi = f64x2.pmax(f64x2.mul(f64x2.sub(high64(v), wmax), wscale), floor)
      const tlo2 = f64x2.pmax(f64x2.mul(f64x2.sub(low64(v2), wmax), wscale), floor)
      const thi2 = f64x2.pmax(f64x2.mul(f64x2.sub(high64(v2), wmax), wscale), floor)
      const e = v128.and(pow2(tlo, thi, zero), ok)
      const e2 = v128.and(pow2(tlo2, thi2, zero), ok2)
      v128.store(out + (<usize>j << 2), e)
      v128.store(out + (<usize>j << 2), e2, 16)
      total = f32x4.add(f32x4.add(total, e), e2)
    }
    for (let j = pairs; j < reach; j += 4) {
      let ok = i32x4.lt_s(i32x4.add(iota, i32x4.splat(j)), i32x4.splat(end))
      if (m != 0) ok = v128.and(ok, i32x4.eq(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(m + j))), one))
      const v = v128.load(row + (<usize>j << 2))
      const tlo = f64x2.pmax(f64x2.mul(f64x2.sub(low64(v), wmax), wscale), floor)
      const thi = f64x2.pmax(f64x2.mul(f64x2.sub(high64(v), wmax), wscale), floor)
      const e = v128.and(pow2(tlo, thi, zero), ok)
      v128.store(out + (<usize>j << 2), e)
      total = f32x4.add(total, e)
    }
    let sum = (f32x4.extract_lane(total, 0) + f32x4.extract_lane(total, 1)) + (f32x4.extract_lane(total, 2) + f32x4.extract_lane(total, 3))
    for (let j = whole; j < n; j++) {
      let e: f32 = 0
      if (j < end && (m == 0 || load<u8>(m + j) == 1)) {
        const t = f64x2.pmax(f64x2.mul(f64x2.splat(<f64>load<f32>(row + (<usize>j << 2)) - <f64>top), wscale), floor)
        e = f32x4.extract_lane(pow2(t, t, zero), 0)
      }
      store<f32>(out + (<usize>j << 2), e)
      sum += e
    }
    // pass 3: divided by the sum up to the causal end (past it the weights stay 0)
    const inv = splat(allowed ? <f32>1 / sum : 0)
    for (let j = 0; j < reach; j += 4) {
      const ok = i32x4.lt_s(i32x4.add(iota, i32x4.splat(j)), i32x4.splat(end))
      const at = out + (<usize>j << 2)
      v128.store(at, v128.and(f32x4.mul(v128.load(at), inv), ok))
    }
    for (let j = whole; j < end; j++) store<f32>(out + (<usize>j << 2), load<f32>(out + (<usize>j << 2)) * f32x4.extract_lane(inv, 0))
    r++
  } while (r < rows)
}

/** ds = scale·p⊙(g − ⟨g, p⟩) row by row, in float64 as the JavaScript loop (the dot product summed in two lanes). */
export function softmaxGradRows(rows: i32, n: i32, g: usize, p: usize, ds: usize, scale: f64): void {
  const whole = n & ~3
  const vscale = f64x2.splat(scale)
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * <usize>n << 2
    let acc = f64x2.splat(0)
    for (let j = 0; j < whole; j += 4) {
      const gv = v128.load(g + o + (<usize>j << 2))
      const pv = v128.load(p + o + (<usize>j << 2))
      acc = f64x2.add(acc, f64x2.mul(low64(gv), low64(pv)))
      acc = f64x2.add(acc, f64x2.mul(high64(gv), high64(pv)))
    }
    let dot = lanes64(acc)
    for (let j = whole; j < n; j++) dot += <f64>load<f32>(g + o + (<usize>j << 2)) * <f64>load<f32>(p + o + (<usize>j << 2))
    const vdot = f64x2.splat(dot)
    for (let j = 0; j < whole; j += 4) {
      const gv = v128.load(g + o + (<usize>j << 2))
      const pv = v128.load(p + o + (<usize>j << 2))
      const lo = f64x2.mul(f64x2.mul(vscale, low64(pv)), f64x2.sub(low64(gv), vdot))
      const hi = f64x2.mul(f64x2.mul(vscale, high64(pv)), f64x2.sub(high64(gv), vdot))
      v128.store(ds + o + (<usize>j << 2), join32(lo, hi))
    }
    for (let j = whole; j < n; j++) {
      const at = o + (<usize>j << 2)
      store<f32>(ds + at, <f32>(scale * <f64>load<f32>(p + at) * (<f64>load<f32>(g + at) - dot)))
    }
  }
}

// μ and r of two rows at once (rowStats2), each in the order one row alone would take (its sum, then its squares):
// the two rows' accumulations are independent chains that overlap, and each row keeps its bits.
let muA: f64 = 0
let rA: f64 = 0
let muB: f64 = 0
let rB: f64 = 0

/** μ (0 unless `center`) and r = 1/√(mean((x − μ)²) + eps) of the rows of n floats at xa and xb, into muA, rA, muB, rB. */
@inline function rowStats2(xa: usize, xb: usize, n: i32, eps: f64, center: i32): void {
  const whole = n & ~3
  let ma: f64 = 0
  let mb: f64 = 0
  if (center != 0) {
    let a = f64x2.splat(0)
    let b = f64x2.splat(0)
    for (let j = 0; j < whole; j += 4) {
      const va = v128.load(xa + (<usize>j << 2))
      const vb = v128.load(xb + (<usize>j << 2))
      a = f64x2.add(a, f64x2.add(low64(va), high64(va)))
      b = f64x2.add(b, f64x2.add(low64(vb), high64(vb)))
    }
    let sa = lanes64(a)
    let sb = lanes64(b)
    for (let j = whole; j < n; j++) {
      sa += <f64>load<f32>(xa + (<usize>j << 2))
      sb += <f64>load<f32>(xb + (<usize>j << 2))
    }
    ma = sa / <f64>n
    mb = sb / <f64>n
  }
  const vma = f64x2.splat(ma)
  const vmb = f64x2.splat(mb)
  let a = f64x2.splat(0)
  let b = f64x2.splat(0)
  for (let j = 0; j < whole; j += 4) {
    const va = v128.load(xa + (<usize>j << 2))
    const vb = v128.load(xb + (<usize>j << 2))
    const a0 = f64x2.sub(low64(va), vma)
    const a1 = f64x2.sub(high64(va), vma)
    const b0 = f64x2.sub(low64(vb), vmb)
    const b1 = f64x2.sub(high64(vb), vmb)
    a = f64x2.add(a, f64x2.add(f64x2.mul(a0, a0), f64x2.mul(a1, a1)))
    b = f64x2.add(b, f64x2.add(f64x2.mul(b0, b0), f64x2.mul(b1, b1)))
  }
  let qa = lanes64(a)
  let qb = lanes64(b)
  for (let j = whole; j < n; j++) {
    const da = <f64>load<f32>(xa + (<usize>j << 2)) - ma
    const db = <f64>load<f32>(xb + (<usize>j << 2)) - mb
    qa += da * da
    qb += db * db
  }
  muA = ma
  muB = mb
  rA = 1 / Math.sqrt(qa / <f64>n + eps)
  rB = 1 / Math.sqrt(qb / <f64>n + eps)
}

/** y = (x − mu)·rr over the row of n floats at x. */
@inline function normalizeRow(x: usize, y: usize, n: i32, mu: f64, rr: f64): void {
  const whole = n & ~3
  const vmu = f64x2.splat(mu)
  const vr = f64x2.splat(rr)
  for (let j = 0; j < whole; j += 4) {
    const v = v128.load(x + (<usize>j << 2))
    v128.store(y + (<usize>j << 2), join32(f64x2.mul(f64x2.sub(low64(v), vmu), vr), f64x2.mul(f64x2.sub(high64(v), vmu), vr)))
  }
  for (let j = whole; j < n; j++) store<f32>(y + (<usize>j << 2), <f32>((<f64>load<f32>(x + (<usize>j << 2)) - mu) * rr))
}

/**
 * Row normalization, x̂ = (x − μ)·r with r = 1/√(mean((x − μ)²) + eps), μ the row mean when `center`
 * (layer norm) else 0 (RMS norm); float64 arithmetic rounded once, as the JavaScript loop; two rows at a time
 * (a last odd row as a pair with itself), each with one row's bits.
 */
export function normRows(rows: i32, n: i32, x: usize, y: usize, eps: f64, center: i32): void {
  const bytes = <usize>n << 2
  for (let r = 0; r < rows; r += 2) {
    const o = <usize>r * bytes
    const p = r + 1 < rows ? o + bytes : o // the second row, or the first again
    rowStats2(x + o, x + p, n, eps, center)
    normalizeRow(x + o, y + o, n, muA, rA)
    if (p != o) normalizeRow(x + p, y + p, n, muB, rB)
  }
}

// Σg and Σg·(x − μ) of two rows at once (gradSums2), each in the order one row takes.
let sgA: f64 = 0
let sgxA: f64 = 0
let sgB: f64 = 0
let sgxB: f64 = 0

/** Σg and Σg·(x − μ) over the rows of n floats at (ga, xa) and (gb, xb), into sgA, sgxA, sgB, sgxB. */
@inline function gradSums2(ga: usize, xa: usize, gb: usize, xb: usize, n: i32, mua: f64, mub: f64): void {
  const whole = n & ~3
  const vma = f64x2.splat(mua)
  const vmb = f64x2.splat(mub)
  let sa = f64x2.splat(0)
  let xa2 = f64x2.splat(0)
  let sb = f64x2.splat(0)
  let xb2 = f64x2.splat(0)
  for (let j = 0; j < whole; j += 4) {
    const gva = v128.load(ga + (<usize>j << 2))
    const xva = v128.load(xa + (<usize>j << 2))
    const gvb = v128.load(gb + (<usize>j << 2))
    const xvb = v128.load(xb + (<usize>j << 2))
    const gla = low64(gva)
    const gha = high64(gva)
    const glb = low64(gvb)
    const ghb = high64(gvb)
    sa = f64x2.add(sa, f64x2.add(gla, gha))
    sb = f64x2.add(sb, f64x2.add(glb, ghb))
    xa2 = f64x2.add(xa2, f64x2.add(f64x2.mul(gla, f64x2.sub(low64(xva), vma)), f64x2.mul(gha, f64x2.sub(high64(xva), vma))))
    xb2 = f64x2.add(xb2, f64x2.add(f64x2.mul(glb, f64x2.sub(low64(xvb), vmb)), f64x2.mul(ghb, f64x2.sub(high64(xvb), vmb))))
  }
  let a = lanes64(sa)
  let ax = lanes64(xa2)
  let b = lanes64(sb)
  let bx = lanes64(xb2)
  for (let j = whole; j < n; j++) {
    const gj = <f64>load<f32>(ga + (<usize>j << 2))
    a += gj
    ax += gj * (<f64>load<f32>(xa + (<usize>j << 2)) - mua)
    const hj = <f64>load<f32>(gb + (<usize>j << 2))
    b += hj
    bx += hj * (<f64>load<f32>(xb + (<usize>j << 2)) - mub)
  }
  sgA = a
  sgxA = ax
  sgB = b
  sgxB = bx
}

/** dx = r·(g − a − (x − μ)·r·b) over the row of n floats, evaluated as the JavaScript loop: ((x − μ)·r)·b. */
@inline function gradRow(g: usize, x: usize, dx: usize, n: i32, mu: f64, rr: f64, a: f64, b: f64): void {
  const whole = n & ~3
  const vmu = f64x2.splat(mu)
  const va = f64x2.splat(a)
  const vr = f64x2.splat(rr)
  const vb = f64x2.splat(b)
  for (let j = 0; j < whole; j += 4) {
    const gv = v128.load(g + (<usize>j << 2))
    const xv = v128.load(x + (<usize>j << 2))
    const lo = f64x2.mul(vr, f64x2.sub(f64x2.sub(low64(gv), va), f64x2.mul(f64x2.mul(f64x2.sub(low64(xv), vmu), vr), vb)))
    const hi = f64x2.mul(vr, f64x2.sub(f64x2.sub(high64(gv), va), f64x2.mul(f64x2.mul(f64x2.sub(high64(xv), vmu), vr), vb)))
    v128.store(dx + (<usize>j << 2), join32(lo, hi))
  }
  for (let j = whole; j < n; j++) {
    const at = <usize>j << 2
    store<f32>(dx + at, <f32>(rr * (<f64>load<f32>(g + at) - a - (<f64>load<f32>(x + at) - mu) * rr * b)))
  }
}

/**
 * dx = r·(g − [center]·mean(g) − x̂·mean(g·x̂)) row by row, in float64 rounded once, as the JavaScript
 * loop; two rows at a time (a last odd row as a pair with itself), each with one row's bits.
 */
export function normGradRows(rows: i32, n: i32, g: usize, x: usize, dx: usize, eps: f64, center: i32): void {
  const bytes = <usize>n << 2
  for (let r = 0; r < rows; r += 2) {
    const o = <usize>r * bytes
    const p = r + 1 < rows ? o + bytes : o // the second row, or the first again
    rowStats2(x + o, x + p, n, eps, center)
    const mua = muA
    const ra = rA
    const mub = muB
    const rb = rB
    gradSums2(g + o, x + o, g + p, x + p, n, mua, mub)
    const na = <f64>n
    gradRow(g + o, x + o, dx + o, n, mua, ra, center != 0 ? sgA / na : 0, (sgxA * ra) / na)
    if (p != o) gradRow(g + p, x + p, dx + p, n, mub, rb, center != 0 ? sgB / na : 0, (sgxB * rb) / na)
  }
}

// The GRU cell's elementwise part (nn's recurrent cells): p = x·wx + bx and q = h·wh + bh, each
// [batch, 3·hidden] in blocks r, z, n, and h [batch, hidden].

/**
 * e^{−|x|·m} for the four lanes of x and m = 1 or 2: 2^t, t = −m|x|·log₂e in float64 floored at −127 (0
 * below the smallest normal float32, and for |x| = ∞), by pow2.
 */
@inline function expNegAbs(x: v128, twice: bool, zero: i32): v128 {
  let ax = f32x4.abs(x)
  if (twice) ax = f32x4.add(ax, ax)
  const tlo = f64x2.pmax(f64x2.mul(low64(ax), heldD(zero, -LOG2E)), heldD(zero, -127))
  const thi = f64x2.pmax(f64x2.mul(high64(ax), heldD(zero, -LOG2E)), heldD(zero, -127))
  return pow2(tlo, thi, zero)
}

/** σ(x) from one e = e^{−|x|} (no overflow): 1/(1 + e) for x ≥ 0, e/(1 + e) below. */
@inline function sigmoidFrom(x: v128, e: v128, zero: i32): v128 {
  const one = heldF(zero, 1)
  const s = f32x4.div(one, f32x4.add(one, e))
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, splat(0)))
}

/**
 * tanh x from e = e^{−2|x|}: for |x| < ½ its odd Taylor series to x¹⁵ (truncation below 1e-8 relative;
 * tanh(−0) = −0), else sign(x)(1 − e)/(1 + e), where 1 − e ≥ 0.63 loses nothing.
 */
@inline function tanhFrom(x: v128, e: v128, zero: i32): v128 {
  const one = heldF(zero, 1)
  const sign = heldI(zero, 0x80000000)
  const ax = f32x4.abs(x)
  const far = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e))
  const signed = v128.or(far, v128.and(x, sign))
  const x2 = f32x4.mul(x, x)
  let p = heldF(zero, <f32>(-929569.0 / 638512875.0))
  p = f32x4.add(f32x4.mul(p, x2), heldF(zero, <f32>(21844.0 / 6081075.0)))
  p = f32x4.add(f32x4.mul(p, x2), heldF(zero, <f32>(-1382.0 / 155925.0)))
  p = f32x4.add(f32x4.mul(p, x2), heldF(zero, <f32>(62.0 / 2835.0)))
  p = f32x4.add(f32x4.mul(p, x2), heldF(zero, <f32>(-17.0 / 315.0)))
  p = f32x4.add(f32x4.mul(p, x2), heldF(zero, <f32>(2.0 / 15.0)))
  p = f32x4.add(f32x4.mul(p, x2), heldF(zero, <f32>(-1.0 / 3.0)))
  // x + x³p has x's sign, but sums to +0 at x = −0: x's sign bit put back keeps tanh(−0) = −0
  const near = v128.or(f32x4.add(x, f32x4.mul(f32x4.mul(x, x2), p)), v128.and(x, sign))
  return v128.bitselect(near, signed, f32x4.lt(ax, heldF(zero, 0.5)))
}

/**
 * p_n + r·q_n in float64, rounded once: in float32 the product's rounding would stay in a sum that may
 * cancel, and tanh near 0 would carry it as a large relative error.
 */
@inline function gruCandidate(pn: v128, qn: v128, r: v128): v128 {
  return join32(f64x2.add(low64(pn), f64x2.mul(low64(r), low64(qn))), f64x2.add(high64(pn), f64x2.mul(high64(r), high64(qn))))
}

/**
 * The GRU step: r = σ(p_r + q_r), z = σ(p_z + q_z), n = tanh(p_n + r ⊙ q_n) into `acts` (as p's
 * blocks), and h' = n + z ⊙ (h − n) into `out`, in float32 (hidden a multiple of 4).
 */
export function gruForward(batch: i32, hidden: i32, p: usize, q: usize, h: usize, acts: usize, out: usize): void {
  if (batch <= 0) return
  const zero = opaque
  const hb = <usize>hidden << 2
  const pairs = hb & ~31
  let b = 0
  do {
    const row = <usize>b * 3 * hb
    const hrow = <usize>b * hb
    // eight hidden units an iteration, every value before any store: their chains overlap (1.3× over four)
    for (let j: usize = 0; j < pairs; j += 32) {
      const o = row + j
      const k = hrow + j
      const ar = f32x4.add(v128.load(p + o), v128.load(q + o))
      const ar2 = f32x4.add(v128.load(p + o + 16), v128.load(q + o + 16))
      const az = f32x4.add(v128.load(p + o + hb), v128.load(q + o + hb))
      const az2 = f32x4.add(v128.load(p + o + hb + 16), v128.load(q + o + hb + 16))
      const r = sigmoidFrom(ar, expNegAbs(ar, false, zero), zero)
      const r2 = sigmoidFrom(ar2, expNegAbs(ar2, false, zero), zero)
      const z = sigmoidFrom(az, expNegAbs(az, false, zero), zero)
      const z2 = sigmoidFrom(az2, expNegAbs(az2, false, zero), zero)
      const an = gruCandidate(v128.load(p + o + 2 * hb), v128.load(q + o + 2 * hb), r)
      const an2 = gruCandidate(v128.load(p + o + 2 * hb + 16), v128.load(q + o + 2 * hb + 16), r2)
      const n = tanhFrom(an, expNegAbs(an, true, zero), zero)
      const n2 = tanhFrom(an2, expNegAbs(an2, true, zero), zero)
      const h1 = f32x4.add(n, f32x4.mul(z, f32x4.sub(v128.load(h + k), n)))
      const h2 = f32x4.add(n2, f32x4.mul(z2, f32x4.sub(v128.load(h + k + 16), n2)))
      v128.store(acts + o, r)
      v128.store(acts + o + 16, r2)
      v128.store(acts + o + hb, z)
      v128.store(acts + o + hb + 16, z2)
      v128.store(acts + o + 2 * hb, n)
      v128.store(acts + o + 2 * hb + 16, n2)
      v128.store(out + k, h1)
      v128.store(out + k + 16, h2)
    }
    for (let j = pairs; j < hb; j += 16) {
      const o = row + j
      const k = hrow + j
      const ar = f32x4.add(v128.load(p + o), v128.load(q + o))
      const az = f32x4.add(v128.load(p + o + hb), v128.load(q + o + hb))
      const r = sigmoidFrom(ar, expNegAbs(ar, false, zero), zero)
      const z = sigmoidFrom(az, expNegAbs(az, false, zero), zero)
      const an = gruCandidate(v128.load(p + o + 2 * hb), v128.load(q + o + 2 * hb), r)
      const n = tanhFrom(an, expNegAbs(an, true, zero), zero)
      v128.store(acts + o, r)
      v128.store(acts + o + hb, z)
      v128.store(acts + o + 2 * hb, n)
      v128.store(out + k, f32x4.add(n, f32x4.mul(z, f32x4.sub(v128.load(h + k), n))))
    }
    b++
  } while (b < batch)
}

/**
 * The GRU backward rule (first order, from the forward pass's `acts`), for cotangent g of h':
 * dn = g(1 − z)(1 − n²), dr = dn·q_n·r(1 − r), dz = g(h − n)·z(1 − z); dp = [dr, dz, dn],
 * dq = [dr, dz, dn·r], dh = g·z. Float64 lanes in the JavaScript loop's order, each result rounded once:
 * its bits exactly (hidden a multiple of 4).
 */
export function gruBackward(batch: i32, hidden: i32, g: usize, q: usize, h: usize, acts: usize, dp: usize, dq: usize, dh: usize): void {
  const hb = <usize>hidden << 2
  if (batch <= 0 || hidden <= 0) return
  const zero = opaque
  const one = heldD(zero, 1)
  let b = 0
  do {
    const row = <usize>b * 3 * hb
    const hrow = <usize>b * hb
    let j: usize = 0
    do {
      const o = row + j
      const k = hrow + j
      const g4 = v128.load(g + k)
      const r4 = v128.load(acts + o)
      const z4 = v128.load(acts + o + hb)
      const n4 = v128.load(acts + o + 2 * hb)
      const q4 = v128.load(q + o + 2 * hb)
      const h4 = v128.load(h + k)
      // lanes 0–1, then 2–3
      let gg = low64(g4), r = low64(r4), z = low64(z4), n = low64(n4), qn = low64(q4), prev = low64(h4)
      let dn = f64x2.mul(f64x2.mul(gg, f64x2.sub(one, z)), f64x2.sub(one, f64x2.mul(n, n)))
      let dr = f64x2.mul(f64x2.mul(f64x2.mul(dn, qn), r), f64x2.sub(one, r))
      let dz = f64x2.mul(f64x2.mul(f64x2.mul(gg, f64x2.sub(prev, n)), z), f64x2.sub(one, z))
      const dnr = f64x2.mul(dn, r)
      const dgz = f64x2.mul(gg, z)
      gg = high64(g4); r = high64(r4); z = high64(z4); n = high64(n4); qn = high64(q4); prev = high64(h4)
      const dn2 = f64x2.mul(f64x2.mul(gg, f64x2.sub(one, z)), f64x2.sub(one, f64x2.mul(n, n)))
      const dr2 = f64x2.mul(f64x2.mul(f64x2.mul(dn2, qn), r), f64x2.sub(one, r))
      const dz2 = f64x2.mul(f64x2.mul(f64x2.mul(gg, f64x2.sub(prev, n)), z), f64x2.sub(one, z))
      const drv = join32(dr, dr2)
      const dzv = join32(dz, dz2)
      const dnv = join32(dn, dn2)
      v128.store(dp + o, drv)
      v128.store(dq + o, drv)
      v128.store(dp + o + hb, dzv)
      v128.store(dq + o + hb, dzv)
      v128.store(dp + o + 2 * hb, dnv)
      v128.store(dq + o + 2 * hb, join32(dnr, f64x2.mul(dn2, r)))
      v128.store(dh + k, join32(dgz, f64x2.mul(gg, z)))
      j += 16
    } while (j < hb)
    b++
  } while (b < batch)
}

// The LSTM cell's elementwise part: a = x·wx + bx + bh + h·wh [batch, 4·hidden] in blocks i, f, g, o, and
// c [batch, hidden]. `acts` holds i, f, g, o as a's blocks, then tanh(c′) as a [batch, hidden] block.

/** c′ = f·c + i·g in float64 from the float32 gates, rounded once. */
@inline function lstmCell(f: v128, c: v128, i: v128, g: v128): v128 {
  const lo = f64x2.add(f64x2.mul(low64(f), low64(c)), f64x2.mul(low64(i), low64(g)))
  const hi = f64x2.add(f64x2.mul(high64(f), high64(c)), f64x2.mul(high64(i), high64(g)))
  return join32(lo, hi)
}

/** h′ = o·tanh(c′) in float64, rounded once. */
@inline function lstmOut(o: v128, tc: v128): v128 {
  return join32(f64x2.mul(low64(o), low64(tc)), f64x2.mul(high64(o), high64(tc)))
}

/**
 * The LSTM step: i, f, o = σ(a_i), σ(a_f), σ(a_o), g = tanh(a_g) and tanh(c′) into `acts`, and
 * h′ = o·tanh(c′), c′ = f·c + i·g into `out` ([2, batch, hidden]); c′ and h′ in float64 from the float32
 * gates, rounded once (hidden a multiple of 4).
 */
export function lstmForward(batch: i32, hidden: i32, a: usize, c: usize, acts: usize, out: usize): void {
  if (batch <= 0) return
  const zero = opaque
  const hb = <usize>hidden << 2
  const nb = <usize>batch * hb // bytes of one [batch, hidden] block
  const pairs = hb & ~31
  let b = 0
  do {
    const row = <usize>b * 4 * hb
    const hrow = <usize>b * hb
    // eight hidden units an iteration, every value before any store: their chains overlap
    for (let j: usize = 0; j < pairs; j += 32) {
      const o = row + j
      const k = hrow + j
      const ai = v128.load(a + o)
      const ai2 = v128.load(a + o + 16)
      const af = v128.load(a + o + hb)
      const af2 = v128.load(a + o + hb + 16)
      const ag = v128.load(a + o + 2 * hb)
      const ag2 = v128.load(a + o + 2 * hb + 16)
      const ao = v128.load(a + o + 3 * hb)
      const ao2 = v128.load(a + o + 3 * hb + 16)
      const i4 = sigmoidFrom(ai, expNegAbs(ai, false, zero), zero)
      const i42 = sigmoidFrom(ai2, expNegAbs(ai2, false, zero), zero)
      const f4 = sigmoidFrom(af, expNegAbs(af, false, zero), zero)
      const f42 = sigmoidFrom(af2, expNegAbs(af2, false, zero), zero)
      const g4 = tanhFrom(ag, expNegAbs(ag, true, zero), zero)
      const g42 = tanhFrom(ag2, expNegAbs(ag2, true, zero), zero)
      const o4 = sigmoidFrom(ao, expNegAbs(ao, false, zero), zero)
      const o42 = sigmoidFrom(ao2, expNegAbs(ao2, false, zero), zero)
      const c2 = lstmCell(f4, v128.load(c + k), i4, g4)
      const c22 = lstmCell(f42, v128.load(c + k + 16), i42, g42)
      const tc = tanhFrom(c2, expNegAbs(c2, true, zero), zero)
      const tc2 = tanhFrom(c22, expNegAbs(c22, true, zero), zero)
      v128.store(acts + o, i4)
      v128.store(acts + o + 16, i42)
      v128.store(acts + o + hb, f4)
      v128.store(acts + o + hb + 16, f42)
      v128.store(acts + o + 2 * hb, g4)
      v128.store(acts + o + 2 * hb + 16, g42)
      v128.store(acts + o + 3 * hb, o4)
      v128.store(acts + o + 3 * hb + 16, o42)
      v128.store(acts + 4 * nb + k, tc)
      v128.store(acts + 4 * nb + k + 16, tc2)
      v128.store(out + k, lstmOut(o4, tc))
      v128.store(out + k + 16, lstmOut(o42, tc2))
      v128.store(out + nb + k, c2)
      v128.store(out + nb + k + 16, c22)
    }
    for (let j = pairs; j < hb; j += 16) {
      const o = row + j
      const k = hrow + j
      const ai = v128.load(a + o)
      const af = v128.load(a + o + hb)
      const ag = v128.load(a + o + 2 * hb)
      const ao = v128.load(a + o + 3 * hb)
      const i4 = sigmoidFrom(ai, expNegAbs(ai, false, zero), zero)
      const f4 = sigmoidFrom(af, expNegAbs(af, false, zero), zero)
      const g4 = tanhFrom(ag, expNegAbs(ag, true, zero), zero)
      const o4 = sigmoidFrom(ao, expNegAbs(ao, false, zero), zero)
      const c2 = lstmCell(f4, v128.load(c + k), i4, g4)
      const tc = tanhFrom(c2, expNegAbs(c2, true, zero), zero)
      v128.store(acts + o, i4)
      v128.store(acts + o + hb, f4)
      v128.store(acts + o + 2 * hb, g4)
      v128.store(acts + o + 3 * hb, o4)
      v128.store(acts + 4 * nb + k, tc)
      v128.store(out + k, lstmOut(o4, tc))
      v128.store(out + nb + k, c2)
    }
    b++
  } while (b < batch)
}

/**
 * The LSTM backward rule (first order, from `acts`), for the cotangent g = [g_h, g_c] ([2, batch, hidden]):
 * dc = g_c + g_h·o(1 − tanh²c′), da = [dc·g·i(1 − i), dc·c·f(1 − f), dc·i(1 − g²), g_h·tanh(c′)·o(1 − o)],
 * dc_prev = dc·f. Float64 lanes in the JavaScript loop's order, each result rounded once (its bits).
 */
export function lstmBackward(batch: i32, hidden: i32, g: usize, c: usize, acts: usize, da: usize, dc: usize): void {
  const hb = <usize>hidden << 2
  const nb = <usize>batch * hb
  if (batch <= 0 || hidden <= 0) return
  const zero = opaque
  const one = heldD(zero, 1)
  let b = 0
  do {
    const row = <usize>b * 4 * hb
    const hrow = <usize>b * hb
    let j: usize = 0
    do {
      const o = row + j
      const k = hrow + j
      const gh4 = v128.load(g + k)
      const gc4 = v128.load(g + nb + k)
      const i4 = v128.load(acts + o)
      const f4 = v128.load(acts + o + hb)
      const gg4 = v128.load(acts + o + 2 * hb)
      const o4 = v128.load(acts + o + 3 * hb)
      const tc4 = v128.load(acts + 4 * nb + k)
      const c4 = v128.load(c + k)
      // lanes 0–1
      let gh = low64(gh4), i = low64(i4), f = low64(f4), gg = low64(gg4), out = low64(o4), tc = low64(tc4), cc = low64(c4)
      let d = f64x2.add(low64(gc4), f64x2.mul(f64x2.mul(gh, out), f64x2.sub(one, f64x2.mul(tc, tc))))
      const ai = f64x2.mul(f64x2.mul(f64x2.mul(d, gg), i), f64x2.sub(one, i))
      const af = f64x2.mul(f64x2.mul(f64x2.mul(d, cc), f), f64x2.sub(one, f))
      const ag = f64x2.mul(f64x2.mul(d, i), f64x2.sub(one, f64x2.mul(gg, gg)))
      const ao = f64x2.mul(f64x2.mul(f64x2.mul(gh, tc), out), f64x2.sub(one, out))
      const dcl = f64x2.mul(d, f)
      // lanes 2–3
      gh = high64(gh4); i = high64(i4); f = high64(f4); gg = high64(gg4); out = high64(o4); tc = high64(tc4); cc = high64(c4)
      d = f64x2.add(high64(gc4), f64x2.mul(f64x2.mul(gh, out), f64x2.sub(one, f64x2.mul(tc, tc))))
      v128.store(da + o, join32(ai, f64x2.mul(f64x2.mul(f64x2.mul(d, gg), i), f64x2.sub(one, i))))
      v128.store(da + o + hb, join32(af, f64x2.mul(f64x2.mul(f64x2.mul(d, cc), f), f64x2.sub(one, f))))
      v128.store(da + o + 2 * hb, join32(ag, f64x2.mul(f64x2.mul(d, i), f64x2.sub(one, f64x2.mul(gg, gg)))))
      v128.store(da + o + 3 * hb, join32(ao, f64x2.mul(f64x2.mul(f64x2.mul(gh, tc), out), f64x2.sub(one, out))))
      v128.store(dc + k, join32(dcl, f64x2.mul(d, f)))
      j += 16
    } while (j < hb)
    b++
  } while (b < batch)
}

/**
 * out = the float32 view at `src` with shape [n0, n1, n2, n3] and element strides [s0, s1, s2, s3] (any
 * sign: a transposed, sliced or flipped view), in row-major order: the copy that makes a view contiguous.
 * Rows of n3 floats with stride 1 move four floats at a time.
 */
export function gather(n0: i32, n1: i32, n2: i32, n3: i32, s0: i32, s1: i32, s2: i32, s3: i32, src: usize, out: usize): void {
  const whole = n3 & ~3
  const rowBytes = <usize>n3 << 2
  let o = out
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0; i2 < n2; i2++) {
        const row = src + <usize>((i0 * s0 + i1 * s1 + i2 * s2) << 2)
        if (s3 == 1) {
          for (let j = 0; j < whole; j += 4) v128.store(o + (<usize>j << 2), v128.load(row + (<usize>j << 2)))
          for (let j = whole; j < n3; j++) store<f32>(o + (<usize>j << 2), load<f32>(row + (<usize>j << 2)))
        } else for (let j = 0; j < n3; j++) store<f32>(o + (<usize>j << 2), load<f32>(row + <usize>((j * s3) << 2)))
        o += rowBytes
      }
    }
  }
}
