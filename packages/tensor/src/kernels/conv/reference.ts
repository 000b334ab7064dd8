/**
 * 2-D convolution and its two gradients as whole-batch kernels: im2col + gemm + col2im per sample
 * and group. These are the JavaScript reference kernels behind `kernels.convForward`,
 * `kernels.convBackwardInput` and `kernels.convBackwardFilter`; they take their parts (gemm,
 * im2col, col2im) as an argument, so that the seam can hand them whatever the kernel table holds.
 * @module
 */
import { gemm, type FloatArray } from '../gemm/reference.js'
import { col2im, im2col } from './im2col.js'
import type { Window2d } from '../../window2d.js'

/**
 * The sizes of one convolution call: NCHW input `[batch, channels, height, width]`, OIHW filter
 * `[outChannels, channels / groups, kernelH, kernelW]`, NCHW output `[batch, outChannels, outH, outW]`,
 * `window` giving the plane sizes, stride, dilation and padding. Arrays are contiguous from index 0.
 *
 * @example
 * ```ts
 * import type { Conv2dShape } from '@gd/tensor'
 * import { window2d } from '@gd/tensor/internal'
 * const shape: Conv2dShape = { batch: 1, channels: 1, outChannels: 1, groups: 1, window: window2d('conv2d', [3, 3], [2, 2]) }
 * ```
 */
export interface Conv2dShape {
  readonly batch: number
  readonly channels: number
  readonly outChannels: number
  /** Divides both channel counts; `groups = channels` is a depthwise convolution. */
  readonly groups: number
  readonly window: Window2d
}

/**
 * A whole-batch convolution kernel: reads `a` and `b`, overwrites every entry of `out`.
 * `convForward(x, w, shape, y)`, `convBackwardInput(dy, w, shape, dx)`, `convBackwardFilter(x, dy, shape, dw)`.
 *
 * @example
 * ```ts
 * import { kernels, type Conv2dKernel } from '@gd/tensor'
 * import { window2d } from '@gd/tensor/internal'
 * const forward: Conv2dKernel = kernels.convForward
 * const y = new Float32Array(4)
 * const shape = { batch: 1, channels: 1, outChannels: 1, groups: 1, window: window2d('conv2d', [3, 3], [2, 2]) }
 * forward(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), new Float32Array([1, 1, 1, 1]), shape, y)
 * y // Float32Array [12, 16, 24, 28]
 * ```
 */
export type Conv2dKernel = (a: FloatArray, b: FloatArray, shape: Conv2dShape, out: FloatArray) => void

/** The kernels a convolution is made of. */
export interface ConvParts {
  readonly gemm: typeof gemm
  readonly im2col: typeof im2col
  readonly col2im: typeof col2im
}

const jsParts: ConvParts = { gemm, im2col, col2im }

/** Sizes derived from a {@link Conv2dShape}. */
function sizes(s: Conv2dShape) {
  const g = s.window
  const cg = s.channels / s.groups
  const og = s.outChannels / s.groups
  return {
    g,
    cg,
    og,
    depth: cg * g.kernelH * g.kernelW,
    plane: g.height * g.width,
    outPlane: g.outH * g.outW,
    pointwise:
      g.kernelH === 1 &&
      g.kernelW === 1 &&
      g.strideH === 1 &&
      g.strideW === 1 &&
      g.padTop + g.padBottom + g.padLeft + g.padRight === 0,
  }
}

/** A scratch array of `x`'s type. */
function like(x: FloatArray, n: number): FloatArray {
  return x instanceof Float32Array ? new Float32Array(n) : new Float64Array(n)
}

/**
 * Forward convolution: `y[n, o] = Σ_c w[o, c] ⋆ x[n, g·C/G + c]` (cross-correlation), as
 * `y_ng = w_g · im2col(x_ng)` per sample and group. Writes every entry of `y`.
 *
 * @example
 * ```ts
 * import { window2d } from '@gd/tensor/internal'
 * import { convForward } from './reference.js'
 * const y = new Float64Array(4)
 * const shape = { batch: 1, channels: 1, outChannels: 1, groups: 1, window: window2d('conv2d', [3, 3], [2, 2]) }
 * convForward(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), new Float64Array([1, 1, 1, 1]), shape, y)
 * y // Float64Array [12, 16, 24, 28]
 * ```
 */
