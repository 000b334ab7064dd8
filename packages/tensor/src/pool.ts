import { allocate, type DType } from './dtype.js'
import { allocateUnfilled } from './kernels/runtime/owner.js'
import { checkFloatPair } from './matmul.js'
import { prepareWasmConv } from './kernels/conv/load.js'
import { kernels, type FloatArray } from './seam.js'
import { checkShape, formatList, sameShape, type Shape } from './shape.js'
import { forReplay, Tensor } from './tensor.js'
import { kernel } from './internal/trace.js'
import { fail, readOptions } from '@gd/check'
import { tensorArg } from './internal/args.js'
import { size2dArg, windowSpec } from './internal/checks.js'
import { window2d, type Padding2d, type Size2d, type Window2d } from './window2d.js'

/**
 * Options of the 2-D pooling ops.
 *
 * @example
 * ```ts
 * import { avgPool2d, zeros } from '@gd/tensor'
 * avgPool2d(zeros([1, 1, 5, 5]), { kernelSize: 3, stride: 2, padding: 'same' }).shape // [1, 1, 3, 3]
 * ```
 */
export interface Pool2dOptions {
  /** Window size, one number or `[height, width]`. Required. */
  kernelSize: Size2d
  /** Step between windows; defaults to `kernelSize` (non-overlapping windows). */
  stride?: Size2d
  /**
   * Default `'valid'`. Every side's padding must be smaller than the kernel, so each window
   * holds at least one real element. See {@link Padding2d}.
   */
  padding?: Padding2d
}

interface PoolPlan {
  planes: number
  g: Window2d
  outShape: number[]
}

function plan(op: string, x: Shape, options: Pool2dOptions): PoolPlan {
  if (x.length !== 4) {
    throw new Error(`${op}: input must be 4-D [batch, channels, height, width] (NCHW), got shape ${formatList(x)}`)
  }
  const o = readOptions(op, options, {
    kernelSize: (fn, key, v) =>
      v === undefined ? fail(fn, key, 'given (a positive integer or [height, width])', v) : size2dArg(fn, key, v),
    stride: windowSpec.stride,
    padding: windowSpec.padding,
  })
  const kernel = o.kernelSize
  const g = window2d(op, [x[2]!, x[3]!], kernel, {
    stride: o.stride ?? kernel,
    padding: (o.padding ?? 'valid') as Padding2d,
  })
  const pads = [g.padTop, g.padBottom, g.padLeft, g.padRight]
  if (g.padTop >= g.kernelH || g.padBottom >= g.kernelH || g.padLeft >= g.kernelW || g.padRight >= g.kernelW) {
    throw new Error(
      `${op}: padding ${formatList(pads)} must be smaller than the kernel ${formatList(kernel)} on every side`,
    )
  }
  return { planes: x[0]! * x[1]!, g, outShape: [x[0]!, x[1]!, g.outH, g.outW] }
}

function checkDy(op: string, dy: Tensor, p: PoolPlan): void {
  if (!sameShape(dy.shape, p.outShape)) {
    throw new Error(
      `${op}: dy has shape ${formatList(dy.shape)}, expected the forward output shape ${formatList(p.outShape)}`,
    )
  }
}

/**
 * A pooling forward's result storage: the forward kernels write every output (the backward ones add into
 * theirs, which stay zero-filled), so a float32 block needs no zero-fill.
 */
function pooled(dtype: DType, size: number): FloatArray {
  return dtype === 'float32' ? allocateUnfilled(size) : (allocate(dtype, size) as FloatArray)
}

/**
 * 2-D max pooling over NCHW input `[batch, channels, height, width]`: each output pixel is the
 * largest element of its window, `y[n, c, oy, ox] = max x[n, c, oy·sh − padTop + ki, ox·sw − padLeft + kj]`.
 * Padding never wins (it acts as −∞); a NaN in a window gives NaN.
 *
 * @throws Error for a non-4-D or non-float input, a missing or bad `kernelSize`, bad stride or
 *   padding, or padding not smaller than the kernel.
 * @example
 * ```ts
 * import { maxPool2d, tensor } from '@gd/tensor'
 * const x = tensor([[[[1, 2, 5, 6], [3, 4, 7, 8]]]])
 * x.shape // [1, 1, 2, 4]
 * maxPool2d(x, { kernelSize: 2 }).toArray() // [[[[4, 8]]]]
 * ```
 */
export function maxPool2d<D extends DType>(x: Tensor<D>, options: Pool2dOptions): Tensor<D> {
  checkFloatPair('maxPool2d', tensorArg('maxPool2d', 'x', x).dtype, x.dtype)
  const p = plan('maxPool2d', x.shape, options)
  const y = pooled(x.dtype, p.planes * p.g.outH * p.g.outW)
  if (x.dtype === 'float32') prepareWasmConv()
  const xs = forReplay(x) // (a compiled step replays the call: see internal/trace.ts)
  kernel(y, () => kernels.maxPool2d(xs.data as FloatArray, p.planes, p.g, y), true)
  return new Tensor(y as Tensor<D>['storage'], p.outShape, x.dtype)
}

