import { adam, injectHyperparams, serializeState } from '@gd/optimizers'
import { describe, expect, it } from 'vitest'
import { linear, relu, sequential } from '@gd/nn'
import { tensor } from '@gd/tensor'
import { logisticData, logisticLoss, logisticModel, mseLoss } from '../test/problems.js'
import type { Checkpoint } from './checkpoint.js'
import { checkpoints } from './checkpoints.js'
import { earlyStopping } from './earlyStopping.js'
import { fit } from './fit.js'
import { reduceLrOnPlateau } from './reduceLrOnPlateau.js'

const data = logisticData(1, 60)
const validation = logisticData(2, 30)

/** A run whose learning rate and stopping depend on callback state, saving a checkpoint as told. */
function run(save: (c: Checkpoint) => void, every: { everySteps?: number; everyEpochs?: number }, resume?: Checkpoint) {
  return fit({
    model: logisticModel,
    params: logisticModel.init(3),
    loss: logisticLoss,
    data,
    validation,
    epochs: 8,
    batchSize: 7,
    optimizer: injectHyperparams((h) => adam({ learningRate: h.learningRate }), { learningRate: 0.3 }),
    callbacks: [
      reduceLrOnPlateau({ monitor: 'valLoss', patience: 0, factor: 0.5 }),
      earlyStopping({ patience: 3, restoreBest: true }),
      checkpoints({ save, ...every }),
    ],
    ...(resume === undefined ? {} : { resume }),
  })
}

describe('checkpoints', () => {
  it('resumes from any saved epoch or step exactly, callback state included', () => {
    const byEpoch: Checkpoint[] = []
    const whole = run((c) => byEpoch.push(JSON.parse(JSON.stringify(c))), { everyEpochs: 2 })
    // Both callbacks act: the plateau halves the rate after each worse epoch from epoch 2 on, and
    // early stopping ends the run after epoch 4 (best valLoss at epoch 1, then 3 epochs without
    // improvement: wait 3 >= patience 3, Keras' rule), before the 8 asked for.
    expect(whole.history.map((h) => h.learningRate)).toEqual([0.3, 0.3, 0.3, 0.15, 0.075])
    expect(whole.stopReason).toMatch(/^early stopping: valLoss has not improved for 3 epochs/)
    expect(byEpoch.map((c) => c.step)).toEqual([18, 36]) // 9 steps per epoch (⌈60 / 7⌉)
    const bySteps: Checkpoint[] = []
    run((c) => bySteps.push(c), { everySteps: 5 })
    // After epoch 3, mid-epoch at step 25, and at step 45, the last step of epoch 4.
    for (const saved of [byEpoch[1]!, bySteps[4]!, bySteps[8]!]) {
      const resumed = run(() => {}, {}, saved)
      expect(serializeState(resumed.params)).toBe(serializeState(whole.params))
      expect(resumed.history).toEqual(whole.history)
      expect(resumed.stopReason).toBe(whole.stopReason)
    }
  })

  it('refuses to resume a 1-8-1 MLP checkpoint into a 1-4-1 model, naming every difference', () => {
    const mlp = (hidden: number) => sequential(linear(1, hidden), relu(), linear(hidden, 1))
    const xy = { x: tensor([[0], [1], [2], [3]]), y: tensor([[1], [3], [5], [7]]) }
    const base = { loss: mseLoss, data: xy, optimizer: adam({ learningRate: 0.1 }), batchSize: 2 }
    const big = mlp(8)
    const saved = fit({ ...base, model: big, params: big.init(0) }).checkpoint()
    const small = mlp(4)
    const params = small.init(0)
    expect(() => fit({ ...base, model: small, params, resume: saved })).toThrow(
      'fit: the checkpoint does not fit the model: params[0].b: shape [8] in the checkpoint, [4] in the model; ' +
        'params[0].w: shape [1,8] in the checkpoint, [1,4] in the model; params[2].w: shape [8,1] in the checkpoint, [4,1] in the model',
    )
    expect(params[0].w.shape).toEqual([1, 4])
    const again = fit({
      ...base,
      model: big,
      params: big.init(0),
      resume: JSON.parse(JSON.stringify(saved)),
      epochs: 2,
    })
    expect(again.step).toBe(4)
  })

  it('rejects bad periods', () => {
    expect(() => checkpoints({ save: () => {}, everySteps: 0 })).toThrow(
      'checkpoints: everySteps must be a positive integer, got 0',
    )
    expect(() => checkpoints({} as never)).toThrow('checkpoints: save must be a function, got undefined')
    expect(() => checkpoints({ save: () => {}, everyEpoch: 1 } as never)).toThrow(
      'checkpoints: unknown option everyEpoch, expected one of save, everySteps, everyEpochs; did you mean everyEpochs?',
    )
  })
})
