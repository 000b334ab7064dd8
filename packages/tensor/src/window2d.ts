import { fail, readOptions } from '@gd/check'
import { size2d, windowSpec } from './internal/checks.js'
import { formatList } from './shape.js'

/**
 * Padding of a 2-D sliding window (convolution or pooling):
 *
 * - `'valid'`: none; only windows that fit entirely inside the input.
 * - `'same'`: TensorFlow's rule: the output has `ceil(size / stride)` rows and columns, and the
 *   total padding `max((out - 1) * stride + dilatedKernel - size, 0)` is split with the odd one
 *   at the bottom/right.
 * - `p`: `p` zeros on every side.
 * - `[ph, pw]`: `ph` at top and bottom, `pw` at left and right (PyTorch's `padding=(ph, pw)`).
 * - `[top, bottom, left, right]`: each side separately.
 *
 * @example
 * ```ts
 * import { conv2d, zeros } from '@gd/tensor'
 * conv2d(zeros([1, 1, 5, 5]), zeros([1, 1, 3, 3]), { padding: 'same' }).shape // [1, 1, 5, 5]
 * ```
 */
export type Padding2d =
  'same' | 'valid' | number | readonly [number, number] | readonly [number, number, number, number]

/**
 * One number for both spatial dimensions, or `[height, width]`.
 *
 * @example
 * ```ts
 * import { maxPool2d, zeros } from '@gd/tensor'
 * maxPool2d(zeros([1, 1, 4, 6]), { kernelSize: [2, 3] }).shape // [1, 1, 2, 2]
 * ```
 */
export type Size2d = number | readonly [number, number]

/**
 * Resolved geometry of a 2-D sliding window over one `height × width` plane: what the kernels in
 * `kernels/` receive. Output pixel `(oy, ox)` sees input pixels
 * `(oy * strideH - padTop + ki * dilationH, ox * strideW - padLeft + kj * dilationW)`.
 *
 * @example
 * ```ts
 * import { window2d } from '@gd/tensor/internal'
 * window2d('conv2d', [5, 5], [3, 3], { stride: 2, padding: 1 }).outH // 3
 * ```
 */
export interface Window2d {
  readonly height: number
  readonly width: number
  readonly kernelH: number
  readonly kernelW: number
  readonly strideH: number
  readonly strideW: number
  readonly dilationH: number
  readonly dilationW: number
  readonly padTop: number
  readonly padBottom: number
  readonly padLeft: number
  readonly padRight: number
  readonly outH: number
  readonly outW: number
}

/**
 * Stride, padding and dilation of a 2-D window; every field is optional.
 *
 * @example
 * ```ts
 * import { conv2d, zeros } from '@gd/tensor'
 * conv2d(zeros([1, 1, 9, 9]), zeros([1, 1, 3, 3]), { stride: 2, padding: [1, 1], dilation: 2 }).shape // [1, 1, 4, 4]
 * ```
 */
export interface Window2dOptions {
  /** Step between windows; default 1. */
  stride?: Size2d
  /** Default `'valid'` (no padding). */
  padding?: Padding2d
  /** Spacing between kernel taps; default 1 (a dense kernel). */
  dilation?: Size2d
}

/**
 * Validates window options and computes padding and output size for an input plane of `size` and
 * a kernel of `kernel` (both `[height, width]`).
 *
 * Output size per dimension: `floor((size + padBefore + padAfter - dilatedKernel) / stride) + 1`
 * with `dilatedKernel = (kernel - 1) * dilation + 1`.
 *
 * @throws Error naming `op` for a bad stride, dilation or padding, or a window that does not fit.
 * @example
 * ```ts
 * import { window2d } from '@gd/tensor/internal'
 * const w = window2d('conv2d', [4, 4], [3, 3], { padding: 'same' })
 * ;[w.padTop, w.padBottom, w.outH] // [1, 1, 4]
 * ```
 */
export function window2d(
  op: string,
  size: readonly [number, number],
  kernel: readonly [number, number],
  options: Window2dOptions = {},
): Window2d {
  const o = readOptions(op, options, windowSpec)
  const pair = (v: unknown, min: number): boolean =>
    Array.isArray(v) && v.length === 2 && v.every((d) => Number.isSafeInteger(d) && d >= min)
  if (!pair(size, 0)) fail(op, 'size', 'a pair of non-negative integers [height, width]', size)
  if (!pair(kernel, 1)) fail(op, 'kernel', 'a pair of positive integers [kernelH, kernelW]', kernel)
  const [height, width] = size
  const [kernelH, kernelW] = kernel
  const [strideH, strideW] = o.stride ?? [1, 1]
  const [dilationH, dilationW] = o.dilation ?? [1, 1]
  const effH = (kernelH - 1) * dilationH + 1
  const effW = (kernelW - 1) * dilationW + 1
  const [padTop, padBottom, padLeft, padRight] = resolvePadding(
    op,
    (o.padding ?? 'valid') as Padding2d,
    [height, width],
    [effH, effW],
    [strideH, strideW],
  )
  const outH = Math.floor((height + padTop + padBottom - effH) / strideH) + 1
  const outW = Math.floor((width + padLeft + padRight - effW) / strideW) + 1
  if (height + padTop + padBottom < effH || width + padLeft + padRight < effW || kernelH < 1 || kernelW < 1) {
    throw new Error(
      `${op}: window ${formatList([effH, effW])} (kernel ${formatList(kernel)}, dilation ${formatList([dilationH, dilationW])}) ` +
        `does not fit input ${formatList(size)} padded by ${formatList([padTop, padBottom, padLeft, padRight])}`,
    )
  }
  return {
    height,
    width,
    kernelH,
    kernelW,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padTop,
    padBottom,
    padLeft,
    padRight,
    outH,
    outW,
  }
}

/**
 * Reads a {@link Size2d} option as a pair of positive integers.
 *
 * @throws Error `op: name must be a positive integer or a pair of them, got 0`.
 * @example
 * ```ts
 * import { readSize2d } from '@gd/tensor/internal'
 * readSize2d('maxPool2d', 'kernelSize', 3) // [3, 3]
 * ```
 */
export function readSize2d(op: string, name: string, value: Size2d): [number, number] {
  return size2d(op, name, value)
}

function resolvePadding(
  op: string,
  padding: Padding2d,
  size: readonly [number, number],
  eff: readonly [number, number],
  stride: readonly [number, number],
): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0]
  if (padding === 'same') {
    const [top, bottom] = samePad(size[0], eff[0], stride[0])
    const [left, right] = samePad(size[1], eff[1], stride[1])
    return [top, bottom, left, right]
  }
  const list: readonly unknown[] = typeof padding === 'number' ? [padding] : Array.isArray(padding) ? padding : []
  const ok = [1, 2, 4].includes(list.length) && list.every((v) => Number.isSafeInteger(v) && (v as number) >= 0)
  if (!ok)
    fail(op, 'padding', "'same', 'valid', a non-negative integer, [ph, pw] or [top, bottom, left, right]", padding)
  const p = list as number[]
  if (p.length === 1) return [p[0]!, p[0]!, p[0]!, p[0]!]
  if (p.length === 2) return [p[0]!, p[0]!, p[1]!, p[1]!]
  return [p[0]!, p[1]!, p[2]!, p[3]!]
}

function samePad(size: number, eff: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride)
  const total = Math.max((out - 1) * stride + eff - size, 0)
  const before = Math.floor(total / 2)
  return [before, total - before]
}
