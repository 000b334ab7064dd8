import { readOptions, shape as shapeCheck } from '@gd/check'
import * as T from '@gd/tensor'
import { readSize2d, window2d } from '@gd/tensor/internal'
import { checkedLater } from '../internal/args.js'
import { withDomain } from '../internal/domain.js'
import { apply } from '../primitive.js'
import { toVar, type Input, type Var } from '../variable.js'
import { gather, reshape } from './shape.js'

/** conv2d's option names; @gd/tensor checks their values. */
const convSpec = { stride: checkedLater, padding: checkedLater, dilation: checkedLater, groups: checkedLater }
/** The pooling option names; @gd/tensor checks their values. */
const poolSpec = { kernelSize: checkedLater, stride: checkedLater, padding: checkedLater }

/** The options with their names checked (null and undefined are none). */
function convOptions<O extends object>(
  fn: string,
  options: O | undefined,
  spec: Record<keyof O, typeof checkedLater>,
): O {
  readOptions(fn, options, spec)
  return options ?? ({} as O)
}

/**
 * 2-D convolution (cross-correlation) in NCHW with OIHW filters, as @gd/tensor's `conv2d`.
 * The three ops conv2d, conv2dBackwardInput and conv2dBackwardFilter are bilinear and are each
 * other's gradients, so every order of derivative stays within them:
 * for y = conv2d(x, w), ∂x = conv2dBackwardInput(g, w) and ∂w = conv2dBackwardFilter(x, g).
 * @example
 * ```ts
 * import { conv2d } from '@gd/autograd'
 * import { ones } from '@gd/tensor'
 * conv2d(ones([1, 1, 3, 3]), ones([1, 1, 2, 2])).toArray() // [[[[4, 4], [4, 4]]]]
 * ```
 */
export function conv2d(x: Input, filter: Input, options: T.Conv2dOptions = {}): Var {
  const xv = toVar('conv2d', x)
  const wv = toVar('conv2d', filter, 'float32', 'filter')
  options = convOptions('conv2d', options, convSpec)
  return apply(
    {
      name: 'conv2d',
      forward: (a, w) => T.conv2d(a, w, options),
      // an image batch is a constant: its cotangent (a full transposed convolution) is skipped
      backward: (g, [a, w], _out, [needX, needW]) => [
        needX ? conv2dBackwardInput(g, w!, a!.shape, options) : null,
        needW ? conv2dBackwardFilter(a!, g, w!.shape, options) : null,
      ],
    },
    [xv, wv],
  )
}

/**
 * The gradient of conv2d with respect to its input (a transposed convolution), differentiable in
 * both arguments.
 * @example
 * ```ts
 * import { conv2dBackwardInput } from '@gd/autograd'
 * import { ones } from '@gd/tensor'
 * conv2dBackwardInput(ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), [1, 1, 3, 3]).shape // [1, 1, 3, 3]
 * ```
 */
export function conv2dBackwardInput(
  dy: Input,
  filter: Input,
  inputShape: readonly number[],
  options: T.Conv2dOptions = {},
): Var {
  const d = toVar('conv2dBackwardInput', dy, 'float32', 'dy')
  const f = toVar('conv2dBackwardInput', filter, 'float32', 'filter')
  shapeCheck('conv2dBackwardInput', 'inputShape', inputShape)
  options = convOptions('conv2dBackwardInput', options, convSpec)
  return apply(
    {
      name: 'conv2dBackwardInput',
      forward: (d, w) => T.conv2dBackwardInput(d, w, inputShape, options),
      backward: (g, [d, w], _out, [needD, needW]) => [
        needD ? conv2d(g, w!, options) : null,
        needW ? conv2dBackwardFilter(g, d!, w!.shape, options) : null,
      ],
    },
    [d, f],
  )
}

/**
 * The gradient of conv2d with respect to its filter, differentiable in both arguments.
 * @example
 * ```ts
 * import { conv2dBackwardFilter } from '@gd/autograd'
 * import { ones } from '@gd/tensor'
 * conv2dBackwardFilter(ones([1, 1, 3, 3]), ones([1, 1, 2, 2]), [1, 1, 2, 2]).toArray() // [[[[4, 4], [4, 4]]]]
 * ```
 */