/**
 * Gradient of {@link maxPool2d} with respect to its input `x`: each `dy[n, c, oy, ox]` goes to
 * the element its window picked and nowhere else (several windows may pick the same element; their
 * gradients add). Tie rule: the first maximum in row-major window order takes all the gradient
 * (NaN counts as the maximum). Options must be the forward's.
 *
 * @throws Error when `dy` does not have the forward output's shape, or as {@link maxPool2d}.
 * @example
 * ```ts
 * import { maxPool2dBackward, tensor } from '@gd/tensor'
 * const x = tensor([[[[1, 2, 5, 6], [3, 4, 7, 8]]]])
 * maxPool2dBackward(tensor([[[[10, 20]]]]), x, { kernelSize: 2 }).toArray()
 * // [[[[0, 0, 0, 0], [0, 10, 0, 20]]]]
 * ```
 */
export function maxPool2dBackward<D extends DType>(dy: Tensor<D>, x: Tensor<D>, options: Pool2dOptions): Tensor<D> {
  const op = 'maxPool2dBackward'
  tensorArg(op, 'dy', dy)
  tensorArg(op, 'x', x)
  checkFloatPair(op, dy.dtype, x.dtype)
  const p = plan(op, x.shape, options)
  checkDy(op, dy, p)
  const dx = allocate(x.dtype, x.size) as FloatArray
  if (dy.dtype === 'float32') prepareWasmConv()
  const [gs, xs] = [forReplay(dy), forReplay(x)]
  kernel(dx, () => kernels.maxPool2dBackward(gs.data as FloatArray, xs.data as FloatArray, p.planes, p.g, dx)) // (adds into zeros)
  return new Tensor(dx as Tensor<D>['storage'], [...x.shape], x.dtype)
}

/**
 * 2-D average pooling over NCHW input: each output pixel is the mean of its window's elements
 * inside the input. Padding is not counted in the mean (TensorFlow's rule; PyTorch's
 * `count_include_pad=False`), so a border window of 2 real elements divides by 2.
 *
 * @throws Error as {@link maxPool2d}.
 * @example
 * ```ts
 * import { avgPool2d, tensor } from '@gd/tensor'
 * const x = tensor([[[[1, 2, 5, 6], [3, 4, 7, 8]]]])
 * avgPool2d(x, { kernelSize: 2 }).toArray() // [[[[2.5, 6.5]]]]
 * ```
 */
export function avgPool2d<D extends DType>(x: Tensor<D>, options: Pool2dOptions): Tensor<D> {
  checkFloatPair('avgPool2d', tensorArg('avgPool2d', 'x', x).dtype, x.dtype)
  const p = plan('avgPool2d', x.shape, options)
  const y = pooled(x.dtype, p.planes * p.g.outH * p.g.outW)
  if (x.dtype === 'float32') prepareWasmConv()
  const xs = forReplay(x)
  kernel(y, () => kernels.avgPool2d(xs.data as FloatArray, p.planes, p.g, y), true)
  return new Tensor(y as Tensor<D>['storage'], p.outShape, x.dtype)
}

/**
 * Gradient of {@link avgPool2d} with respect to its input, whose shape `inputShape` is all it
 * needs: each `dy[n, c, oy, ox]` is shared equally among the real elements of its window.
 * Options must be the forward's.
 *
 * @throws Error when `dy` does not have the forward output's shape, or as {@link avgPool2d}.
 * @example
 * ```ts
 * import { avgPool2dBackward, tensor } from '@gd/tensor'
 * avgPool2dBackward(tensor([[[[4, 8]]]]), [1, 1, 2, 4], { kernelSize: 2 }).toArray()
 * // [[[[1, 1, 2, 2], [1, 1, 2, 2]]]]
 * ```
 */
export function avgPool2dBackward<D extends DType>(
  dy: Tensor<D>,
  inputShape: readonly number[],
  options: Pool2dOptions,
): Tensor<D> {
  const op = 'avgPool2dBackward'
  checkFloatPair(op, tensorArg(op, 'dy', dy).dtype, dy.dtype)
  const shape = checkShape(op, inputShape, 'inputShape')
  const p = plan(op, shape, options)
  checkDy(op, dy, p)
  const dx = allocate(dy.dtype, p.planes * p.g.height * p.g.width) as FloatArray
  if (dy.dtype === 'float32') prepareWasmConv()
  const gs = forReplay(dy)
  kernel(dx, () => kernels.avgPool2dBackward(gs.data as FloatArray, p.planes, p.g, dx)) // (adds into zeros)
  return new Tensor(dx as Tensor<D>['storage'], [...shape], dy.dtype)
}
