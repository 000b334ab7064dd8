// Private: the loops behind upsample2d. Each pair is a linear map and its adjoint (its transpose), so
// each is the other's gradient and every order of derivative is exact.
import { Tensor } from '@gd/tensor'
import { kernelReading } from '@gd/tensor/internal'

type Floats = Float32Array | Float64Array
type FloatDType = 'float32' | 'float64'

/** A zero-filled array of a float dtype. */
const floats = (dtype: FloatDType, size: number): Floats =>
  dtype === 'float64' ? new Float64Array(size) : new Float32Array(size)

/** Nearest upsampling: every pixel of a float NCHW tensor copied into its sh×sw block. */
export function repeatPixels(x: Tensor, sh: number, sw: number): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number]
  const outW = w * sw
  const out = floats(x.dtype as FloatDType, n * c * h * sh * outW)
  kernelReading(out, [x], (src: Floats) => {
    let o = 0
    for (let row = 0; row < n * c * h; row++) {
      const start = o
      for (let j = row * w, end = j + w; j < end; j++) {
        const v = src[j]!
        for (let q = 0; q < sw; q++) out[o++] = v
      }
      // the other sh − 1 rows of the block repeat the first
      for (let r = 1; r < sh; r++, o += outW) out.copyWithin(o, start, start + outW)
    }
  })
  return new Tensor(out, [n, c, h * sh, outW], x.dtype)
}

/** The adjoint of {@link repeatPixels}: the sum of each sh×sw block (accumulated in float64). */
export function blockSums(g: Tensor, sh: number, sw: number): Tensor {
  const [n, c, outH, outW] = g.shape as [number, number, number, number]
  const [h, w] = [outH / sh, outW / sw]
  const out = floats(g.dtype as FloatDType, n * c * h * w)
  const sums = new Float64Array(w)
  kernelReading(out, [g], (src: Floats) => {
    for (let row = 0; row < n * c * h; row++) {
      sums.fill(0)
      let i = row * sh * outW
      for (let r = 0; r < sh; r++) {
        for (let j = 0; j < w; j++) {
          let s = 0
          for (let q = 0; q < sw; q++) s += src[i++]!
          sums[j] = sums[j]! + s
        }
      }
      out.set(sums, row * w)
    }
  })
  return new Tensor(out, [n, c, h, w], g.dtype)
}

/**
 * The two taps of 1-D linear interpolation from `size` samples to `size·scale`: output i is
 * `(1 − λ_i)·in[i0_i] + λ_i·in[i1_i]` for the source position s of output i (half-pixel centres
 * s = max((i + ½)/scale − ½, 0), or s = i·(size − 1)/(out − 1) with aligned corners),
 * i0 = ⌊s⌋, i1 = min(i0 + 1, size − 1), λ = s − i0.
 */
export interface Taps {
  readonly size: number
  readonly i0: Int32Array
  readonly i1: Int32Array
  readonly lambda: Float64Array
}

/** The {@link Taps} of PyTorch's linear interpolation by an integer scale. */
export function linearTaps(size: number, scale: number, alignCorners: boolean): Taps {
  const out = size * scale
  const i0 = new Int32Array(out)
  const i1 = new Int32Array(out)
  const lambda = new Float64Array(out)
  const step = out > 1 ? (size - 1) / (out - 1) : 0
  for (let i = 0; i < out; i++) {
    const s = alignCorners ? i * step : Math.max((i + 0.5) / scale - 0.5, 0)
    const lo = Math.min(Math.floor(s), size - 1)
    i0[i] = lo
    i1[i] = Math.min(lo + 1, size - 1)
    lambda[i] = s - lo
  }
  return { size, i0, i1, lambda }
}

/**
 * Interpolates a float NCHW tensor along `axis` (2: height, 3: width) with `taps`. Seen as
 * [outer, size, inner], output [o, i, k] = (1 − λ_i)·x[o, i0_i, k] + λ_i·x[o, i1_i, k].
 */
