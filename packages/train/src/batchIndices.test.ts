import { describe, expect, it } from 'vitest'
import { batchIndices } from './batchIndices.js'

describe('batchIndices', () => {
  it('covers batch, stochastic and mini-batch sizes', () => {
    expect(batchIndices(4, 4)).toEqual([[0, 1, 2, 3]])
    expect(batchIndices(3, 1)).toEqual([[0], [1], [2]])
    expect(batchIndices(5, 2)).toEqual([[0, 1], [2, 3], [4]])
    expect(batchIndices([4, 2, 0], 2, { dropLast: true })).toEqual([[4, 2]])
  })

  it('rejects bad batch sizes', () => {
    expect(() => batchIndices(4, 0)).toThrow('batchIndices: batchSize must be a positive integer, got 0')
  })
})
