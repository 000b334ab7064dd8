// Fused float32 optimizer updates in WebAssembly SIMD128, compiled by scripts/build-wasm.mjs into
// src/kernels/optim/module.generated.ts. Each kernel walks n elements once, updates the optimizer's
// buffers in place and writes either the update u (`accumulate` false: out = u) or the parameter
// step (`accumulate` true: out = out + factor · u), the two modes of @gd/optimizers' loops.
//
// Memory: no runtime and no allocator. The JavaScript side copies a chunk of each operand into
// slots starting at `slots()` (cache-sized, so the copies stay in L2), runs a kernel on the chunk
// and copies the written slots back. Arithmetic is float32 (the JavaScript loops round once from
// float64), so results differ from them in the last bits only; `decay` alone computes in float64 and
// has the loop's bits.

/** Where the JavaScript side's slots may start: after the static data, 64-byte aligned. */
export function slots(): usize {
  return (__heap_base + 63) & ~(<usize>63)
}

@inline function finish(out: usize, o: usize, u: v128, factor: v128, accumulate: bool): void {
  v128.store(out + o, accumulate ? f32x4.add(v128.load(out + o), f32x4.mul(factor, u)) : u)
}

@inline function finishScalar(out: usize, o: usize, u: f32, factor: f32, accumulate: bool): void {
  store<f32>(out + o, accumulate ? load<f32>(out + o) + factor * u : u)
}

/** Adam on the four lanes at byte offset o (see `adam`). */
@inline function adamLanes(
  g: usize, m: usize, v: usize, out: usize, o: usize, accumulate: bool, vf: v128,
  vb1: v128, va1: v128, vb2: v128, va2: v128, vc1: v128, vc2: v128, ve: v128, vr: v128,
): void {
  const gi = v128.load(g + o)
  const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(va1, gi))
  const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(va2, f32x4.mul(gi, gi)))
  v128.store(m + o, mi)
  v128.store(v + o, vi)
  const d = f32x4.add(f32x4.sqrt(f32x4.add(f32x4.mul(vi, vc2), vr)), ve)
  finish(out, o, f32x4.div(f32x4.mul(mi, vc1), d), vf, accumulate)
}

/**
 * Adam: m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g², u = c₁ m / (√(c₂ v + epsRoot) + eps),
 * where c₁ = 1 / (1 − β₁ᵗ) and c₂ = 1 / (1 − β₂ᵗ) are the bias corrections. The caller passes
 * a₁ = 1 − β₁ and a₂ = 1 − β₂ computed in float64: 1 − β from the float32-rounded β is far off
 * when β is near 1 (β₂ = 0.99999: 1.4e-3 relative, against c₂ from the exact β₂).
 */
export function adam(
  n: i32, g: usize, m: usize, v: usize, out: usize, accumulate: bool, factor: f32,
  b1: f32, a1: f32, b2: f32, a2: f32, c1: f32, c2: f32, eps: f32, epsRoot: f32,
): void {
  const vb1 = f32x4.splat(b1), va1 = f32x4.splat(a1)
  const vb2 = f32x4.splat(b2), va2 = f32x4.splat(a2)
  const vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2)
  const ve = f32x4.splat(eps), vr = f32x4.splat(epsRoot), vf = f32x4.splat(factor)
  // Two vectors per iteration: the square roots and divisions of one overlap the other's (18%
  // faster on arrays in cache; main-memory speed caps long arrays either way).
  const end8 = <usize>(n & ~7) << 2
  for (let o: usize = 0; o < end8; o += 32) {
    adamLanes(g, m, v, out, o, accumulate, vf, vb1, va1, vb2, va2, vc1, vc2, ve, vr)
    adamLanes(g, m, v, out, o + 16, accumulate, vf, vb1, va1, vb2, va2, vc1, vc2, ve, vr)
  }
  const end = <usize>(n & ~3) << 2
  if (end8 < end) adamLanes(g, m, v, out, end8, accumulate, vf, vb1, va1, vb2, va2, vc1, vc2, ve, vr)
  for (let o = end; o < <usize>n << 2; o += 4) {
    const gi = load<f32>(g + o)
    const mi = b1 * load<f32>(m + o) + a1 * gi
    const vi = b2 * load<f32>(v + o) + a2 * (gi * gi)
    store<f32>(m + o, mi)
    store<f32>(v + o, vi)
    finishScalar(out, o, (mi * c1) / (sqrt<f32>(vi * c2 + epsRoot) + eps), factor, accumulate)
  }
}

/**
 * Momentum (a trace): b ← keep · b + take · g, u = b, or g + μ b with Nesterov. `keep` and `take`
 * carry the first step (b = g) and dampening (take = 1 − τ).
 */
export function momentum(
  n: i32, g: usize, b: usize, out: usize, accumulate: bool, factor: f32,
  keep: f32, take: f32, mu: f32, nesterov: bool,
): void {
  const vk = f32x4.splat(keep), vt = f32x4.splat(take), vm = f32x4.splat(mu), vf = f32x4.splat(factor)
  const end = <usize>(n & ~3) << 2
  for (let o: usize = 0; o < end; o += 16) {
    const gi = v128.load(g + o)
    const bi = f32x4.add(f32x4.mul(vk, v128.load(b + o)), f32x4.mul(vt, gi))
    v128.store(b + o, bi)
    finish(out, o, nesterov ? f32x4.add(gi, f32x4.mul(vm, bi)) : bi, vf, accumulate)
  }
  for (let o = end; o < <usize>n << 2; o += 4) {
    const gi = load<f32>(g + o)
    const bi = keep * load<f32>(b + o) + take * gi
    store<f32>(b + o, bi)
    finishScalar(out, o, nesterov ? gi + mu * bi : bi, factor, accumulate)
  }
}

