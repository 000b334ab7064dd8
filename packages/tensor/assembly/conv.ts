// float32 2-D convolution (forward and both gradients) and max/average pooling (forward and
// backward) in WebAssembly SIMD128, compiled by scripts/build-wasm.mjs into src/kernels/conv/module.generated.ts.
// The same algorithms as the JavaScript kernels (src/kernels/conv/im2col.ts, conv/reference.ts, pool/reference.ts), with the
// unfolded columns living in this module's memory: im2col, the gemm (imported from ./gemm, so this
// module carries its own copy of it) and col2im run here one after another, and only the
// operands and results cross to JavaScript.
//
// Memory: no runtime, no allocator. The gemm's packing panels sit after the static data; the
// JavaScript side puts its copies of the operands and the columns after `workspaceEnd()` and grows
// the memory as it needs. Pointers are byte addresses; counts are in elements.
//
// The window geometry (the `Window2d` of the JavaScript side) is set once per call by `setWindow`
// and kept in globals, so that the kernels take only what changes between calls.
import { gemm, workspaceEnd as gemmWorkspaceEnd } from './gemm'

let H: i32 = 1
let W: i32 = 1
let KH: i32 = 1
let KW: i32 = 1
let SH: i32 = 1
let SW: i32 = 1
let DH: i32 = 1
let DW: i32 = 1
let PT: i32 = 0
let PL: i32 = 0
let OH: i32 = 1
let OW: i32 = 1

/** First byte after the gemm's panels: where the JavaScript side's buffers may start. */
export function workspaceEnd(): usize {
  return gemmWorkspaceEnd()
}

/** Sets the window geometry every kernel below reads (see `Window2d`). */
export function setWindow(
  height: i32, width: i32, kernelH: i32, kernelW: i32, strideH: i32, strideW: i32,
  dilationH: i32, dilationW: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  H = height
  W = width
  KH = kernelH
  KW = kernelW
  SH = strideH
  SW = strideW
  DH = dilationH
  DW = dilationW
  PT = padTop
  PL = padLeft
  OH = outH
  OW = outW
}

@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2)
}

/** n floats of zeros from dst on. */
@inline function zero(dst: usize, n: i32): void {
  const end = at(dst, n)
  const z = f32x4.splat(0)
  let p = dst
  for (; p + 16 <= end; p += 16) v128.store(p, z)
  for (; p < end; p += 4) store<f32>(p, 0)
}

/** Copies n floats from src to dst (the ranges do not overlap). */
@inline function copy(dst: usize, src: usize, n: i32): void {
  const end = at(dst, n)
  let p = dst
  let q = src
  for (; p + 16 <= end; p += 16, q += 16) v128.store(p, v128.load(q))
  for (; p < end; p += 4, q += 4) store<f32>(p, load<f32>(q))
}

/** dst[i] += src[i] for n floats. */
@inline function addTo(dst: usize, src: usize, n: i32): void {
  const end = at(dst, n)
  let p = dst
  let q = src
  for (; p + 16 <= end; p += 16, q += 16) v128.store(p, f32x4.add(v128.load(p), v128.load(q)))
  for (; p < end; p += 4, q += 4) store<f32>(p, load<f32>(p) + load<f32>(q))
}

/** First output column whose tap `x0 + ox · stride` is ≥ 0. */
@inline function firstInside(x0: i32, stride: i32, outW: i32): i32 {
  return x0 >= 0 ? 0 : min(outW, (-x0 + stride - 1) / stride)
}

/** One past the last output column whose tap `x0 + ox · stride` is < width (never below `lo`). */
@inline function endInside(x0: i32, stride: i32, width: i32, outW: i32, lo: i32): i32 {
  const hi = x0 >= width ? 0 : min(outW, (width - 1 - x0) / stride + 1)
  return max(hi, lo)
}

/**
 * Unfolds `channels` planes at x into cols `[channels · KH · KW, OH · OW]`, row-major, zeros where a
 * tap falls in the padding: `cols[(c KH + ki) KW + kj, oy OW + ox] = x[c, oy SH − PT + ki DH, ox SW − PL + kj DW]`.
 */
