/**
 * im2col and col2im: the layout change that turns a 2-D convolution into one matrix multiply.
 * @module
 */
import type { Window2d } from '../../window2d.js'
import type { FloatArray } from '../gemm/reference.js'

/**
 * Unfolds `channels` contiguous `height × width` planes of `x` (starting at `xOffset`) into the
 * column matrix `cols` of shape `[channels * kernelH * kernelW, outH * outW]`, row-major:
 *
 * `cols[(c * kernelH + ki) * kernelW + kj, oy * outW + ox] = x[c, oy * strideH - padTop + ki * dilationH, ox * strideW - padLeft + kj * dilationW]`
 *
 * with zero where the tap falls in the padding. Every entry of `cols` is written.
 *
 * @example
 * ```ts
 * import { window2d } from '@gd/tensor/internal'
 * import { im2col } from './im2col.js'
 * // one 2×2 plane, 1×1 kernel: cols is the plane itself
 * const cols = new Float32Array(4)
 * im2col(new Float32Array([1, 2, 3, 4]), 0, 1, window2d('conv2d', [2, 2], [1, 1]), cols)
 * cols // Float32Array [1, 2, 3, 4]
 * ```
 */
export function im2col(x: FloatArray, xOffset: number, channels: number, g: Window2d, cols: FloatArray): void {
  const { height, width, kernelH, kernelW, outH, outW } = g
  const plane = height * width
  let row = 0
  for (let c = 0; c < channels; c++) {
    const base = xOffset + c * plane
    for (let ki = 0; ki < kernelH; ki++) {
      for (let kj = 0; kj < kernelW; kj++, row++) {
        const x0 = kj * g.dilationW - g.padLeft
        const [lo, hi] = validRange(x0, g.strideW, width, outW)
        let dst = row * outH * outW
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * g.strideH - g.padTop + ki * g.dilationH
          if (iy < 0 || iy >= height) {
            for (let ox = 0; ox < outW; ox++) cols[dst++] = 0
            continue
          }
          const src = base + iy * width + x0
          for (let ox = 0; ox < lo; ox++) cols[dst++] = 0
          for (let ox = lo; ox < hi; ox++) cols[dst++] = x[src + ox * g.strideW]!
          for (let ox = hi; ox < outW; ox++) cols[dst++] = 0
        }
      }
    }
  }
}

/**
 * The adjoint of {@link im2col}: adds every entry of `cols` back into the input pixel it was read
 * from (`dx[c, iy, ix] += cols[row, col]`), skipping taps that fell in the padding. Overlapping
 * windows add up, which is exactly the gradient of a convolution with respect to its input.
 *
 * @example
 * ```ts
 * import { window2d } from '@gd/tensor/internal'
 * import { col2im } from './im2col.js'
 * const dx = new Float32Array(4)
 * col2im(new Float32Array([1, 2, 3, 4]), 1, window2d('conv2d', [2, 2], [1, 1]), dx, 0)
 * dx // Float32Array [1, 2, 3, 4]
 * ```
 */
export function col2im(cols: FloatArray, channels: number, g: Window2d, dx: FloatArray, dxOffset: number): void {
  const { height, width, kernelH, kernelW, outH, outW } = g
  const plane = height * width
  let row = 0
  for (let c = 0; c < channels; c++) {
    const base = dxOffset + c * plane
    for (let ki = 0; ki < kernelH; ki++) {
      for (let kj = 0; kj < kernelW; kj++, row++) {
        const x0 = kj * g.dilationW - g.padLeft
        const [lo, hi] = validRange(x0, g.strideW, width, outW)
        const rowStart = row * outH * outW
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * g.strideH - g.padTop + ki * g.dilationH
          if (iy < 0 || iy >= height) continue
          const dst = base + iy * width + x0
          const src = rowStart + oy * outW
          for (let ox = lo; ox < hi; ox++) {
            const at = dst + ox * g.strideW
            dx[at] = dx[at]! + cols[src + ox]!
          }
        }
      }
    }
  }
}

/** The output columns `[lo, hi)` whose tap `x0 + ox * stride` lands inside `[0, width)`. */
function validRange(x0: number, stride: number, width: number, outW: number): [number, number] {
  const lo = x0 >= 0 ? 0 : Math.ceil(-x0 / stride)
  const hi = x0 >= width ? 0 : Math.min(outW, Math.floor((width - 1 - x0) / stride) + 1)
  return [Math.min(lo, outW), Math.max(hi, Math.min(lo, outW))]
}
