import { loadSafetensors } from '@gd/io'
import { batchNorm, dropout, linear, relu, sequential, type Layer } from '@gd/nn'
import { adam, injectHyperparams, serializeState } from '@gd/optimizers'
import { prngKey, tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { logisticData, logisticLoss } from '../test/problems.js'
import { fromCheckpoint, toCheckpoint, type TrainState } from './checkpoint.js'
import { checkpointFromSafetensors, checkpointToSafetensors } from './checkpointSafetensors.js'
import { checkpoints } from './checkpoints.js'
import { earlyStopping } from './earlyStopping.js'
import { fit } from './fit.js'

const data = logisticData(1, 200)
const validation = logisticData(2, 50)

describe('checkpoints as safetensors', () => {
  it("resume bit for bit, mid-epoch, with dropout, Adam with a hyperparameter, batchNorm state and a callback's state", () => {
    const model = sequential(linear(2, 8), batchNorm(8), relu(), dropout(0.25), linear(8, 1)) as Layer<any, unknown[]>
    const saved: Uint8Array[] = []
    const run = (extra: { resume?: never }) =>
      fit({
        model,
        params: model.init(5),
        loss: logisticLoss,
        seed: 9,
        optimizer: injectHyperparams((h) => adam({ learningRate: h.learningRate }), { learningRate: 0.01 }),
        data,
        validation,
        epochs: 3,
        batchSize: 16,
        ...extra,
        callbacks: [
          earlyStopping({ patience: 5, restoreBest: true }),
          checkpoints({ everySteps: 17, save: (c) => saved.push(checkpointToSafetensors(c)) }),
        ],
      })
    const whole = run({})
    // 13 steps per epoch: the first checkpoint is inside epoch 1, the second inside epoch 2
    expect(saved.length).toBe(2)
    const resumed = run({ resume: checkpointFromSafetensors(saved[0]!) as never })
    expect(resumed.step).toBe(whole.step)
    expect(serializeState(resumed.params)).toBe(serializeState(whole.params))
    expect(serializeState(resumed.optimizerState)).toBe(serializeState(whole.optimizerState))
    expect(serializeState(resumed.state)).toBe(serializeState(whole.state))
    expect(resumed.history).toEqual(whole.history)
  })

  it('keeps every bit of the state (NaN, −0, Infinity, typed arrays of each kind) and names tensors by path', () => {
    const state: TrainState = {
      params: [
        {
          w: tensor([
            [1.5, NaN],
            [-0, Infinity],
          ]),
          b: tensor([1, 2], { dtype: 'float64' }),
        },
        {},
      ],
      modelState: [{}, { mean: tensor([0.25]) }],
      optimizerState: {
        mu: [new Float32Array([0.1, -0]), new Float64Array([NaN])],
        count: new Int32Array([7]),
        seen: new Uint8Array([0, 200, 255]),
        lr: -0,
      },
      key: prngKey(3),
      step: 4,
      epoch: 1,
      batchInEpoch: 2,
      history: [{ epoch: 0, step: 2, loss: NaN }],
      running: { lossSum: Infinity, count: 2, metricSums: { acc: -0 }, skipped: 0 },
      callbacks: { x: { best: null, label: 'é' } },
      setup: { examples: 10, batchSize: 4, dropLast: false, shuffle: true },
    }
    const checkpoint = toCheckpoint(state)
    const bytes = checkpointToSafetensors(checkpoint)
    const back = checkpointFromSafetensors(bytes)
    expect(back).toEqual(checkpoint)
    expect(serializeState(fromCheckpoint(back))).toBe(serializeState(state))
    const file = loadSafetensors(bytes, { flat: true })
    expect(Object.keys(file.tree)).toEqual([
      'modelState.1.mean',
      'optimizerState.count',
      'optimizerState.mu.0',
      'optimizerState.mu.1',
      'optimizerState.seen',
      'params.0.b',
      'params.0.w',
    ])
    expect(file.dtypes['optimizerState.seen']).toBe('U8')
    expect(file.metadata['gd.format']).toBe('gd-checkpoint')
    expect(file.metadata['gd.step']).toBe('4')
    // the raw bytes, not base64: 16 + 16 + 4 + 4 + 8 + 8 + 3 data bytes
    expect(JSON.parse(file.metadata['gd.state']!).key).toEqual([0, 3])
  })

  it('finds damage and refuses what is not a @gd checkpoint', () => {
    const state: TrainState = {
      params: { w: tensor([1, 2]) },
      optimizerState: {},
      key: prngKey(0),
      step: 1,
      epoch: 0,
      batchInEpoch: 1,
      history: [],
      running: { lossSum: 0, count: 0, metricSums: {}, skipped: 0 },
      callbacks: {},
      setup: { examples: 2, batchSize: 1, dropLast: false, shuffle: false },
    }
    const bytes = checkpointToSafetensors(toCheckpoint(state))
    const flipped = bytes.slice()
    flipped[flipped.length - 1] = flipped.at(-1)! ^ 1 // the last byte of params.w
    expect(() => checkpointFromSafetensors(flipped)).toThrow(
      /^checkpointFromSafetensors: checksum mismatch: the checkpoint says "[0-9a-f]{8}", its content hashes to [0-9a-f]{8} \(damaged or edited\)$/,
    )
    expect(() => checkpointFromSafetensors(bytes.subarray(0, 40))).toThrow(
      'checkpointFromSafetensors: the header length is',
    )
    expect(() => checkpointFromSafetensors('run.safetensors' as never)).toThrow(
      'checkpointFromSafetensors: bytes must be a Uint8Array, Buffer or ArrayBuffer, got "run.safetensors"',
    )
    const plain = new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32])
    expect(() => checkpointFromSafetensors(plain)).toThrow(
      'checkpointFromSafetensors: not a @gd checkpoint (its metadata has no gd.format "gd-checkpoint")',
    )
    expect(() => checkpointToSafetensors({ format: 'zip' } as never)).toThrow(
      'checkpointToSafetensors: checkpoint must be a @gd checkpoint (format "gd-checkpoint"), got "zip"',
    )
  })

  it('is smaller than the JSON form (raw bytes, not base64)', () => {
    const model = sequential(linear(20, 64), relu(), linear(64, 10))
    const params = model.init(0)
    const state: TrainState = {
      params,
      optimizerState: adam().init(params),
      key: prngKey(0),
      step: 0,
      epoch: 0,
      batchInEpoch: 0,
      history: [],
      running: { lossSum: 0, count: 0, metricSums: {}, skipped: 0 },
      callbacks: {},
      setup: { examples: 2, batchSize: 1, dropLast: false, shuffle: false },
    }
    const checkpoint = toCheckpoint(state)
    // 1,994 parameters (20·64 + 64 + 64·10 + 10), with Adam's two moments: 3 × 1,994 × 4 = 23,928 bytes of float32
    const bytes = checkpointToSafetensors(checkpoint).length
    expect(bytes).toBeGreaterThan(23928)
    expect(bytes).toBeLessThan(23928 + 2500) // the header: names, shapes, offsets and the JSON of the rest
    expect(JSON.stringify(checkpoint).length).toBeGreaterThan((23928 * 4) / 3) // base64
    console.log(
      `checkpoint of a 20-64-10 MLP with Adam: ${bytes} bytes as safetensors, ${JSON.stringify(checkpoint).length} as JSON`,
    )
  })
})
