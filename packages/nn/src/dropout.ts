import { mul, toVar } from '@gd/autograd'
import { bernoulli } from '@gd/tensor'
import { within } from '@gd/check'
import { described } from './internal/described.js'
import type { Layer } from './layer.js'

/**
 * Dropout: in training, zeroes each element with probability `rate` and scales the rest by
 * 1/(1 − rate) so the expected value is unchanged ("inverted" dropout); at inference, the identity.
 * The mask comes from the `key` passed to `apply`, so runs are reproducible.
 *
 * @throws Error for a rate outside [0, 1), or when training without a key.
 * @example
 * ```ts
 * import { dropout } from '@gd/nn'
 * import { ones, prngKey } from '@gd/tensor'
 * const layer = dropout(0.5)
 * layer.apply({}, ones([4]), { train: true, key: prngKey(1) }).toArray() // each 0 or 2
 * layer.apply({}, ones([4])).toArray() // [1, 1, 1, 1]
 * ```
 */
export function dropout(rate: number): Layer<Record<string, never>> {
  within({ min: 0, max: 1, maxOpen: true })('dropout', 'rate', rate)
  return described(`dropout(${rate})`, { kind: 'dropout', rate }, (x, options) => {
    const v = toVar('dropout', x)
    if (options.train !== true || rate === 0) return v
    if (options.key === undefined)
      throw new Error('dropout: training needs a key in apply options ({ train: true, key })')
    const dtype = v.dtype === 'float64' ? 'float64' : 'float32'
    const keep = bernoulli(options.key, v.shape, { p: 1 - rate, dtype })
    return mul(v, mul(keep, 1 / (1 - rate)))
  })
}
