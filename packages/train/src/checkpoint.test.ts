import { serializeState } from '@gd/optimizers'
import { prngKey, tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { fromCheckpoint, toCheckpoint, type TrainState } from './checkpoint.js'
import { structureDifferences, treeStructure } from './internal/structure.js'

/** A small state: one float32 parameter tensor. */
function small(): TrainState {
  return {
    params: { w: tensor([0, 0, 0, 1]) },
    optimizerState: { m: new Float64Array([0, 0]) },
    key: prngKey(3),
    step: 4,
    epoch: 1,
    batchInEpoch: 2,
    history: [],
    running: { lossSum: 1, count: 2, metricSums: {}, skipped: 0 },
    callbacks: {},
    setup: { examples: 10, batchSize: 4, dropLast: false, shuffle: true },
  }
}

describe('checkpoint', () => {
  it('round-trips a state through JSON text, every bit included', () => {
    const state: TrainState = {
      params: { w: tensor([1.5, NaN, -0, Infinity]) },
      optimizerState: { m: new Float64Array([0.1, -0]) },
      key: prngKey(3),
      step: 4,
      epoch: 1,
      batchInEpoch: 2,
      history: [{ epoch: 0, step: 2, loss: NaN }],
      running: { lossSum: 1, count: 2, metricSums: {}, skipped: 0 },
      callbacks: { x: { best: null } },
      setup: { examples: 10, batchSize: 4, dropLast: false, shuffle: true },
    }
    const text = JSON.stringify(toCheckpoint(state))
    const back = fromCheckpoint(text)
    expect(serializeState(back)).toBe(serializeState(state))
    expect(back.key).toEqual([0, 3])
  })

  it('rejects what is not a checkpoint, an old version and missing fields', () => {
    expect(() => fromCheckpoint({ format: 'zip' } as never)).toThrow(
      'fromCheckpoint: checkpoint must be a @gd checkpoint (format "gd-checkpoint"), got "zip"',
    )
    expect(() => fromCheckpoint(null as never)).toThrow(
      'fromCheckpoint: checkpoint must be a @gd checkpoint (format "gd-checkpoint"), got null',
    )
    expect(() => fromCheckpoint({ format: 'gd-checkpoint', version: 1, step: 0, state: {} } as never)).toThrow(
      'fromCheckpoint: checkpoint version 1 is not supported, expected version 2',
    )
    const good = toCheckpoint(small())
    const { structure: _s, ...noStructure } = good
    expect(() => fromCheckpoint(noStructure as never)).toThrow(
      'fromCheckpoint: checkpoint.structure must be a list of { path, shape, dtype }, got undefined',
    )
    const { checksum: _c, ...noChecksum } = good
    expect(() => fromCheckpoint(noChecksum as never)).toThrow(
      'fromCheckpoint: checkpoint.checksum must be a string, got undefined',
    )
    const { state: _t, ...noState } = good
    expect(() => fromCheckpoint(noState as never)).toThrow(
      'fromCheckpoint: checkpoint.state must be the encoded state, got undefined',
    )
    expect(() => fromCheckpoint('{"format": "gd-')).toThrow(
      'fromCheckpoint: text must be the JSON of a checkpoint, got "{\\"format\\": \\"gd-"',
    )
  })

  it('finds one changed base64 character or byte anywhere in the text', () => {
    const text = JSON.stringify(toCheckpoint(small()))
    const at = text.indexOf('AAAA') // inside the base64 of a tensor
    expect(at).toBeGreaterThan(0)
    const changed = `${text.slice(0, at)}AAAB${text.slice(at + 4)}`
    expect(() => fromCheckpoint(changed)).toThrow(
      /^fromCheckpoint: checksum mismatch: the checkpoint says [0-9a-f]{8}, its content hashes to [0-9a-f]{8} \(damaged or edited\)$/,
    )
    // every single digit of the step or count changed: still caught
    const digit = text.indexOf('"count":2') + 8
    expect(() => fromCheckpoint(`${text.slice(0, digit)}3${text.slice(digit + 1)}`)).toThrow(
      'fromCheckpoint: checksum mismatch',
    )
    expect(() => fromCheckpoint(text.slice(0, text.length >> 1))).toThrow(
      'fromCheckpoint: text must be the JSON of a checkpoint',
    )
  })

  it('records the structure of the parameters and checks it on load', () => {
    const c = toCheckpoint(small())
    expect(c.version).toBe(2)
    expect(c.structure).toEqual([{ path: 'params.w', shape: [4], dtype: 'float32' }])
    expect(structureDifferences(c.structure, treeStructure({ w: tensor([[1, 2]]), b: tensor([0]) }))).toEqual([
      'params.w: shape [4] in the checkpoint, [1,2] in the model',
      'params.b: in the model, not in the checkpoint',
    ])
    expect(structureDifferences(c.structure, treeStructure({ w: tensor([1, 2, 3, 4], { dtype: 'float64' }) }))).toEqual(
      ['params.w: dtype float32 in the checkpoint, float64 in the model'],
    )
  })
})