/**
 * RMSprop's scaling: v ← α v + (1 − α) g², and when centered (m ≠ 0) m ← α m + (1 − α) g with
 * v − m² in place of v; u = g / (√v + eps). The caller passes a1 = 1 − α computed in float64 (see `adam`).
 */
export function rms(
  n: i32, g: usize, v: usize, m: usize, out: usize, accumulate: bool, factor: f32,
  alpha: f32, a1: f32, eps: f32,
): void {
  const va = f32x4.splat(alpha), va1 = f32x4.splat(a1), ve = f32x4.splat(eps), vf = f32x4.splat(factor)
  const centered = m != 0
  const end = <usize>(n & ~3) << 2
  for (let o: usize = 0; o < end; o += 16) {
    const gi = v128.load(g + o)
    const vi = f32x4.add(f32x4.mul(va, v128.load(v + o)), f32x4.mul(va1, f32x4.mul(gi, gi)))
    v128.store(v + o, vi)
    let ms = vi
    if (centered) {
      const mi = f32x4.add(f32x4.mul(va, v128.load(m + o)), f32x4.mul(va1, gi))
      v128.store(m + o, mi)
      ms = f32x4.sub(vi, f32x4.mul(mi, mi))
    }
    finish(out, o, f32x4.div(gi, f32x4.add(f32x4.sqrt(ms), ve)), vf, accumulate)
  }
  for (let o = end; o < <usize>n << 2; o += 4) {
    const gi = load<f32>(g + o)
    const vi = alpha * load<f32>(v + o) + a1 * (gi * gi)
    store<f32>(v + o, vi)
    let ms = vi
    if (centered) {
      const mi = alpha * load<f32>(m + o) + a1 * gi
      store<f32>(m + o, mi)
      ms = vi - mi * mi
    }
    finishScalar(out, o, gi / (sqrt<f32>(ms) + eps), factor, accumulate)
  }
}

/** Decoupled weight decay on the two lanes at byte offset o, in float64 (see `decay`). */
@inline function decayLanes(g: usize, p: usize, out: usize, o: usize, accumulate: bool, vf: v128, vl: v128): void {
  const pi = f64x2.promote_low_f32x4(v128.load64_zero(p + o))
  const u = f64x2.add(f64x2.promote_low_f32x4(v128.load64_zero(g + o)), f64x2.mul(vl, pi))
  const r = accumulate ? f64x2.add(f64x2.promote_low_f32x4(v128.load64_zero(out + o)), f64x2.mul(vf, u)) : u
  v128.store64_lane(out + o, f32x4.demote_f64x2_zero(r), 0)
}

/**
 * Decoupled weight decay: u = g + λ p, and out = u (`accumulate` false) or out = out + factor · u
 * (`accumulate` true, out being p). Unlike the kernels above it computes in float64 and rounds each
 * result once to float32, the operations of @gd/optimizers' JavaScript loop in its order (λ p, + g,
 * · factor, + out), so its results are that loop's bits.
 */
export function decay(n: i32, g: usize, p: usize, out: usize, accumulate: bool, factor: f64, lambda: f64): void {
  const vf = f64x2.splat(factor), vl = f64x2.splat(lambda)
  const end = <usize>(n & ~3) << 2
  for (let o: usize = 0; o < end; o += 16) {
    decayLanes(g, p, out, o, accumulate, vf, vl)
    decayLanes(g, p, out, o + 8, accumulate, vf, vl)
  }
  for (let o = end; o < <usize>n << 2; o += 4) {
    const u = <f64>load<f32>(g + o) + lambda * <f64>load<f32>(p + o)
    store<f32>(out + o, <f32>(accumulate ? <f64>load<f32>(out + o) + factor * u : u))
  }
}

@inline function scaleLanes(g: usize, out: usize, o: usize, vf: v128): void {
  const r = f64x2.mul(vf, f64x2.promote_low_f32x4(v128.load64_zero(g + o)))
  v128.store64_lane(out + o, f32x4.demote_f64x2_zero(r), 0)
}

/**
 * out = factor · g, in float64 and rounded once to float32: the operations of @gd/optimizers' JavaScript loop
 * (`scaleTree`, behind the learning rate of every chain's functional update), so its results are that loop's bits.
 */
export function scale(n: i32, g: usize, out: usize, factor: f64): void {
  const vf = f64x2.splat(factor)
  const end = <usize>(n & ~3) << 2
  for (let o: usize = 0; o < end; o += 16) {
    scaleLanes(g, out, o, vf)
    scaleLanes(g, out, o + 8, vf)
  }
  for (let o = end; o < <usize>n << 2; o += 4) store<f32>(out + o, <f32>(factor * <f64>load<f32>(g + o)))
}