function im2col(x: usize, channels: i32, cols: usize): void {
  const plane = H * W
  let dst = cols
  for (let c = 0; c < channels; c++) {
    const base = at(x, c * plane)
    for (let ki = 0; ki < KH; ki++) {
      for (let kj = 0; kj < KW; kj++) {
        const x0 = kj * DW - PL
        const lo = firstInside(x0, SW, OW)
        const hi = endInside(x0, SW, W, OW, lo)
        if (SW == 1 && lo == 0 && hi == OW && PT == 0 && (OH - 1) * SH + ki * DH < H) {
          // every tap of this row is inside the plane (an unpadded, stride-1 row): plain copies
          for (let oy = 0; oy < OH; oy++, dst = at(dst, OW)) copy(dst, at(base, (oy * SH + ki * DH) * W + x0), OW)
          continue
        }
        for (let oy = 0; oy < OH; oy++, dst = at(dst, OW)) {
          const iy = oy * SH - PT + ki * DH
          if (iy < 0 || iy >= H) {
            zero(dst, OW)
            continue
          }
          zero(dst, lo)
          const src = at(base, iy * W + x0)
          if (SW == 1) {
            copy(at(dst, lo), at(src, lo), hi - lo)
          } else {
            for (let ox = lo; ox < hi; ox++) store<f32>(at(dst, ox), load<f32>(at(src, ox * SW)))
          }
          zero(at(dst, hi), OW - hi)
        }
      }
    }
  }
}

/** The adjoint of im2col: adds every entry of cols back into the pixel of dx it was read from. */
function col2im(cols: usize, channels: i32, dx: usize): void {
  const plane = H * W
  let src = cols
  for (let c = 0; c < channels; c++) {
    const base = at(dx, c * plane)
    for (let ki = 0; ki < KH; ki++) {
      for (let kj = 0; kj < KW; kj++) {
        const x0 = kj * DW - PL
        const lo = firstInside(x0, SW, OW)
        const hi = endInside(x0, SW, W, OW, lo)
        if (SW == 1 && lo == 0 && hi == OW && PT == 0 && (OH - 1) * SH + ki * DH < H) {
          // every tap of this row is inside the plane: plain adds
          for (let oy = 0; oy < OH; oy++, src = at(src, OW)) addTo(at(base, (oy * SH + ki * DH) * W + x0), src, OW)
          continue
        }
        for (let oy = 0; oy < OH; oy++, src = at(src, OW)) {
          const iy = oy * SH - PT + ki * DH
          if (iy < 0 || iy >= H) continue
          const dst = at(base, iy * W + x0)
          if (SW == 1) {
            addTo(at(dst, lo), at(src, lo), hi - lo)
          } else {
            for (let ox = lo; ox < hi; ox++) {
              const p = at(dst, ox * SW)
              store<f32>(p, load<f32>(p) + load<f32>(at(src, ox)))
            }
          }
        }
      }
    }
  }
}

/** True when im2col would copy the input unchanged (1×1 kernel, stride 1, no padding). */
@inline function pointwise(): bool {
  return KH == 1 && KW == 1 && SH == 1 && SW == 1 && PT == 0 && PL == 0 && OH == H && OW == W
}

/**
 * Forward convolution of `batch` samples: x `[batch, C, H, W]`, w `[O, C / groups, KH, KW]`,
 * y `[batch, O, OH, OW]` (overwritten). cols holds `(C / groups) · KH · KW × OH · OW` floats.
 */
export function convForward(batch: i32, C: i32, O: i32, groups: i32, x: usize, w: usize, y: usize, cols: usize): void {
  const cg = C / groups
  const og = O / groups
  const depth = cg * KH * KW
  const plane = H * W
  const outPlane = OH * OW
  const direct = pointwise()
  for (let n = 0; n < batch; n++) {
    for (let gi = 0; gi < groups; gi++) {
      const xg = at(x, (n * C + gi * cg) * plane)
      const yg = at(y, (n * O + gi * og) * outPlane)
      zero(yg, og * outPlane)
      if (!direct) im2col(xg, cg, cols)
      gemm(og, outPlane, depth, at(w, gi * og * depth), depth, 1, direct ? xg : cols, outPlane, 1, yg, outPlane)
    }
  }
}

/**
 * Gradient with respect to the input: dy `[batch, O, OH, OW]`, w as in `convForward`, dx
 * `[batch, C, H, W]` (overwritten): dcols = w_gᵀ · dy_g, then col2im into dx.
 */
export function convBackwardInput(batch: i32, C: i32, O: i32, groups: i32, dy: usize, w: usize, dx: usize, cols: usize): void {
  const cg = C / groups
  const og = O / groups
  const depth = cg * KH * KW
  const plane = H * W
  const outPlane = OH * OW
  const direct = pointwise()
  for (let n = 0; n < batch; n++) {
    for (let gi = 0; gi < groups; gi++) {
      const dxg = at(dx, (n * C + gi * cg) * plane)
      const dyg = at(dy, (n * O + gi * og) * outPlane)
      zero(dxg, cg * plane)
      const target = direct ? dxg : cols
      if (!direct) zero(cols, depth * outPlane)
      gemm(depth, outPlane, og, at(w, gi * og * depth), 1, depth, dyg, outPlane, 1, target, outPlane)
      if (!direct) col2im(cols, cg, dxg)
    }
  }
}

