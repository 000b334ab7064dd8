import { add, conv2dBackwardInput, reshape, toVar, Var, type Input } from '@gd/autograd'
import { uniformInit, type Initializer } from '@gd/init'
import { prngKey, splitKey, Tensor } from '@gd/tensor'
import { checkShape } from '@gd/tensor/internal'
import {
  boolean,
  complaint,
  fail,
  func,
  isPlainObject,
  optional,
  positiveInteger,
  readOptions,
  withDefault,
  type Check,
} from '@gd/check'
import { readApplyOptions } from './internal/checks.js'
import type { ApplyOptions, Layer } from './layer.js'
import { configure } from './internal/described.js'

/**
 * Options of {@link convTranspose2d}, named as PyTorch's `nn.ConvTranspose2d` arguments.
 * @example
 * ```ts
 * import { convTranspose2d, type ConvTranspose2dOptions } from '@gd/nn'
 * const doubling: ConvTranspose2dOptions = { stride: 2, padding: 1, outputPadding: 1 } // with kernel 3: H → 2H
 * convTranspose2d(16, 8, 3, doubling).name // 'convTranspose2d(16 → 8, 3×3)'
 * ```
 */
export interface ConvTranspose2dOptions {
  /** Step between the input pixels' places in the output, one number or `[sh, sw]`. Default 1. */
  stride?: number | readonly [number, number]
  /** Rows (columns) cut from each side of the full output, one number or `[ph, pw]`. Default 0. */
  padding?: number | readonly [number, number]
  /** Rows (columns) added at the bottom (right) of the output, each smaller than the stride. Default 0. */
  outputPadding?: number | readonly [number, number]
  /** Spacing between kernel taps, one number or `[dh, dw]`. Default 1. */
  dilation?: number | readonly [number, number]
  /** Independent channel groups; both channel counts must be divisible by it. Default 1. */
  groups?: number
  /** Learn a per-channel bias. Default true. */
  bias?: boolean
  /** Initializer of the filter, shape [in, out/groups, kH, kW]. Default U(±1/√(out/groups·kH·kW)), as PyTorch's. */
  weightInit?: Initializer
  /** Initializer of the bias, shape [out]. Default U(±1/√(out/groups·kH·kW)), as PyTorch's. */
  biasInit?: Initializer
}

/**
 * Parameters of a convTranspose2d layer: the filter `w` of shape [in, out/groups, kH, kW] (PyTorch's
 * `ConvTranspose2d.weight` layout, element for element) and, unless disabled, the bias `b` of shape [out].
 * @example
 * ```ts
 * import { convTranspose2d, type ConvTranspose2dParams } from '@gd/nn'
 * const params: ConvTranspose2dParams = convTranspose2d(64, 32, 4).init(0)
 * params.w.shape // [64, 32, 4, 4]
 * ```
 */
export type ConvTranspose2dParams = {
  w: Tensor
  b?: Tensor
}

const FN = 'convTranspose2d'

/** One non-negative (or positive) integer for both sides, or a pair `[height, width]`. */
function pair(min: number, expected: string): Check<[number, number]> {
  return (fn, key, value) => {
    const p: readonly unknown[] = typeof value === 'number' ? [value, value] : Array.isArray(value) ? value : []
    if (p.length !== 2 || !p.every((v) => Number.isSafeInteger(v) && (v as number) >= min))
      fail(fn, key, expected, value)
    return [p[0] as number, p[1] as number]
  }
}

const positivePair = /* @__PURE__ */ pair(1, 'a positive integer or a pair of them')
const nonNegativePair = /* @__PURE__ */ pair(0, 'a non-negative integer or a pair of them')

/** outputPadding: a non-negative pair below the stride read just before it. */
const outputPaddingCheck: Check<[number, number]> = (fn, key, value, read) => {
  const p = nonNegativePair(fn, key, value)
  const stride = read!.stride as [number, number]
  if (p[0] >= stride[0] || p[1] >= stride[1]) fail(fn, key, `smaller than the stride [${stride.join(',')}]`, value)
  return p
}

// every call annotated pure, so a program that imports other layers drops this module whole
const spec = {
  stride: /* @__PURE__ */ withDefault(positivePair, [1, 1] as [number, number]),
  padding: /* @__PURE__ */ withDefault(nonNegativePair, [0, 0] as [number, number]),
  outputPadding: /* @__PURE__ */ withDefault(outputPaddingCheck, [0, 0] as [number, number]),
  dilation: /* @__PURE__ */ withDefault(positivePair, [1, 1] as [number, number]),
  groups: /* @__PURE__ */ withDefault(positiveInteger, 1),
  bias: /* @__PURE__ */ withDefault(boolean, true),
  weightInit: /* @__PURE__ */ optional(func),
  biasInit: /* @__PURE__ */ optional(func),
}

const isTensorLike = (v: unknown): v is Tensor | Var => v instanceof Tensor || v instanceof Var
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i])

