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
    expect(() => batchIndices(undefined as never, 2)).toThrow(
      'batchIndices: n must be a non-negative integer below 2**32 or a list of indices, got undefined',
    )
    expect(() => batchIndices(4, 2, { droplast: true } as never)).toThrow(
      'batchIndices: unknown option droplast, expected one of dropLast; did you mean dropLast?',
    )
  })
})
