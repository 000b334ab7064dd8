import { tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { datasetSize, takeRows } from './dataset.js'

describe('dataset', () => {
  const data = {
    x: tensor([
      [0, 1],
      [2, 3],
      [4, 5],
    ]),
    y: tensor([10, 11, 12]),
  }

  it('takes rows of x and y together', () => {
    const batch = takeRows(data, [2, 0])
    expect(batch.x.toArray()).toEqual([
      [4, 5],
      [0, 1],
    ])
    expect(batch.y.toArray()).toEqual([12, 10])
    expect(datasetSize(data)).toBe(3)
  })

  it('rejects malformed data sets', () => {
    expect(() => datasetSize({ x: data.x, y: tensor([1]) })).toThrow(
      'datasetSize: x and y row counts differ, got 3 and 1',
    )
    expect(() => datasetSize({ x: tensor(1), y: tensor(1) })).toThrow(
      'datasetSize: x and y need a first (example) axis, got shapes [] and []',
    )
    expect(() => datasetSize({ x: [1] } as never)).toThrow(
      'datasetSize: data must be { x: Tensor, y: Tensor }, got an object with keys x',
    )
    expect(() => takeRows(data, [0, 3])).toThrow('takeRows: rows[1] must be below the 3 examples, got 3')
    expect(() => takeRows(data, null as never)).toThrow('takeRows: rows must be an array, got null')
    expect(() => takeRows(null as never, [0])).toThrow('takeRows: data must be { x: Tensor, y: Tensor }, got null')
  })
})
