import { allocate, type DType } from './dtype.js'
import { allocateUnfilled } from './kernels/runtime/owner.js'
import { checkFloatPair } from './matmul.js'
import { prepareWasmConv } from './kernels/conv/load.js'
import { kernels, type Conv2dShape, type FloatArray } from './seam.js'
import { checkShape, formatList, sameShape, type Shape } from './shape.js'
import { forReplay, Tensor } from './tensor.js'
import { kernel } from './internal/trace.js'
import { positiveInteger, readOptions, withDefault } from '@gd/check'
import { tensorArg } from './internal/args.js'
import { windowSpec } from './internal/checks.js'
import { window2d, type Window2d, type Window2dOptions } from './window2d.js'

/**
 * Options of {@link conv2d} and its gradients: stride, padding and dilation as in
 * {@link Window2dOptions}, plus `groups`.
 *
 * @example
 * ```ts
 * import { conv2d, zeros } from '@gd/tensor'
 * // depthwise: 4 channels, one 3×3 filter each
 * conv2d(zeros([1, 4, 8, 8]), zeros([4, 1, 3, 3]), { groups: 4, padding: 'same' }).shape // [1, 4, 8, 8]
 * ```
 */
export interface Conv2dOptions extends Window2dOptions {
  /**
   * Split input and output channels into this many independent groups (default 1). Both channel
   * counts must be divisible by it; `groups = channels` is a depthwise convolution.
   */
  groups?: number
}

/** Everything the three conv entry points need to know, validated once. */
interface Plan {
  batch: number
  channels: number
  outChannels: number
  groups: number
  /** Input channels per group. */
  cg: number
  /** Output channels per group. */
  og: number
  /** Rows of the unfolded matrix: `cg * kernelH * kernelW`. */
  depth: number
  g: Window2d
  outShape: number[]
  /** What the seam's conv kernels take. */
  shape: Conv2dShape
}

function plan(op: string, x: Shape, w: Shape, options: Conv2dOptions): Plan {
  const o = readOptions(op, options, { ...windowSpec, groups: withDefault(positiveInteger, 1) })
  if (x.length !== 4) {
    throw new Error(`${op}: input must be 4-D [batch, channels, height, width] (NCHW), got shape ${formatList(x)}`)
  }
  if (w.length !== 4) {
    throw new Error(
      `${op}: filter must be 4-D [outChannels, inChannels / groups, kernelH, kernelW] (OIHW), got shape ${formatList(w)}`,
    )
  }
  const [batch, channels, height, width] = x as [number, number, number, number]
  const [outChannels, cg, kernelH, kernelW] = w as [number, number, number, number]
  const groups = o.groups
  if (channels % groups !== 0 || outChannels % groups !== 0) {
    throw new Error(
      `${op}: groups must be a positive integer dividing input channels ${channels} and output channels ` +
        `${outChannels}, got ${groups}`,
    )
  }
  if (cg * groups !== channels) {
    throw new Error(
      `${op}: filter ${formatList(w)} expects ${cg * groups} input channels (${cg} per group, groups ${groups}), ` +
        `input ${formatList(x)} has ${channels}`,
    )
  }
  const { groups: _, ...win } = o
  const g = window2d(op, [height, width], [kernelH, kernelW], win as Window2dOptions)
  return {
    batch,
    channels,
    outChannels,
    groups,
    cg,
    og: outChannels / groups,
    depth: cg * kernelH * kernelW,
    g,
    outShape: [batch, outChannels, g.outH, g.outW],
    shape: { batch, channels, outChannels, groups, window: g },
  }
}

/**
 * 2-D convolution (strictly, cross-correlation, as in every deep-learning library) in PyTorch's
 * layout: input `x` is NCHW `[batch, channels, height, width]`, `filter` is OIHW
 * `[outChannels, channels / groups, kernelH, kernelW]`, and the result is
 * `[batch, outChannels, outH, outW]`:
 *
 * `y[n, o, oy, ox] = Σ_{c, ki, kj} x[n, g·C/G + c, oy·sh − padTop + ki·dh, ox·sw − padLeft + kj·dw] · filter[o, c, ki, kj]`
 *
 * where `g = floor(o / (O/G))` is the output channel's group and padded pixels are zero. See
 * {@link Padding2d} for the padding forms and {@link window2d} for the output size.
 * Runs on `kernels.convForward` (im2col + gemm per sample and group; in WebAssembly for float32).
 *
 * @throws Error for non-4-D operands, channel counts that do not match, bad groups, stride,
 *   dilation or padding, a kernel larger than the padded input, or non-float/mismatched dtypes.
 * @example
 * ```ts
 * import { conv2d, ones, tensor } from '@gd/tensor'
 * const x = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]])
 * x.shape // [1, 1, 3, 3]
 * conv2d(x, ones([1, 1, 2, 2])).toArray() // [[[[12, 16], [24, 28]]]]
 * conv2d(x, ones([1, 1, 3, 3]), { padding: 'same' }).shape // [1, 1, 3, 3]
 * ```
 */
