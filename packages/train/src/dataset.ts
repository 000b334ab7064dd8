import { arrayOf, nonNegativeInteger } from '@gd/check'
import { gather, Tensor } from '@gd/tensor'

/**
 * A supervised data set: inputs `x` and targets `y`, one example per row (the first axis).
 *
 * @example
 * ```ts
 * import { tensor } from '@gd/tensor'
 * import type { Dataset } from '@gd/train'
 * const data: Dataset = { x: tensor([[0], [1], [2]]), y: tensor([1, 3, 5]) }
 * ```
 */
export interface Dataset {
  readonly x: Tensor
  readonly y: Tensor
}

/**
 * The number of examples in `data`, after checking that `x` and `y` have as many rows.
 *
 * @throws Error when either is a scalar or their row counts differ.
 * @example
 * ```ts
 * import { datasetSize } from '@gd/train'
 * import { tensor } from '@gd/tensor'
 * datasetSize({ x: tensor([[0], [1]]), y: tensor([1, 3]) }) // 2
 * ```
 */
export function datasetSize(data: Dataset, fn = 'datasetSize'): number {
  if (!(data?.x instanceof Tensor) || !(data.y instanceof Tensor)) {
    throw new Error(`${fn}: data must be { x: Tensor, y: Tensor }, got ${describe(data)}`)
  }
  const nx = data.x.shape[0]
  const ny = data.y.shape[0]
  if (nx === undefined || ny === undefined) {
    throw new Error(`${fn}: x and y need a first (example) axis, got shapes [${data.x.shape}] and [${data.y.shape}]`)
  }
  if (nx !== ny) throw new Error(`${fn}: x and y row counts differ, got ${nx} and ${ny}`)
  return nx
}

/**
 * The examples at `rows`, in that order: a batch.
 *
 * @example
 * ```ts
 * import { takeRows } from '@gd/train'
 * import { tensor } from '@gd/tensor'
 * takeRows({ x: tensor([[0], [1], [2]]), y: tensor([1, 3, 5]) }, [2, 0]).y.toArray() // [5, 1]
 * ```
 */
export function takeRows(data: Dataset, rows: readonly number[]): Dataset {
  const n = datasetSize(data, 'takeRows')
  arrayOf(nonNegativeInteger)('takeRows', 'rows', rows)
  const outside = rows.findIndex((r) => r >= n)
  if (outside >= 0) throw new Error(`takeRows: rows[${outside}] must be below the ${n} examples, got ${rows[outside]}`)
  const index = new Tensor(Int32Array.from(rows), [rows.length], 'int32')
  return { x: gather(data.x, index), y: gather(data.y, index) }
}

function describe(x: unknown): string {
  if (x === null || typeof x !== 'object') return String(x)
  return `an object with keys ${Object.keys(x).join(', ') || '(none)'}`
}