/**
 * Gradient with respect to the filter, added into dw `[O, C / groups, KH, KW]` (the caller zeros it
 * once and may call this chunk by chunk of the batch): dw_g += dy_g · colsᵀ per sample.
 */
export function convBackwardFilter(batch: i32, C: i32, O: i32, groups: i32, x: usize, dy: usize, dw: usize, cols: usize): void {
  const cg = C / groups
  const og = O / groups
  const depth = cg * KH * KW
  const plane = H * W
  const outPlane = OH * OW
  const direct = pointwise()
  for (let n = 0; n < batch; n++) {
    for (let gi = 0; gi < groups; gi++) {
      const xg = at(x, (n * C + gi * cg) * plane)
      const dyg = at(dy, (n * O + gi * og) * outPlane)
      if (!direct) im2col(xg, cg, cols)
      gemm(og, depth, outPlane, dyg, outPlane, 1, direct ? xg : cols, 1, outPlane, at(dw, gi * og * depth), depth)
    }
  }
}

/**
 * Index in the plane of the element a max-pooling window picks: the first maximum in row-major
 * window order, or the first NaN; -1 for a window entirely in the padding. Taps honour dilation.
 */
function argmax(x: usize, oy: i32, ox: i32): i32 {
  const top = oy * SH - PT
  const left = ox * SW - PL
  let best: f32 = <f32>-Infinity
  let found = -1
  for (let ki = 0; ki < KH; ki++) {
    const iy = top + ki * DH
    if (<u32>iy >= <u32>H) continue // above or below the plane (a negative row wraps to a large u32)
    const row = iy * W
    for (let kj = 0; kj < KW; kj++) {
      const ix = left + kj * DW
      if (<u32>ix >= <u32>W) continue
      const v = load<f32>(at(x, row + ix))
      if (v != v) return row + ix
      if (v > best || found < 0) {
        best = v
        found = row + ix
      }
    }
  }
  return found
}

/** Whether the window is the common 2 × 2, stride 2, unpadded, undilated one that fits the plane. */
@inline function twoByTwo(): bool {
  return KH == 2 && KW == 2 && SH == 2 && SW == 2 && PT == 0 && PL == 0 && DH == 1 && DW == 1 && OH * 2 <= H && OW * 2 <= W
}

/** Max pooling forward over `planes` planes: y[p, oy, ox] = x at the window's argmax (−∞ if none). */
export function maxPool(planes: i32, x: usize, y: usize): void {
  const plane = H * W
  let out = y
  for (let p = 0; p < planes; p++) {
    const base = at(x, p * plane)
    if (twoByTwo()) {
      // the common 2×2/2 window: four windows at a time, their four taps split into even and odd lanes
      for (let oy = 0; oy < OH; oy++) {
        const r0 = at(base, oy * 2 * W)
        const r1 = at(r0, W)
        let ox = 0
        for (; ox + 4 <= OW; ox += 4, out += 16) {
          const p0 = r0 + (<usize>ox << 3)
          const p1 = r1 + (<usize>ox << 3)
          const t0 = v128.load(p0)
          const t1 = v128.load(p0, 16)
          const u0 = v128.load(p1)
          const u1 = v128.load(p1, 16)
          let m = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6)
          const b = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7)
          m = v128.bitselect(b, m, vtakes(b, m))
          const c = v128.shuffle<f32>(u0, u1, 0, 2, 4, 6)
          m = v128.bitselect(c, m, vtakes(c, m))
          const d = v128.shuffle<f32>(u0, u1, 1, 3, 5, 7)
          v128.store(out, v128.bitselect(d, m, vtakes(d, m)))
        }
        for (; ox < OW; ox++, out += 4) {
          const p0 = r0 + (<usize>ox << 3)
          const p1 = r1 + (<usize>ox << 3)
          store<f32>(out, max4(load<f32>(p0), load<f32>(p0, 4), load<f32>(p1), load<f32>(p1, 4)))
        }
      }
      continue
    }
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++, out += 4) {
        const i = argmax(base, oy, ox)
        store<f32>(out, i < 0 ? <f32>-Infinity : load<f32>(at(base, i)))
      }
    }
  }
}

/** Whether the first-maximum rule moves from m to v, the next value in window order: v is larger, or v is the first NaN. */
@inline function takes(v: f32, m: f32): bool {
  return (v > m) | ((v != v) & (m == m))
}