export function conv2d<D extends DType>(x: Tensor<D>, filter: Tensor<D>, options: Conv2dOptions = {}): Tensor<D> {
  tensorArg('conv2d', 'x', x)
  tensorArg('conv2d', 'filter', filter)
  checkFloatPair('conv2d', x.dtype, filter.dtype)
  const p = plan('conv2d', x.shape, filter.shape, options)
  const y = output(x.dtype, p.batch * p.outChannels * p.g.outH * p.g.outW)
  if (x.dtype === 'float32') prepareWasmConv()
  const [xs, fs] = [forReplay(x), forReplay(filter)] // (a compiled step replays the call: see internal/trace.ts)
  kernel(y, () => kernels.convForward(xs.data as FloatArray, fs.data as FloatArray, p.shape, y), true)
  return new Tensor(y as Tensor<D>['storage'], p.outShape, x.dtype)
}

/**
 * Gradient of {@link conv2d} with respect to its input: given the output gradient `dy`
 * `[batch, outChannels, outH, outW]`, the `filter` and the forward input's shape, returns
 * `dx[n, c, iy, ix] = Σ dy[n, o, oy, ox] · filter[o, c, ki, kj]` over every output pixel whose
 * window put tap `(ki, kj)` on `(iy, ix)` (a transposed convolution). Options must be the
 * forward's. Runs on `kernels.convBackwardInput` (gemm with the filter transposed + col2im).
 *
 * @throws Error when `dy` does not have the forward output's shape, or as {@link conv2d}.
 * @example
 * ```ts
 * import { conv2dBackwardInput, ones } from '@gd/tensor'
 * // every input pixel of a 3×3 image is seen by this many 2×2 windows: corners 1, edges 2, centre 4
 * conv2dBackwardInput(ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), [1, 1, 3, 3]).toArray()
 * // [[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]
 * ```
 */
export function conv2dBackwardInput<D extends DType>(
  dy: Tensor<D>,
  filter: Tensor<D>,
  inputShape: readonly number[],
  options: Conv2dOptions = {},
): Tensor<D> {
  const op = 'conv2dBackwardInput'
  tensorArg(op, 'dy', dy)
  tensorArg(op, 'filter', filter)
  const shape = checkShape(op, inputShape, 'inputShape')
  checkFloatPair(op, dy.dtype, filter.dtype)
  const p = plan(op, shape, filter.shape, options)
  checkDy(op, dy, p)
  const dx = output(dy.dtype, p.batch * p.channels * p.g.height * p.g.width)
  if (dy.dtype === 'float32') prepareWasmConv()
  const [gs, fs] = [forReplay(dy), forReplay(filter)]
  kernel(dx, () => kernels.convBackwardInput(gs.data as FloatArray, fs.data as FloatArray, p.shape, dx), true)
  return new Tensor(dx as Tensor<D>['storage'], shape, dy.dtype)
}

/**
 * Gradient of {@link conv2d} with respect to its filter: given the forward input `x`, the output
 * gradient `dy` and the filter's shape, returns
 * `dfilter[o, c, ki, kj] = Σ_{n, oy, ox} dy[n, o, oy, ox] · x[n, c', oy·sh − padTop + ki·dh, ox·sw − padLeft + kj·dw]`
 * (`c'` the input channel `c` of `o`'s group). Options must be the forward's. Runs on
 * `kernels.convBackwardFilter` (im2col + gemm with the unfolded input transposed, accumulated
 * over the batch), so it costs what the forward costs.
 *
 * @throws Error when `dy` does not have the forward output's shape, or as {@link conv2d}.
 * @example
 * ```ts
 * import { conv2dBackwardFilter, ones, tensor } from '@gd/tensor'
 * const x = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]])
 * // each tap sums the 2×2 block of inputs it met: 1+2+4+5, 2+3+5+6, ...
 * conv2dBackwardFilter(x, ones([1, 1, 2, 2]), [1, 1, 2, 2]).toArray() // [[[[12, 16], [24, 28]]]]
 * ```
 */
export function conv2dBackwardFilter<D extends DType>(
  x: Tensor<D>,
  dy: Tensor<D>,
  filterShape: readonly number[],
  options: Conv2dOptions = {},
): Tensor<D> {
  const op = 'conv2dBackwardFilter'
  tensorArg(op, 'x', x)
  tensorArg(op, 'dy', dy)
  const shape = checkShape(op, filterShape, 'filterShape')
  checkFloatPair(op, x.dtype, dy.dtype)
  const p = plan(op, x.shape, shape, options)
  checkDy(op, dy, p)
  const dw = output(x.dtype, p.outChannels * p.depth)
  if (x.dtype === 'float32') prepareWasmConv()
  const [xs, gs] = [forReplay(x), forReplay(dy)]
  kernel(dw, () => kernels.convBackwardFilter(xs.data as FloatArray, gs.data as FloatArray, p.shape, dw), true)
  return new Tensor(dw as Tensor<D>['storage'], shape, x.dtype)
}

/**
 * A convolution's result storage: the conv kernels overwrite their output (the `kernels` contract; the
 * JavaScript loops and the Wasm ones zero it themselves first), so a float32 block needs no zero-fill.
 */
function output(dtype: DType, size: number): FloatArray {
  return dtype === 'float32' ? allocateUnfilled(size) : (allocate(dtype, size) as FloatArray)
}

function checkDy(op: string, dy: Tensor, p: Plan): void {
  if (!sameShape(dy.shape, p.outShape)) {
    throw new Error(
      `${op}: dy has shape ${formatList(dy.shape)}, expected the forward output shape ${formatList(p.outShape)}`,
    )
  }
}
