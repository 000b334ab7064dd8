import { mse } from '@gd/losses'
import { linear } from '@gd/nn'
import { mean, square, sub, type Var } from '@gd/autograd'
import { adam, injectHyperparams, sgd } from '@gd/optimizers'
import { prngKey, tensor } from '@gd/tensor'
import { fuzzSuite, type FuzzCall } from '@gd/testing'
import * as api from '@gd/train'
import * as names from './names.js'

/** y = 2x + 1 on four points. */
const data = () => ({ x: tensor([[0], [1], [2], [3]]), y: tensor([[1], [3], [5], [7]]) })

/** A complete, small fit: every option given, so each can be misspelt. */
function fitOptions(): Record<string, unknown> {
  const model = linear(1, 1)
  return {
    model,
    params: model.init(0),
    loss: mse,
    optimizer: adam({ learningRate: 0.1 }),
    data: data(),
    validation: data(),
    epochs: 2,
    batchSize: 2,
    shuffle: true,
    dropLast: false,
    seed: 1,
    metrics: { mae: (p: never, y: never) => mse(p, y).item() },
    callbacks: [],
    maxSteps: 100,
    continueStopped: false,
  }
}

/** The optimizer reduceLrOnPlateau needs: its learning rate injected. */
const injected = () =>
  injectHyperparams((h: { learningRate: number }) => adam({ learningRate: h.learningRate }), { learningRate: 0.1 })

/** A callback factory's row: its options, probed by a two-epoch fit that uses the callback. */
const callback = (options: Record<string, unknown>, extra: Record<string, unknown> = {}): FuzzCall => ({
  args: () => [options],
  options: [0],
  then: (cb) => api.fit({ ...fitOptions(), ...extra, callbacks: [cb] } as never).history,
})

/** The checkpoint of a one-epoch fit, taken by a callback at its end. */
function saved(): api.Checkpoint {
  let checkpoint: api.Checkpoint | undefined
  const grab = { name: 'grab', onTrainEnd: (ctx: api.TrainContext) => void (checkpoint = ctx.checkpoint()) }
  api.fit({ ...fitOptions(), epochs: 1, callbacks: [grab] } as never)
  return checkpoint!
}

// issue 17: no engine crash, no silently accepted bad input, no mutated input
const limits = { crash: 0, silent: 0, mutated: 0 }