/** `takes` lane-wise: all ones where v replaces m. */
@inline function vtakes(v: v128, m: v128): v128 {
  return v128.or(f32x4.gt(v, m), v128.and(f32x4.ne(v, v), f32x4.eq(m, m)))
}

/** The value the first-maximum rule picks among a, b, c, d (in that order; the first NaN wins), without branches. */
@inline function max4(a: f32, b: f32, c: f32, d: f32): f32 {
  let m = a
  m = select<f32>(b, m, takes(b, m))
  m = select<f32>(c, m, takes(c, m))
  return select<f32>(d, m, takes(d, m))
}

/** Which of a, b, c, d (0 to 3) the first-maximum rule picks: the first NaN, else the first maximum; without branches. */
@inline function argmax4(a: f32, b: f32, c: f32, d: f32): i32 {
  let m = a
  let i = 0
  let t = takes(b, m)
  m = select<f32>(b, m, t)
  i = select<i32>(1, i, t)
  t = takes(c, m)
  m = select<f32>(c, m, t)
  i = select<i32>(2, i, t)
  return select<i32>(3, i, takes(d, m))
}

/** Adds the float at g into dx at tap k (0 to 3) of the 2 × 2 window whose top-left element is i. */
@inline function addAt(dx: usize, i: i32, k: i32, g: usize): void {
  const q = at(dx, i + (k & 1) + (k >> 1) * W)
  store<f32>(q, load<f32>(q) + load<f32>(g))
}

/** Max pooling backward: adds dy[p, oy, ox] into dx at the window's argmax. */
export function maxPoolBackward(planes: i32, dy: usize, x: usize, dx: usize): void {
  const plane = H * W
  let g = dy
  for (let p = 0; p < planes; p++) {
    const base = at(x, p * plane)
    const dbase = at(dx, p * plane)
    if (twoByTwo()) {
      // four windows at a time pick their taps in SIMD lanes (tap k: row k >> 1, column k & 1), then add one by one
      const v1 = i32x4.splat(1)
      const v2 = i32x4.splat(2)
      const v3 = i32x4.splat(3)
      for (let oy = 0; oy < OH; oy++) {
        const r0 = oy * 2 * W
        let ox = 0
        for (; ox + 4 <= OW; ox += 4, g += 16) {
          const p0 = at(base, r0 + ox * 2)
          const p1 = at(p0, W)
          const t0 = v128.load(p0)
          const t1 = v128.load(p0, 16)
          const u0 = v128.load(p1)
          const u1 = v128.load(p1, 16)
          let m = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6)
          let k = i32x4.splat(0)
          const b = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7)
          let t = vtakes(b, m)
          m = v128.bitselect(b, m, t)
          k = v128.bitselect(v1, k, t)
          const c = v128.shuffle<f32>(u0, u1, 0, 2, 4, 6)
          t = vtakes(c, m)
          m = v128.bitselect(c, m, t)
          k = v128.bitselect(v2, k, t)
          const d = v128.shuffle<f32>(u0, u1, 1, 3, 5, 7)
          k = v128.bitselect(v3, k, vtakes(d, m))
          const i = r0 + ox * 2
          addAt(dbase, i, i32x4.extract_lane(k, 0), g)
          addAt(dbase, i + 2, i32x4.extract_lane(k, 1), g + 4)
          addAt(dbase, i + 4, i32x4.extract_lane(k, 2), g + 8)
          addAt(dbase, i + 6, i32x4.extract_lane(k, 3), g + 12)
        }
        for (; ox < OW; ox++, g += 4) {
          const i = r0 + ox * 2
          addAt(dbase, i, argmax4(load<f32>(at(base, i)), load<f32>(at(base, i + 1)), load<f32>(at(base, i + W)), load<f32>(at(base, i + W + 1))), g)
        }
      }
      continue
    }
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++, g += 4) {
        const i = argmax(base, oy, ox)
        if (i >= 0) {
          const q = at(dbase, i)
          store<f32>(q, load<f32>(q) + load<f32>(g))
        }
      }
    }
  }
}

/**
 * Average pooling forward: the mean of the window's in-bounds elements (padding not counted,
 * dilation ignored), summed and divided in f64 and rounded once, as the JavaScript kernel does.
 */