export function interpolate(x: Tensor, axis: 2 | 3, taps: Taps): Tensor {
  const shape = [...x.shape]
  const size = shape[axis]!
  const inner = axis === 2 ? shape[3]! : 1
  const outer = shape[0]! * shape[1]! * (axis === 2 ? 1 : shape[2]!)
  shape[axis] = taps.i0.length
  const y = floats(x.dtype as FloatDType, outer * taps.i0.length * inner)
  kernelReading(y, [x], (src: Floats) => {
    // the width (inner = 1) has a loop of its own: a third of the general one's time
    if (inner === 1) lerpLast(src, y, outer, size, taps.i0, taps.i1, taps.lambda)
    else lerpMiddle(src, y, outer, size, inner, taps.i0, taps.i1, taps.lambda)
  })
  return new Tensor(y, shape, x.dtype)
}

function lerpLast(
  src: Floats,
  y: Floats,
  outer: number,
  size: number,
  i0: Int32Array,
  i1: Int32Array,
  lambda: Float64Array,
): void {
  const out = i0.length
  let at = 0
  for (let o = 0; o < outer; o++) {
    const base = o * size
    for (let i = 0; i < out; i++) {
      const l = lambda[i]!
      y[at++] = (1 - l) * src[base + i0[i]!]! + l * src[base + i1[i]!]!
    }
  }
}

function lerpMiddle(
  src: Floats,
  y: Floats,
  outer: number,
  size: number,
  inner: number,
  i0: Int32Array,
  i1: Int32Array,
  lambda: Float64Array,
): void {
  const out = i0.length
  let at = 0
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner
    for (let i = 0; i < out; i++, at += inner) {
      const l = lambda[i]!
      const m = 1 - l
      const a = base + i0[i]! * inner
      const b = base + i1[i]! * inner
      for (let k = 0; k < inner; k++) y[at + k] = m * src[a + k]! + l * src[b + k]!
    }
  }
}

/** The adjoint of {@link interpolate}: each output's cotangent sent back to its two taps (summed in float64). */
export function interpolateAdjoint(g: Tensor, axis: 2 | 3, taps: Taps): Tensor {
  const shape = [...g.shape]
  const inner = axis === 2 ? shape[3]! : 1
  const outer = shape[0]! * shape[1]! * (axis === 2 ? 1 : shape[2]!)
  shape[axis] = taps.size
  const out = floats(g.dtype as FloatDType, outer * taps.size * inner)
  const acc = out instanceof Float64Array ? out : new Float64Array(out.length)
  kernelReading(out, [g], (src: Floats) => {
    acc.fill(0)
    if (inner === 1) scatterLast(src, acc, outer, taps.size, taps.i0, taps.i1, taps.lambda)
    else scatterMiddle(src, acc, outer, taps.size, inner, taps.i0, taps.i1, taps.lambda)
    if (acc !== out) out.set(acc)
  })
  return new Tensor(out, shape, g.dtype)
}

function scatterLast(
  src: Floats,
  acc: Float64Array,
  outer: number,
  size: number,
  i0: Int32Array,
  i1: Int32Array,
  lambda: Float64Array,
): void {
  const out = i0.length
  let at = 0
  for (let o = 0; o < outer; o++) {
    const base = o * size
    for (let i = 0; i < out; i++) {
      const l = lambda[i]!
      const v = src[at++]!
      const a = base + i0[i]!
      const b = base + i1[i]!
      acc[a] = acc[a]! + (1 - l) * v
      acc[b] = acc[b]! + l * v
    }
  }
}

function scatterMiddle(
  src: Floats,
  acc: Float64Array,
  outer: number,
  size: number,
  inner: number,
  i0: Int32Array,
  i1: Int32Array,
  lambda: Float64Array,
): void {
  const out = i0.length
  let at = 0
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner
    for (let i = 0; i < out; i++, at += inner) {
      const l = lambda[i]!
      const m = 1 - l
      const a = base + i0[i]! * inner
      const b = base + i1[i]! * inner
      for (let k = 0; k < inner; k++) {
        const v = src[at + k]!
        acc[a + k] = acc[a + k]! + m * v
        acc[b + k] = acc[b + k]! + l * v
      }
    }
  }
}
