/**
 * Max and average pooling over contiguous `height × width` planes, forward and backward.
 * Each function handles `planes` planes laid out one after another (batch × channels in NCHW).
 * @module
 */
import type { Window2d } from '../../window2d.js'
import type { FloatArray } from '../gemm/reference.js'

/**
 * Index in the plane of the element a max-pooling window picks: the first maximum in row-major
 * window order (ties go to the earliest), or the first NaN if the window holds one, so NaN
 * propagates. Returns -1 only for a window that lies entirely in the padding.
 */
function argmaxInWindow(x: FloatArray, base: number, g: Window2d, oy: number, ox: number): number {
  let best = -Infinity
  let at = -1
  for (let ki = 0; ki < g.kernelH; ki++) {
    const iy = oy * g.strideH - g.padTop + ki * g.dilationH
    if (iy < 0 || iy >= g.height) continue
    for (let kj = 0; kj < g.kernelW; kj++) {
      const ix = ox * g.strideW - g.padLeft + kj * g.dilationW
      if (ix < 0 || ix >= g.width) continue
      const i = iy * g.width + ix
      const v = x[base + i]!
      if (v !== v) return i
      if (v > best || at < 0) {
        best = v
        at = i
      }
    }
  }
  return at
}

/**
 * Max pooling forward: `y[p, oy, ox] = max` over the window's in-bounds taps (padding never wins).
 *
 * @example
 * ```ts
 * import { window2d } from '@gd/tensor/internal'
 * import { maxPoolForward } from './reference.js'
 * const y = new Float32Array(1)
 * maxPoolForward(new Float32Array([1, 5, 3, 2]), 1, window2d('maxPool2d', [2, 2], [2, 2]), y)
 * y // Float32Array [5]
 * ```
 */
export function maxPoolForward(x: FloatArray, planes: number, g: Window2d, y: FloatArray): void {
  const inPlane = g.height * g.width
  let o = 0
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const at = argmaxInWindow(x, base, g, oy, ox)
        y[o++] = at < 0 ? -Infinity : x[base + at]!
      }
    }
  }
}

/**
 * Max pooling backward: each `dy[p, oy, ox]` is added to `dx` at the element its window picked
 * (the first maximum; see `argmaxInWindow`). `dx` is accumulated into, so pass zeros.
 *
 * @example
 * ```ts
 * import { window2d } from '@gd/tensor/internal'
 * import { maxPoolBackward } from './reference.js'
 * const dx = new Float32Array(4)
 * maxPoolBackward(new Float32Array([7]), new Float32Array([1, 5, 3, 2]), 1, window2d('maxPool2d', [2, 2], [2, 2]), dx)
 * dx // Float32Array [0, 7, 0, 0]
 * ```
 */
export function maxPoolBackward(dy: FloatArray, x: FloatArray, planes: number, g: Window2d, dx: FloatArray): void {
  const inPlane = g.height * g.width
  let o = 0
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++, o++) {
        const at = argmaxInWindow(x, base, g, oy, ox)
        if (at >= 0) dx[base + at] = dx[base + at]! + dy[o]!
      }
    }
  }
}

/** Rows `[y0, y1)` and columns `[x0, x1)` of the input a window covers, clipped to the plane. */
function windowBounds(g: Window2d, oy: number, ox: number): [number, number, number, number] {
  const top = oy * g.strideH - g.padTop
  const left = ox * g.strideW - g.padLeft
  return [Math.max(top, 0), Math.min(top + g.kernelH, g.height), Math.max(left, 0), Math.min(left + g.kernelW, g.width)]
}

/**
 * Average pooling forward: the mean of the window's in-bounds elements (padding is not counted,
 * as TensorFlow does and PyTorch's `count_include_pad=False`). Dilation is ignored (pooling has none).
 *
 * @example
 * ```ts
 * import { window2d } from '@gd/tensor/internal'
 * import { avgPoolForward } from './reference.js'
 * const y = new Float32Array(1)
 * avgPoolForward(new Float32Array([1, 5, 3, 3]), 1, window2d('avgPool2d', [2, 2], [2, 2]), y)
 * y // Float32Array [3]
 * ```
 */
export function avgPoolForward(x: FloatArray, planes: number, g: Window2d, y: FloatArray): void {
  const inPlane = g.height * g.width
  let o = 0
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const [y0, y1, x0, x1] = windowBounds(g, oy, ox)
        let sum = 0
        for (let iy = y0; iy < y1; iy++) {
          const row = base + iy * g.width
          for (let ix = x0; ix < x1; ix++) sum += x[row + ix]!
        }
        y[o++] = sum / ((y1 - y0) * (x1 - x0))
      }
    }
  }
}

/**
 * Average pooling backward: each `dy[p, oy, ox]` is spread evenly over the window's in-bounds
 * elements of `dx` (accumulated into, so pass zeros).
 *
 * @example
 * ```ts
 * import { window2d } from '@gd/tensor/internal'
 * import { avgPoolBackward } from './reference.js'
 * const dx = new Float32Array(4)
 * avgPoolBackward(new Float32Array([8]), 1, window2d('avgPool2d', [2, 2], [2, 2]), dx)
 * dx // Float32Array [2, 2, 2, 2]
 * ```
 */
export function avgPoolBackward(dy: FloatArray, planes: number, g: Window2d, dx: FloatArray): void {
  const inPlane = g.height * g.width
  let o = 0
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const [y0, y1, x0, x1] = windowBounds(g, oy, ox)
        const share = dy[o++]! / ((y1 - y0) * (x1 - x0))
        for (let iy = y0; iy < y1; iy++) {
          const row = base + iy * g.width
          for (let ix = x0; ix < x1; ix++) dx[row + ix] = dx[row + ix]! + share
        }
      }
    }
  }
}