export function conv2dBackwardFilter(
  x: Input,
  dy: Input,
  filterShape: readonly number[],
  options: T.Conv2dOptions = {},
): Var {
  const xv = toVar('conv2dBackwardFilter', x)
  const d = toVar('conv2dBackwardFilter', dy, 'float32', 'dy')
  shapeCheck('conv2dBackwardFilter', 'filterShape', filterShape)
  options = convOptions('conv2dBackwardFilter', options, convSpec)
  return apply(
    {
      name: 'conv2dBackwardFilter',
      forward: (a, d) => T.conv2dBackwardFilter(a, d, filterShape, options),
      backward: (g, [a, d], _out, [needX, needD]) => [
        needX ? conv2dBackwardInput(d!, g, a!.shape, options) : null,
        needD ? conv2d(a!, g, options) : null,
      ],
    },
    [xv, d],
  )
}

/**
 * Average pooling (NCHW). Linear, so its gradient (spreading each cotangent evenly over its window)
 * and that gradient's gradient (average pooling again) stay exact at every order.
 * @example
 * ```ts
 * import { avgPool2d } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * avgPool2d(tensor([[[[1, 2], [3, 4]]]]), { kernelSize: 2 }).toArray() // [[[[2.5]]]]
 * ```
 */
export function avgPool2d(x: Input, options: T.Pool2dOptions): Var {
  const v = toVar('avgPool2d', x)
  options = convOptions('avgPool2d', options, poolSpec)
  return apply(
    {
      name: 'avgPool2d',
      forward: (t) => T.avgPool2d(t, options),
      backward: (g) => [avgPool2dBackward(g, v.shape, options)],
    },
    [v],
  )
}

function avgPool2dBackward(dy: Var, inputShape: readonly number[], options: T.Pool2dOptions): Var {
  return apply(
    {
      name: 'avgPool2dBackward',
      forward: (d) => T.avgPool2dBackward(d, inputShape, options),
      backward: (g) => [avgPool2d(g, options)],
    },
    [dy],
  )
}

/**
 * Max pooling (NCHW). Subgradient at ties: the first maximum of a window (in row-major order) takes
 * the whole cotangent. The gradient sends the cotangent to each window's argmax with @gd/tensor's
 * `maxPool2dBackward` kernel (WebAssembly for float32); as an op of the cotangent it is linear, and
 * its own gradient gathers at the argmax, so second derivatives work too.
 * @example
 * ```ts
 * import { maxPool2d } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * maxPool2d(tensor([[[[1, 2], [3, 4]]]]), { kernelSize: 2 }).toArray() // [[[[4]]]]
 * ```
 */
export const maxPool2d = /* @__PURE__ */ withDomain(
  function maxPool2d(x: Input, options: T.Pool2dOptions): Var {
    const v = toVar('maxPool2d', x)
    options = convOptions('maxPool2d', options, poolSpec)
    return apply(
      {
        name: 'maxPool2d',
        forward: (t) => T.maxPool2d(t, options),
        backward: (g) => [maxPool2dBackward(g, v.value, options)],
      },
      [v],
    )
  },
  { x: 'distinct' }, // no window ties
)

/**
 * The gradient of max pooling as a function of its cotangent `dy` (the input `x` held fixed):
 * `dx = scatterAdd(argmax, dy)`, computed by the tensor kernel; its gradient is the gather at the
 * argmax, whose indices are found only when a second derivative asks for them.
 */
function maxPool2dBackward(dy: Var, x: T.Tensor, options: T.Pool2dOptions): Var {
  return apply(
    {
      name: 'maxPool2dBackward',
      forward: (d) => T.maxPool2dBackward(d, x, options),
      backward: (g) => [reshape(gather(reshape(g, [-1]), argmaxIndices(x, options)), dy.shape)],
    },
    [dy],
  )
}

/** For each pooling window, the flat index into x of its first maximum (a NaN counts as the maximum). */
function argmaxIndices(x: T.Tensor, options: T.Pool2dOptions): T.Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number]
  const kernel = readSize2d('maxPool2d', 'kernelSize', options.kernelSize)
  const g = window2d('maxPool2d', [h, w], kernel, {
    stride: options.stride ?? options.kernelSize,
    padding: options.padding ?? 'valid',
  })
  const data = x.data
  const out = new Int32Array(n * c * g.outH * g.outW)
  let o = 0
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        let best = -1
        let bestValue = -Infinity
        for (let i = 0; i < g.kernelH; i++) {
          const r = oh * g.strideH - g.padTop + i * g.dilationH
          if (r < 0 || r >= h) continue
          for (let j = 0; j < g.kernelW; j++) {
            const col = ow * g.strideW - g.padLeft + j * g.dilationW
            if (col < 0 || col >= w) continue
            const at = base + r * w + col
            const value = data[at]!
            if (best < 0 || value > bestValue || (value !== value && bestValue === bestValue)) {
              best = at
              bestValue = value
            }
          }
        }
        out[o++] = best
      }
    }
  }
  return new T.Tensor(out, [out.length], 'int32')
}
