import type { Input } from '@gd/autograd'
import { uniformInit, type Initializer } from '@gd/init'
import { splitKey, prngKey, type Tensor } from '@gd/tensor'
import { boolean, fail, func, isPlainObject, optional, positiveInteger, readOptions, withDefault } from '@gd/check'
import { readApplyOptions } from './internal/checks.js'
import type { ApplyOptions, Layer } from './layer.js'
import { configure } from './internal/described.js'
import { dense } from './internal/dense.js'

/** Options of {@link linear}. */
export interface LinearOptions {
  /** Learn a bias b. Default true. */
  bias?: boolean
  /** Initializer of W, shape [in, out]. Default U(−1/√in, 1/√in), as PyTorch's `nn.Linear`. */
  weightInit?: Initializer
  /** Initializer of b, shape [out]. Default U(−1/√in, 1/√in), as PyTorch's. */
  biasInit?: Initializer
}

/** Parameters of a linear layer: W of shape [in, out] and, unless disabled, b of shape [out]. */
export type LinearParams = {
  w: Tensor
  b?: Tensor
}

/**
 * A fully connected (dense) layer, ŷ = x·W + b, over the last axis of x. With no activation after it,
 * it is the linear output unit of a Gaussian model (paired with mean squared error).
 *
 * @throws Error for feature counts that are not positive integers.
 * @example
 * ```ts
 * import { linear } from '@gd/nn'
 * import { heNormalInit } from '@gd/init'
 * import { zeros } from '@gd/tensor'
 * const layer = linear(784, 128, { weightInit: (key, shape) => heNormalInit(key, shape) })
 * layer.apply(layer.init(42), zeros([32, 784])).shape // [32, 128]
 * ```
 */
export function linear(inFeatures: number, outFeatures: number, options?: LinearOptions): Layer<LinearParams> {
  positiveInteger('linear', 'inFeatures', inFeatures)
  positiveInteger('linear', 'outFeatures', outFeatures)
  options = readOptions('linear', options, {
    bias: withDefault(boolean, true),
    weightInit: optional(func),
    biasInit: optional(func),
  }) as LinearOptions
  const bound = 1 / Math.sqrt(inFeatures)
  const fallback: Initializer = (key, shape) => uniformInit(key, shape, { low: -bound, high: bound })
  const useBias = options.bias ?? true
  return configure(
    {
      name: `linear(${inFeatures} → ${outFeatures})`,
      init: (key) => {
        const [kw, kb] = splitKey(typeof key === 'number' ? prngKey(key) : key)
        const w = (options.weightInit ?? fallback)(kw, [inFeatures, outFeatures])
        return useBias ? { w, b: (options.biasInit ?? fallback)(kb, [outFeatures]) } : { w }
      },
      apply: (params, x: Input, applyOptions?: ApplyOptions) => {
        readApplyOptions('linear', applyOptions)
        if (!isPlainObject(params) || params.w === undefined)
          fail('linear', 'params', "the layer's parameters { w, b }", params)
        // one primitive for x·W + b where autograd's affine takes it (the same bits as matmul then add)
        return dense(x, params.w, params.b)
      },
    },
    { kind: 'linear', inFeatures, outFeatures, bias: useBias },
  )
}
