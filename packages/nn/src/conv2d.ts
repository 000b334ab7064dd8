import { add, conv2d as conv, reshape, type Input, type Var } from '@gd/autograd'
import { uniformInit, type Initializer } from '@gd/init'
import { prngKey, splitKey, type Conv2dOptions, type Tensor } from '@gd/tensor'
import {
  boolean,
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

/** Passed on as given: the convolution checks it when the layer is applied. */
const later: Check<unknown> = (_fn, _key, value) => value

/** Options of {@link conv2d}: the convolution's own (stride, padding, dilation, groups) plus initialization. */
export interface Conv2dLayerOptions extends Conv2dOptions {
  /** Learn a per-channel bias. Default true. */
  bias?: boolean
  /** Initializer of the filter, shape [out, in/groups, kH, kW]. Default U(±1/√fanIn), as PyTorch's. */
  weightInit?: Initializer
  /** Initializer of the bias, shape [out]. Default U(±1/√fanIn), as PyTorch's. */
  biasInit?: Initializer
}

/** Parameters of a conv2d layer: the filter w (OIHW) and, unless disabled, the bias b. */
export type Conv2dParams = {
  w: Tensor
  b?: Tensor
}

/**
 * A 2-D convolution layer on NCHW input with OIHW filters (@gd/tensor's layout).
 *
 * @throws Error for channel counts or kernel sizes that are not positive integers, or channels not
 * divisible by `groups`.
 * @example
 * ```ts
 * import { conv2d } from '@gd/nn'
 * import { zeros } from '@gd/tensor'
 * const layer = conv2d(1, 8, 5, { padding: 'same' })
 * layer.apply(layer.init(0), zeros([2, 1, 28, 28])).shape // [2, 8, 28, 28]
 * ```
 */
export function conv2d(
  inChannels: number,
  outChannels: number,
  kernelSize: number | readonly [number, number],
  options?: Conv2dLayerOptions,
): Layer<Conv2dParams> {
  options = readOptions('conv2d', options, {
    stride: optional(later),
    padding: optional(later),
    dilation: optional(later),
    groups: withDefault(positiveInteger, 1),
    bias: withDefault(boolean, true),
    weightInit: optional(func),
    biasInit: optional(func),
  }) as Conv2dLayerOptions
  positiveInteger('conv2d', 'inChannels', inChannels)
  positiveInteger('conv2d', 'outChannels', outChannels)
  const pair = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((k) => Number.isSafeInteger(k) && k > 0)) {
    fail('conv2d', 'kernelSize', 'a positive integer or a pair of them', kernelSize)
  }
  const [kh, kw] = pair as [number, number]
  const groups = options.groups as number
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new Error(
      `conv2d: inChannels ${inChannels} and outChannels ${outChannels} must both be divisible by groups ${groups}`,
    )
  }
  const { bias = true, weightInit, biasInit, ...given } = options
  // only the options given: the convolution's reader treats a key present as undefined as given
  const convOptions = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined))
  const shape = [outChannels, inChannels / groups, kh, kw]
  const bound = 1 / Math.sqrt((inChannels / groups) * kh * kw)
  const fallback: Initializer = (key, s) => uniformInit(key, s, { low: -bound, high: bound })
  return configure(
    {
      name: `conv2d(${inChannels} → ${outChannels}, ${kh}×${kw})`,
      init: (key) => {
        const [k1, k2] = splitKey(typeof key === 'number' ? prngKey(key) : key)
        const w = (weightInit ?? fallback)(k1, shape)
        return bias ? { w, b: (biasInit ?? fallback)(k2, [outChannels]) } : { w }
      },
      apply: (params, x: Input, applyOptions?: ApplyOptions) => {
        readApplyOptions('conv2d', applyOptions)
        if (!isPlainObject(params) || params.w === undefined)
          fail('conv2d', 'params', "the layer's parameters { w, b }", params)
        const y = conv(x, params.w, convOptions)
        return params.b === undefined ? y : add(y, reshape(params.b, [1, outChannels, 1, 1]))
      },
    },
    {
      kind: 'conv2d',
      inChannels,
      outChannels,
      kernelSize: [kh, kw],
      stride: given.stride ?? 1,
      padding: given.padding ?? 'valid',
      dilation: given.dilation ?? 1,
      groups,
      bias,
    },
  )
}