fuzzSuite(
  '@gd/train',
  api,
  {
    batchIndices: [{ args: () => [5, 2, { dropLast: true }], options: [2] }, { args: () => [[4, 0, 2], 2] }],
    toCheckpoint: { args: () => [api.fromCheckpoint(saved())] },
    fromCheckpoint: [
      { args: () => [saved()] },
      { label: 'fromCheckpoint(json)', args: () => [JSON.stringify(saved())] },
    ],
    checkpoints: callback({ save: () => undefined, everyEpochs: 1 }),
    checkpointToSafetensors: { args: () => [saved()] },
    checkpointFromSafetensors: [
      { args: () => [api.checkpointToSafetensors(saved())] },
      {
        label: 'checkpointFromSafetensors(ArrayBuffer)',
        args: () => [api.checkpointToSafetensors(saved()).slice().buffer],
      },
    ],
    datasetSize: { args: () => [data()] },
    takeRows: { args: () => [data(), [2, 0]] },
    earlyStopping: callback({
      monitor: 'valLoss',
      mode: 'min',
      patience: 3,
      minDelta: 0,
      restoreBest: true,
      name: 'stopper',
    }),
    resolveBatchSize: [{ args: () => ['full', 100] }, { args: () => [32, 100] }],
    stepsPerEpoch: { args: () => [10, 4, { dropLast: true }], options: [2] },
    epochBatches: {
      args: () => [5, 3, { batchSize: 2, shuffle: true, dropLast: false, key: prngKey(0) }],
      options: [2],
    },
    logValue: { args: () => ['myCallback', { epoch: 0, step: 10, loss: 0.5 }, 'loss'] },
    evaluate: {
      args: () => {
        const model = linear(1, 1)
        return [
          model,
          model.init(0),
          mse,
          data(),
          { metrics: { mse: (p: never, y: never) => mse(p, y).item() }, batchSize: 2 },
        ]
      },
      options: [4],
    },
    findLearningRate: {
      args: () => {
        const model = linear(1, 1)
        return [
          {
            model,
            params: model.init(0),
            loss: mse,
            data: data(),
            optimizer: (h: { learningRate: number }) => adam({ learningRate: h.learningRate }),
            minLearningRate: 1e-4,
            maxLearningRate: 1,
            steps: 8,
            batchSize: 2,
            seed: 0,
            smoothing: 0.5,
            divergence: 4,
          },
        ]
      },
      options: [0],
    },
    fit: { args: () => [fitOptions()], options: [0], then: (r) => r.history },
    gradientMonitor: callback({ vanishing: 1e-6, exploding: 100, every: 1, onWarning: () => undefined }),
    gradientNorms: { args: () => [[{ w: tensor([3, 4]) }, { w: tensor([0]) }]] },
    accuracy: {
      args: () => [
        tensor([
          [2, 1],
          [0, 3],
        ]),
        tensor([0, 0], { dtype: 'int32' }),
      ],
    },
    binaryAccuracy: [
      { args: () => [{ threshold: 0.5 }], options: [0], then: (m) => m(tensor([0.9, 0.2]), tensor([1, 0])) },
      {
        label: 'binaryAccuracy()(predictions, targets)',
        args: () => [tensor([[2], [-1]]), tensor([[1], [0]])],
        call: (p, y) => api.binaryAccuracy()(p, y),
      },
    ],
    nanGuard: callback({ action: 'skip', maxConsecutive: 3, name: 'guard' }),
    progress: callback({ stream: { write: () => undefined, isTTY: false }, mode: 'lines', width: 20 }),
    formatLogs: { args: () => [{ epoch: 0, step: 10, loss: 0.25, learningRate: 0.001 }] },
    charVocabulary: [
      {
        args: () => [['anna', 'bob'], { unknown: true }],
        options: [1],
        then: (v: api.CharVocabulary) => [v.size, v.encode('nab'), v.decode([1, 5, 3, 2])],
      },
      {
        label: 'charVocabulary(…).encode(text)',
        args: () => ['nab'],
        call: (text) => api.charVocabulary(['anna', 'bob']).encode(text),
      },
      {
        label: 'charVocabulary(…).decode(ids, options)',
        args: () => [[1, 5, 3, 2, 0], { specials: 'show' }],
        options: [1],
        call: (ids, o) => api.charVocabulary(['anna', 'bob']).decode(ids, o),
      },
    ],
    nextCharacterDataset: {
      args: () => [['anna', 'bob'], api.charVocabulary(['anna', 'bob']), { blockSize: 4, truncate: true }],
      options: [2],
    },
    validationSplit: { args: () => [data(), { fraction: 0.5, seed: 3 }], options: [1] },
    sampleText: {
      args: () => [
        (ids: number[]) => tensor([0, 0, ids.length > 4 ? 3 : 0, 1, 0, 1, 0]),
        api.charVocabulary(['anna', 'bob']),
        { key: prngKey(0), maxLength: 6, temperature: 0.5, prefix: 'a', blockSize: 3 },
      ],
      options: [2],
    },
    trainStep: {
      args: () => [(p: { w: Var }) => mean(square(sub(p.w, 3))), sgd({ learningRate: 0.5 })],
      then: (step: (params: unknown, state: unknown) => [{ item(): number }, unknown]) => {
        const params = { w: tensor([1, -2]) }
        const [loss] = step(params, sgd({ learningRate: 0.5 }).init(params))
        return [loss.item(), params.w.toArray()]
      },
    },
    reduceLrOnPlateau: callback(
      { monitor: 'valLoss', factor: 0.5, patience: 2, mode: 'min', cooldown: 0, minValue: 0, name: 'plateau' },
      { optimizer: injected() },
    ),
  },
  limits,
)

// The ./names subpath
fuzzSuite('@gd/train/names', names, {
  firstNames: { args: () => [{ sex: 'male', lowercase: true }], options: [0], then: (list: string[]) => list.length },
})
