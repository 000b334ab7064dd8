import {
  boolean,
  either,
  fail,
  nonNegativeInteger,
  oneOf,
  optional,
  positiveInteger,
  readOptions,
  rule,
  withDefault,
} from '@gd/check'
import { foldIn, permutation, type PRNGKey } from '@gd/tensor'
import { checkKey } from '@gd/tensor/internal'

const batchSizeCheck = either(oneOf(['full'] as const), positiveInteger, '"full" or a positive integer')
import { batchIndices } from './batchIndices.js'

/**
 * How many examples one step sees: `'full'` (batch gradient descent: the whole set), `1`
 * (stochastic gradient descent) or any other positive integer (mini-batch gradient descent).
 */
export type BatchSize = 'full' | number

/**
 * The number of examples per batch for `batchSize` over a set of `n` examples: `n` for `'full'`,
 * else `batchSize` (a batch larger than the set holds the whole set).
 *
 * @throws Error for a batch size that is neither `'full'` nor a positive integer.
 * @example
 * ```ts
 * import { resolveBatchSize } from '@gd/train'
 * resolveBatchSize('full', 100) // 100
 * resolveBatchSize(32, 100) // 32
 * ```
 */
export function resolveBatchSize(batchSize: BatchSize, n: number): number {
  batchSizeCheck('resolveBatchSize', 'batchSize', batchSize)
  nonNegativeInteger('resolveBatchSize', 'n', n)
  if (batchSize === 'full') return Math.max(n, 1)
  return Math.min(batchSize, Math.max(n, 1))
}

/**
 * Steps (parameter updates) in one epoch over `n` examples: ⌈n / b⌉, or ⌊n / b⌋ with `dropLast`.
 *
 * @example
 * ```ts
 * import { stepsPerEpoch } from '@gd/train'
 * stepsPerEpoch(10, 'full') // 1: batch gradient descent
 * stepsPerEpoch(10, 1) // 10: stochastic gradient descent
 * stepsPerEpoch(10, 4) // 3: mini-batches of 4, 4 and 2
 * stepsPerEpoch(10, 4, { dropLast: true }) // 2
 * ```
 */
export function stepsPerEpoch(n: number, batchSize: BatchSize, options?: { dropLast?: boolean }): number {
  nonNegativeInteger('stepsPerEpoch', 'n', n)
  batchSizeCheck('stepsPerEpoch', 'batchSize', batchSize)
  const { dropLast } = readOptions('stepsPerEpoch', options, { dropLast: withDefault(boolean, false) })
  const b = resolveBatchSize(batchSize, n)
  return dropLast ? Math.floor(n / b) : Math.ceil(n / b)
}

/** Options for {@link epochBatches}. */
export interface EpochBatchesOptions {
  /** Examples per step; default 32. */
  batchSize?: BatchSize
  /** Visit the examples in a fresh random order each epoch; default true. */
  shuffle?: boolean
  /** Drop a last batch smaller than the batch size; default false. */
  dropLast?: boolean
  /** The shuffling key; epoch e uses `foldIn(key, e)`. Needed when shuffling. */
  key?: PRNGKey
}

/**
 * The batches of example indices for epoch `epoch` over `n` examples. With shuffling, the order is
 * `permutation(foldIn(key, epoch), n)`, so any epoch's order can be rebuilt from the key alone
 * (which is what makes resuming from a checkpoint exact).
 *
 * @throws Error when shuffling without a key, or for a bad epoch or batch size.
 * @example
 * ```ts
 * import { epochBatches } from '@gd/train'
 * import { prngKey } from '@gd/tensor'
 * epochBatches(5, 0, { batchSize: 2, shuffle: false }) // [[0, 1], [2, 3], [4]]
 * epochBatches(5, 3, { batchSize: 2, key: prngKey(0) }) // the seeded order of epoch 3, in 2s
 * ```
 */
export function epochBatches(n: number, epoch: number, options?: EpochBatchesOptions): number[][] {
  const fn = 'epochBatches'
  if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 32 - 1) fail(fn, 'n', 'a non-negative integer below 2**32', n)
  nonNegativeInteger(fn, 'epoch', epoch)
  const o = readOptions(fn, options, {
    batchSize: withDefault(batchSizeCheck, 32 as BatchSize),
    shuffle: withDefault(boolean, true),
    dropLast: withDefault(boolean, false),
    key: optional(rule<PRNGKey>('a PRNG key', () => true)),
  })
  const size = resolveBatchSize(o.batchSize, n)
  const dropLast = o.dropLast
  if (!o.shuffle) return batchIndices(n, size, { dropLast })
  if (o.key === undefined) throw new Error('epochBatches: shuffling needs a key, got undefined')
  const order = Array.from(permutation(foldIn(checkKey(fn, o.key), epoch), n).data)
  return batchIndices(order, size, { dropLast })
}