/**
 * A 2-D transposed convolution layer on NCHW input, with PyTorch's `nn.ConvTranspose2d` semantics: each
 * input pixel `x[n, c, i, j]` adds `x[n, c, i, j] · w[c, o, ki, kj]` to the output pixel
 * `(i·sh − ph + ki·dh, j·sw − pw + kj·dw)` of every output channel `o` of its group (out-of-range
 * places are dropped), then the bias is added. The output is
 * `[batch, out, (H − 1)·sh − 2·ph + dh·(kH − 1) + oph + 1, (W − 1)·sw − 2·pw + dw·(kW − 1) + opw + 1]`.
 *
 * It is the gradient of {@link conv2d} with respect to its input (`conv2dBackwardInput` of
 * @gd/autograd, differentiable to every order), so a stride-2 transposed convolution undoes the shape
 * of a stride-2 convolution: a DCGAN generator grows 7×7 to 14×14 to 28×28 with `kernelSize 4,
 * stride 2, padding 1` (or kernel 3, padding 1, outputPadding 1).
 *
 * Layout: the filter `w` is [in, out/groups, kH, kW], as PyTorch stores `ConvTranspose2d.weight`, so
 * PyTorch weights load as they are; it is also the OIHW filter of the forward convolution this layer
 * transposes. The default initialization is PyTorch's: U(±1/√fanIn) for `w` and `b`, where fanIn is
 * computed from `w`'s shape as PyTorch does, `(out/groups)·kH·kW`.
 *
 * @throws Error for channel counts or kernel sizes that are not positive integers, channels not
 * divisible by `groups`, an `outputPadding` not smaller than the stride, and (when applied) an input
 * that is not float NCHW with `in` channels, parameters of other shapes or dtypes, or an empty output.
 * @example
 * ```ts
 * import { convTranspose2d } from '@gd/nn'
 * import { zeros } from '@gd/tensor'
 * const up = convTranspose2d(64, 32, 3, { stride: 2, padding: 1, outputPadding: 1 })
 * up.apply(up.init(0), zeros([8, 64, 7, 7])).shape // [8, 32, 14, 14]
 * ```
 */
export function convTranspose2d(
  inChannels: number,
  outChannels: number,
  kernelSize: number | readonly [number, number],
  options?: ConvTranspose2dOptions,
): Layer<ConvTranspose2dParams> {
  const o = readOptions(FN, options, spec)
  positiveInteger(FN, 'inChannels', inChannels)
  positiveInteger(FN, 'outChannels', outChannels)
  const [kh, kw] = positivePair(FN, 'kernelSize', kernelSize)
  const { stride, padding, outputPadding, dilation, groups, bias } = o
  const weightInit = o.weightInit as Initializer | undefined
  const biasInit = o.biasInit as Initializer | undefined
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new Error(
      `${FN}: inChannels ${inChannels} and outChannels ${outChannels} must both be divisible by groups ${groups}`,
    )
  }
  const wShape = [inChannels, outChannels / groups, kh, kw]
  const bound = 1 / Math.sqrt((outChannels / groups) * kh * kw)
  const fallback: Initializer = (key, s) => uniformInit(key, s, { low: -bound, high: bound })
  const convOptions = { stride, padding, dilation, groups }
  const outSize = (size: number, d: 0 | 1) =>
    (size - 1) * stride[d] - 2 * padding[d] + dilation[d] * ([kh, kw][d]! - 1) + outputPadding[d] + 1
  return configure(
    {
      name: `${FN}(${inChannels} → ${outChannels}, ${kh}×${kw})`,
      init: (key) => {
        const [k1, k2] = splitKey(typeof key === 'number' ? prngKey(key) : key)
        const w = (weightInit ?? fallback)(k1, wShape)
        return bias ? { w, b: (biasInit ?? fallback)(k2, [outChannels]) } : { w }
      },
      apply: (params, x: Input, applyOptions?: ApplyOptions) => {
        readApplyOptions(FN, applyOptions)
        if (!isPlainObject(params) || params.w === undefined)
          fail(FN, 'params', "the layer's parameters { w, b }", params)
        const xv = toVar(FN, x)
        const dtype = xv.dtype
        if ((dtype !== 'float32' && dtype !== 'float64') || xv.rank !== 4 || xv.shape[1] !== inChannels) {
          fail(FN, 'x', `a float32 or float64 tensor of shape [batch, ${inChannels}, height, width]`, x)
        }
        const { w, b } = params
        if (!isTensorLike(w) || w.dtype !== dtype || !sameShape(w.shape, wShape)) {
          fail(FN, 'params.w', `a ${dtype} tensor of shape [${wShape.join(',')}]`, w)
        }
        if (b !== undefined && (!isTensorLike(b) || b.dtype !== dtype || !sameShape(b.shape, [outChannels]))) {
          fail(FN, 'params.b', `a ${dtype} tensor of shape [${outChannels}]`, b)
        }
        const [n, , h, wd] = xv.shape as [number, number, number, number]
        const outH = outSize(h, 0)
        const outW = outSize(wd, 1)
        if (h < 1 || wd < 1 || outH < 1 || outW < 1) {
          throw complaint(FN, 'x', `gives an empty output (${outH}×${outW}) with padding [${padding.join(',')}]`, x)
        }
        const outShape = checkShape(FN, [n, outChannels, outH, outW], 'output shape')
        const y = conv2dBackwardInput(xv, w, outShape, convOptions)
        return b === undefined ? y : add(y, reshape(b, [1, outChannels, 1, 1]))
      },
    },
    { kind: FN, inChannels, outChannels, kernelSize: [kh, kw], stride, padding, outputPadding, dilation, groups, bias },
  )
}
