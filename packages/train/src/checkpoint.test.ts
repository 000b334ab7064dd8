import { serializeState } from '@gd/optimizers'
import { prngKey, tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { fromCheckpoint, toCheckpoint, type TrainState } from './checkpoint.js'

describe('checkpoint', () => {
  it('round-trips a state through JSON text, every bit included', () => {
    const state: TrainState = {
      params: { w: tensor([1.5, NaN, -0, Infinity]) }, optimizerState: { m: new Float64Array([0.1, -0]) },
      key: prngKey(3), step: 4, epoch: 1, batchInEpoch: 2, history: [{ epoch: 0, step: 2, loss: NaN }],
      running: { lossSum: 1, count: 2, metricSums: {}, skipped: 0 }, callbacks: { x: { best: null } },
      setup: { examples: 10, batchSize: 4, dropLast: false, shuffle: true },
    }
    const text = JSON.stringify(toCheckpoint(state))
    const back = fromCheckpoint(text)
    expect(serializeState(back)).toBe(serializeState(state))
    expect(back.key).toEqual([0, 3])
  })

  it('rejects what is not a checkpoint', () => {
    expect(() => fromCheckpoint({ format: 'zip' } as never)).toThrow('fromCheckpoint: not a @gd checkpoint, got format "zip"')
    expect(() => fromCheckpoint({ format: 'gd-checkpoint', version: 2 } as never)).toThrow(
      'fromCheckpoint: unsupported checkpoint version, got 2',
    )
  })
})