export function convForward(
  x: FloatArray,
  w: FloatArray,
  s: Conv2dShape,
  y: FloatArray,
  parts: ConvParts = jsParts,
): void {
  const { g, cg, og, depth, plane, outPlane, pointwise } = sizes(s)
  y.fill(0)
  const cols = pointwise ? x : like(x, depth * outPlane)
  for (let n = 0; n < s.batch; n++) {
    for (let gi = 0; gi < s.groups; gi++) {
      const xOffset = (n * s.channels + gi * cg) * plane
      if (!pointwise) parts.im2col(x, xOffset, cg, g, cols)
      parts.gemm(
        og,
        outPlane,
        depth,
        w,
        gi * og * depth,
        depth,
        1,
        cols,
        pointwise ? xOffset : 0,
        outPlane,
        1,
        y,
        (n * s.outChannels + gi * og) * outPlane,
        outPlane,
      )
    }
  }
}

/**
 * Gradient with respect to the input: `dcols = w_gᵀ · dy_ng`, then `col2im` adds each column back
 * where im2col read it. Writes every entry of `dx`.
 *
 * @example
 * ```ts
 * import { window2d } from '@gd/tensor/internal'
 * import { convBackwardInput } from './reference.js'
 * const dx = new Float64Array(9)
 * const shape = { batch: 1, channels: 1, outChannels: 1, groups: 1, window: window2d('conv2d', [3, 3], [2, 2]) }
 * convBackwardInput(new Float64Array([1, 1, 1, 1]), new Float64Array([1, 1, 1, 1]), shape, dx)
 * dx // Float64Array [1, 2, 1, 2, 4, 2, 1, 2, 1]
 * ```
 */
export function convBackwardInput(
  dy: FloatArray,
  w: FloatArray,
  s: Conv2dShape,
  dx: FloatArray,
  parts: ConvParts = jsParts,
): void {
  const { g, cg, og, depth, plane, outPlane, pointwise } = sizes(s)
  dx.fill(0)
  const dcols = pointwise ? dx : like(dy, depth * outPlane)
  for (let n = 0; n < s.batch; n++) {
    for (let gi = 0; gi < s.groups; gi++) {
      const dxOffset = (n * s.channels + gi * cg) * plane
      if (!pointwise) dcols.fill(0)
      parts.gemm(
        depth,
        outPlane,
        og,
        w,
        gi * og * depth,
        1,
        depth,
        dy,
        (n * s.outChannels + gi * og) * outPlane,
        outPlane,
        1,
        dcols,
        pointwise ? dxOffset : 0,
        outPlane,
      )
      if (!pointwise) parts.col2im(dcols, cg, g, dx, dxOffset)
    }
  }
}

/**
 * Gradient with respect to the filter: `dw_g = Σ_n dy_ng · im2col(x_ng)ᵀ`. Writes every entry of `dw`.
 *
 * @example
 * ```ts
 * import { window2d } from '@gd/tensor/internal'
 * import { convBackwardFilter } from './reference.js'
 * const dw = new Float64Array(4)
 * const shape = { batch: 1, channels: 1, outChannels: 1, groups: 1, window: window2d('conv2d', [3, 3], [2, 2]) }
 * convBackwardFilter(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), new Float64Array([1, 1, 1, 1]), shape, dw)
 * dw // Float64Array [12, 16, 24, 28]
 * ```
 */
export function convBackwardFilter(
  x: FloatArray,
  dy: FloatArray,
  s: Conv2dShape,
  dw: FloatArray,
  parts: ConvParts = jsParts,
): void {
  const { g, cg, og, depth, plane, outPlane, pointwise } = sizes(s)
  dw.fill(0)
  const cols = pointwise ? x : like(x, depth * outPlane)
  for (let n = 0; n < s.batch; n++) {
    for (let gi = 0; gi < s.groups; gi++) {
      const xOffset = (n * s.channels + gi * cg) * plane
      if (!pointwise) parts.im2col(x, xOffset, cg, g, cols)
      parts.gemm(
        og,
        depth,
        outPlane,
        dy,
        (n * s.outChannels + gi * og) * outPlane,
        outPlane,
        1,
        cols,
        pointwise ? xOffset : 0,
        1,
        outPlane,
        dw,
        gi * og * depth,
        depth,
      )
    }
  }
}
