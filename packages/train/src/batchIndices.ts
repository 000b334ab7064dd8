import { arrayOf, boolean, fail, nonNegativeInteger, positiveInteger, readOptions, withDefault } from '@gd/check'

/** Options for {@link batchIndices}. */
export interface BatchIndicesOptions {
  /** Drop a last batch smaller than `batchSize`; `false` unless said otherwise. */
  dropLast?: boolean
}

/**
 * Splits example indices `0..n-1` (or a given order of them) into consecutive batches.
 * `batchSize = n` is batch gradient descent, `1` stochastic, anything between mini-batch.
 *
 * @throws Error for a batch size that is not a positive integer.
 * @example
 * ```ts
 * import { batchIndices } from '@gd/train'
 * batchIndices(5, 2) // [[0, 1], [2, 3], [4]]
 * batchIndices(5, 2, { dropLast: true }) // [[0, 1], [2, 3]]
 * ```
 */
export function batchIndices(
  n: number | readonly number[],
  batchSize: number,
  options?: BatchIndicesOptions,
): number[][] {
  const fn = 'batchIndices'
  if (typeof n === 'number') {
    if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 32 - 1)
      fail(fn, 'n', 'a non-negative integer below 2**32 or a list of indices', n)
  } else if (!Array.isArray(n)) {
    fail(fn, 'n', 'a non-negative integer below 2**32 or a list of indices', n)
  } else {
    arrayOf(nonNegativeInteger)(fn, 'n', n)
  }
  positiveInteger(fn, 'batchSize', batchSize)
  const { dropLast } = readOptions(fn, options, { dropLast: withDefault(boolean, false) })
  const order = typeof n === 'number' ? Array.from({ length: n }, (_, i) => i) : [...n]
  const out: number[][] = []
  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize)
    if (batch.length < batchSize && dropLast) break
    out.push(batch)
  }
  return out
}