export function avgPool(planes: i32, x: usize, y: usize): void {
  const plane = H * W
  let out = y
  for (let p = 0; p < planes; p++) {
    const base = at(x, p * plane)
    if (twoByTwo()) {
      for (let oy = 0; oy < OH; oy++) {
        const r0 = at(base, oy * 2 * W)
        const r1 = at(r0, W)
        for (let ox = 0; ox + 4 <= OW; ox += 4, out += 16) {
          const p0 = r0 + (<usize>ox << 3)
          const p1 = r1 + (<usize>ox << 3)
          const t0 = v128.load(p0)
          const t1 = v128.load(p0, 16)
          const u0 = v128.load(p1)
          const u1 = v128.load(p1, 16)
          const lo = mean4(t0, t1, u0, u1, 0)
          const hi = mean4(t0, t1, u0, u1, 2)
          v128.store(out, v128.shuffle<f32>(lo, hi, 0, 1, 4, 5))
        }
        out = avgRow(base, oy, OW & ~3, out) // the last OW mod 4 windows of the row
      }
      continue
    }
    for (let oy = 0; oy < OH; oy++) out = avgRow(base, oy, 0, out)
  }
}

/**
 * Average pooling of output row oy from column ox0 on, written from out on (returns the address
 * after the row): each window summed in f64 from 0 and divided once, as the JavaScript kernel does.
 */
@inline function avgRow(base: usize, oy: i32, ox0: i32, out: usize): usize {
  const top = oy * SH - PT
  const y0 = max(top, 0)
  const y1 = min(top + KH, H)
  for (let ox = ox0; ox < OW; ox++, out += 4) {
    const left = ox * SW - PL
    const x0 = max(left, 0)
    const x1 = min(left + KW, W)
    let sum: f64 = 0
    for (let iy = y0; iy < y1; iy++) {
      const row = at(base, iy * W)
      for (let ix = x0; ix < x1; ix++) sum += <f64>load<f32>(at(row, ix))
    }
    store<f32>(out, <f32>(sum / <f64>((y1 - y0) * (x1 - x0))))
  }
  return out
}

/**
 * Means of two adjacent 2 × 2 windows (lanes `lane`, `lane + 1` of four), from row 0 (t0, t1) and
 * row 1 (u0, u1) of eight floats each, as f32 in lanes 0 and 1: summed in f64 from +0 in window
 * order and divided by 4, bit for bit what the scalar loop computes.
 */
@inline function mean4(t0: v128, t1: v128, u0: v128, u1: v128, lane: i32): v128 {
  const a = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6)
  const b = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7)
  const c = v128.shuffle<f32>(u0, u1, 0, 2, 4, 6)
  const d = v128.shuffle<f32>(u0, u1, 1, 3, 5, 7)
  let sum = f64x2.splat(0)
  if (lane == 0) {
    sum = f64x2.add(sum, f64x2.promote_low_f32x4(a))
    sum = f64x2.add(sum, f64x2.promote_low_f32x4(b))
    sum = f64x2.add(sum, f64x2.promote_low_f32x4(c))
    sum = f64x2.add(sum, f64x2.promote_low_f32x4(d))
  } else {
    sum = f64x2.add(sum, f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 2, 3)))
    sum = f64x2.add(sum, f64x2.promote_low_f32x4(v128.shuffle<f32>(b, b, 2, 3, 2, 3)))
    sum = f64x2.add(sum, f64x2.promote_low_f32x4(v128.shuffle<f32>(c, c, 2, 3, 2, 3)))
    sum = f64x2.add(sum, f64x2.promote_low_f32x4(v128.shuffle<f32>(d, d, 2, 3, 2, 3)))
  }
  return f32x4.demote_f64x2_zero(f64x2.div(sum, f64x2.splat(4)))
}

/** Average pooling backward: spreads dy[p, oy, ox] evenly over its window's in-bounds elements of dx (adds). */
export function avgPoolBackward(planes: i32, dy: usize, dx: usize): void {
  const plane = H * W
  let g = dy
  for (let p = 0; p < planes; p++) {
    const base = at(dx, p * plane)
    for (let oy = 0; oy < OH; oy++) {
      const top = oy * SH - PT
      const y0 = max(top, 0)
      const y1 = min(top + KH, H)
      for (let ox = 0; ox < OW; ox++, g += 4) {
        const left = ox * SW - PL
        const x0 = max(left, 0)
        const x1 = min(left + KW, W)
        const share = <f64>load<f32>(g) / <f64>((y1 - y0) * (x1 - x0))
        for (let iy = y0; iy < y1; iy++) {
          const row = at(base, iy * W)
          for (let ix = x0; ix < x1; ix++) {
            const q = at(row, ix)
            store<f32>(q, <f32>(<f64>load<f32>(q) + share))
          }
        }
      }
    }
  }
}
