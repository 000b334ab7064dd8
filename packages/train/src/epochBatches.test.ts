import { prngKey } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { epochBatches, resolveBatchSize, stepsPerEpoch } from './epochBatches.js'

const key = prngKey(7)

describe('epochBatches', () => {
  it('gives the steps per epoch of batch, stochastic and mini-batch gradient descent', () => {
    // 10 examples: full batch → 1 step; size 1 → 10 steps; size 4 → 4 + 4 + 2 = 3 steps, 2 dropping the last.
    const cases = [
      ['full', false, 1],
      [1, false, 10],
      [4, false, 3],
      [4, true, 2],
      [5, true, 2],
      [64, false, 1],
    ] as const
    for (const [batchSize, dropLast, steps] of cases) {
      expect(stepsPerEpoch(10, batchSize, { dropLast })).toBe(steps)
      const batches = epochBatches(10, 0, { batchSize, dropLast, key })
      expect(batches.length).toBe(steps)
    }
  })

  it('visits every example once per epoch, in a seeded order that changes between epochs', () => {
    const e0 = epochBatches(20, 0, { batchSize: 3, key })
    const e1 = epochBatches(20, 1, { batchSize: 3, key })
    expect(e0.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(e1.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(e0.flat()).not.toEqual(e1.flat())
    expect(epochBatches(20, 1, { batchSize: 3, key })).toEqual(e1)
    expect(e0.map((b) => b.length)).toEqual([3, 3, 3, 3, 3, 3, 2])
  })

  it('keeps the natural order without shuffling', () => {
    expect(epochBatches(5, 4, { batchSize: 2, shuffle: false })).toEqual([[0, 1], [2, 3], [4]])
    expect(epochBatches(5, 4, { batchSize: 'full', shuffle: false })).toEqual([[0, 1, 2, 3, 4]])
  })

  it('drops the short last batch of a shuffled epoch', () => {
    const batches = epochBatches(7, 2, { batchSize: 3, dropLast: true, key })
    expect(batches.map((b) => b.length)).toEqual([3, 3])
  })

  it('rejects bad arguments with a message', () => {
    expect(() => epochBatches(5, 0, { batchSize: 2 })).toThrow('epochBatches: shuffling needs a key, got undefined')
    expect(() => epochBatches(-1, 0, { key })).toThrow(
      'epochBatches: n must be a non-negative integer below 2**32, got -1',
    )
    expect(() => epochBatches(5, 0, { batchsize: 2, key } as never)).toThrow(
      'epochBatches: unknown option batchsize, expected one of batchSize, shuffle, dropLast, key; did you mean batchSize?',
    )
    expect(() => epochBatches(5, 1.5, { key })).toThrow('epochBatches: epoch must be a non-negative integer, got 1.5')
    expect(() => resolveBatchSize(0, 5)).toThrow(
      'resolveBatchSize: batchSize must be "full" or a positive integer, got 0',
    )
    expect(() => resolveBatchSize('all' as never, 5)).toThrow(
      'resolveBatchSize: batchSize must be "full" or a positive integer, got "all"',
    )
  })
})
