import { complaint, integer, readOptions, within, withDefault } from '@gd/check'
import { permutation, prngKey } from '@gd/tensor'
import { datasetSize, takeRows, type Dataset } from './dataset.js'

/** Options of {@link validationSplit}. */
export interface ValidationSplitOptions {
  /** The share of the examples held out for validation, in (0, 1); 0.1 by default. */
  fraction?: number
  /** The seed of the draw (a safe integer); 0 by default. */
  seed?: number
}

/** The two parts of a data set made by {@link validationSplit}. */
export interface DatasetSplit {
  readonly train: Dataset
  readonly validation: Dataset
}

/**
 * Holds out a random `fraction` of the examples of `data` for validation: `round(n · fraction)`
 * of them, the first ones of `permutation(prngKey(seed), n)`. The draw is exact integer arithmetic,
 * so a seed gives the same split on every machine. Each part keeps the examples in their order in
 * `data`.
 *
 * @throws Error for a malformed data set, a fraction outside (0, 1), a seed that is not a safe
 *   integer, or a fraction that leaves either part empty.
 * @example
 * ```ts
 * import { validationSplit } from '@gd/train'
 * import { tensor } from '@gd/tensor'
 * const data = { x: tensor([[0], [1], [2], [3], [4]]), y: tensor([0, 1, 2, 3, 4]) }
 * const { train, validation } = validationSplit(data, { fraction: 0.4, seed: 0 })
 * train.y.toArray() // [1, 2, 4]
 * validation.y.toArray() // [0, 3]
 * ```
 */
export function validationSplit(data: Dataset, options?: ValidationSplitOptions): DatasetSplit {
  const fn = 'validationSplit'
  const n = datasetSize(data, fn)
  const { fraction, seed } = readOptions(fn, options, {
    fraction: withDefault(within({ min: 0, max: 1, minOpen: true, maxOpen: true }), 0.1),
    seed: withDefault(integer, 0),
  })
  const held = Math.round(n * fraction)
  if (held === 0 || held === n) {
    throw complaint(
      fn,
      'fraction',
      `leaves the ${held === 0 ? 'validation' : 'training'} set empty for ${n} examples`,
      fraction,
    )
  }
  const order = Array.from(permutation(prngKey(seed), n).data)
  const ascending = (a: number, b: number) => a - b
  return {
    train: takeRows(data, order.slice(held).sort(ascending)),
    validation: takeRows(data, order.slice(0, held).sort(ascending)),
  }
}
