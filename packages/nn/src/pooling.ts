import { avgPool2d as avg, flatten as flat, maxPool2d as maxp } from '@gd/autograd'
import type { Pool2dOptions } from '@gd/tensor'
import { optional, readOptions, rule, type Check } from '@gd/check'
import { described } from './internal/described.js'
import type { Layer } from './layer.js'

/** Values are checked by the pooling op when the layer is applied; names are checked here. */
const later: Check<unknown> = (_fn, _key, value) => value
/** A pooling layer's config: its options, the defaults filled in (values are checked when applied). */
const poolConfig = (kind: string, o: Pool2dOptions) => ({
  kind,
  kernelSize: o.kernelSize,
  stride: o.stride ?? o.kernelSize,
  padding: o.padding ?? 'valid',
})
const poolSpec = {
  kernelSize: /* @__PURE__ */ rule<unknown>('given', (v) => v !== undefined),
  stride: /* @__PURE__ */ optional(later),
  padding: /* @__PURE__ */ optional(later),
}

/**
 * Max pooling over NCHW input; no parameters.
 * @example
 * ```ts
 * import { maxPool2d } from '@gd/nn'
 * import { zeros } from '@gd/tensor'
 * maxPool2d({ kernelSize: 2 }).apply({}, zeros([1, 8, 28, 28])).shape // [1, 8, 14, 14]
 * ```
 */
export function maxPool2d(options: Pool2dOptions): Layer<Record<string, never>> {
  readOptions('maxPool2d', options, poolSpec)
  return described('maxPool2d', poolConfig('maxPool2d', options), (x) => maxp(x, options))
}

/**
 * Average pooling over NCHW input; no parameters.
 * @example
 * ```ts
 * import { avgPool2d } from '@gd/nn'
 * import { zeros } from '@gd/tensor'
 * avgPool2d({ kernelSize: 2 }).apply({}, zeros([1, 8, 28, 28])).shape // [1, 8, 14, 14]
 * ```
 */
export function avgPool2d(options: Pool2dOptions): Layer<Record<string, never>> {
  readOptions('avgPool2d', options, poolSpec)
  return described('avgPool2d', poolConfig('avgPool2d', options), (x) => avg(x, options))
}

/**
 * Flattens every example to a vector: [batch, ...] → [batch, features].
 * @example
 * ```ts
 * import { flatten } from '@gd/nn'
 * import { zeros } from '@gd/tensor'
 * flatten().apply({}, zeros([4, 16, 4, 4])).shape // [4, 256]
 * ```
 */
export function flatten(): Layer<Record<string, never>> {
  return described('flatten', { kind: 'flatten' }, (x) => flat(x, { keepBatch: true }))
}
