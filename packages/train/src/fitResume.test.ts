import { readFileSync } from 'node:fs'
import { linear } from '@gd/nn'
import { serializeState, sgd } from '@gd/optimizers'
import { tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { mseLoss } from '../test/problems.js'
import type { Callback } from './callback.js'
import { fromCheckpoint, toCheckpoint, type Checkpoint } from './checkpoint.js'
import { checkpoints } from './checkpoints.js'
import { checkpointFromSafetensors, checkpointToSafetensors } from './checkpointSafetensors.js'
import { earlyStopping } from './earlyStopping.js'
import { fit } from './fit.js'

const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url))

/**
 * y = 2x + 1 on four points, two batches an epoch, with a learning rate so large that SGD diverges:
 * the loss of epoch 1 (4534.76) is above epoch 0's (38.35), so earlyStopping with patience 0 stops
 * the run after epoch 1, at step 4, and restoreBest puts back epoch 0's parameters. The fixtures in
 * test/fixtures were written by this run before checkpoints kept the stop reason.
 */
function divergingRun(extra: { resume?: Checkpoint; continueStopped?: boolean; epochs?: number } = {}) {
  const model = linear(1, 1)
  const saved: Checkpoint[] = []
  const calls: string[] = []
  const recorder: Callback = {
    name: 'recorder',
    onTrainBegin: () => void calls.push('train begin'),
    onEpochBegin: (ctx) => void calls.push(`begin ${ctx.epoch}`),
    onTrainEnd: () => void calls.push('train end'),
  }
  const result = fit({
    model,
    params: model.init(0),
    loss: mseLoss,
    optimizer: sgd({ learningRate: 1 }),
    data: { x: tensor([[0], [1], [2], [3]]), y: tensor([[1], [3], [5], [7]]) },
    epochs: 10,
    batchSize: 2,
    shuffle: false,
    callbacks: [
      recorder,
      earlyStopping({ monitor: 'loss', patience: 0, restoreBest: true }),
      checkpoints({ save: (c) => saved.push(c) }),
    ],
    ...extra,
  })
  return { result, saved, calls }
}

const stopped = 'early stopping: loss has not improved for 1 epochs (best 38.35144090652466 at epoch 0)'

describe('fit resumed from a stopped run', () => {
  it('returns at once with the stopped run’s result, from its last epoch checkpoint or its final one, JSON or safetensors', () => {
    const first = divergingRun()
    expect(first.result.stopReason).toBe(stopped)
    expect(first.result.step).toBe(4)
    expect(first.calls).toEqual(['train begin', 'begin 0', 'begin 1', 'train end'])
    const atEpochEnd = first.saved.at(-1)! // taken after earlyStopping's stop, before the restore
    expect(fromCheckpoint(atEpochEnd).stopReason).toBe(stopped)
    const final = first.result.checkpoint()
    for (const c of [atEpochEnd, final]) {
      for (const form of [
        JSON.parse(JSON.stringify(c)) as Checkpoint,
        checkpointFromSafetensors(checkpointToSafetensors(c)),
      ]) {
        const again = divergingRun({ resume: form })
        expect(again.calls).toEqual(['train begin', 'train end']) // no epoch begins
        expect(again.result.stopReason).toBe(stopped)
        expect(again.result.step).toBe(4)
        expect(again.result.history).toEqual(first.result.history)
        // restoreBest ran again at the end: epoch 0's parameters, as in the first run.
        expect(serializeState(again.result.params)).toBe(serializeState(first.result.params))
        expect(again.saved).toEqual([])
      }
    }
  })

  it('trains on with continueStopped: true, and a maxSteps stop is not saved', () => {
    const first = divergingRun()
    const more = divergingRun({ resume: first.saved.at(-1)!, continueStopped: true })
    // Epoch 2 begins; earlyStopping's wait is already 1 ≥ patience 0, so it stops after epoch 2 unless it improves.
    expect(more.calls.slice(0, 2)).toEqual(['train begin', 'begin 2'])
    expect(more.result.step).toBe(6)
    expect(more.result.stopReason).toMatch(/^early stopping: loss has not improved for 2 epochs/)
    const model = linear(1, 1)
    const budget = fit({
      model,
      params: model.init(0),
      loss: mseLoss,
      optimizer: sgd({ learningRate: 0.01 }),
      data: { x: tensor([[0], [1]]), y: tensor([[1], [3]]) },
      epochs: 3,
      batchSize: 1,
      maxSteps: 3,
    })
    expect(budget.stopReason).toBe('maxSteps 3 reached')
    expect(fromCheckpoint(budget.checkpoint()).stopReason).toBeUndefined()
    expect(() => divergingRun({ continueStopped: 'yes' as never })).toThrow(
      'fit: continueStopped must be a boolean, got "yes"',
    )
  })

  it('loads checkpoints written before the stop reason was saved (JSON and safetensors): they resume training', () => {
    const json = JSON.parse(fixture('stopped-before-stopReason.json').toString('utf8')) as Checkpoint
    const st = checkpointFromSafetensors(fixture('stopped-before-stopReason.safetensors'))
    for (const old of [json, st]) {
      const state = fromCheckpoint(old)
      expect(state.stopReason).toBeUndefined()
      expect(state.step).toBe(4)
      const resumed = divergingRun({ resume: old, epochs: 3 })
      expect(resumed.calls).toEqual(['train begin', 'begin 2', 'train end'])
      expect(resumed.result.step).toBe(6)
    }
    // The new checkpoint of the same run differs from the old one only by the stop reason.
    const now = fromCheckpoint(divergingRun().saved.at(-1)!)
    const { stopReason, ...rest } = now
    expect(stopReason).toBe(stopped)
    expect(serializeState(rest)).toBe(serializeState(fromCheckpoint(json)))
  })

  it("pairs restoreBest's parameters with the last step's step count in result.checkpoint(), as documented", () => {
    const first = divergingRun()
    const final = fromCheckpoint(first.result.checkpoint())
    const atEpochEnd = fromCheckpoint(first.saved.at(-1)!)
    // The best parameters (epoch 0's, the result's) with step 4 and epoch 2 from the end of the run.
    expect(serializeState(final.params)).toBe(serializeState(first.result.params))
    expect(serializeState(final.params)).not.toBe(serializeState(atEpochEnd.params))
    expect([final.step, final.epoch]).toEqual([4, 2])
    expect(serializeState(final.optimizerState)).toBe(serializeState(atEpochEnd.optimizerState))
  })

  it('checks key and seed before any callback loads its saved state', () => {
    const saved = divergingRun().saved.at(-1)!
    const model = linear(1, 1)
    const stopper = earlyStopping({ monitor: 'loss', patience: 0, restoreBest: true })
    const before = JSON.stringify(stopper.state())
    expect(() =>
      fit({
        model,
        params: model.init(0),
        loss: mseLoss,
        optimizer: sgd({ learningRate: 1 }),
        data: { x: tensor([[0], [1], [2], [3]]), y: tensor([[1], [3], [5], [7]]) },
        batchSize: 2,
        shuffle: false,
        seed: 1,
        callbacks: [stopper],
        resume: saved,
      }),
    ).toThrow("fit: seed 1 does not give the checkpoint's key [0,0]")
    expect(JSON.stringify(stopper.state())).toBe(before) // { best: null, bestEpoch: -1, wait: 0, bestParams: null }
  })

  it('rejects a checkpoint whose stop reason is not a string', () => {
    const state = fromCheckpoint(divergingRun().saved.at(-1)!)
    const bad = toCheckpoint({ ...state, stopReason: 5 as never })
    expect(() => fromCheckpoint(bad)).toThrow('fromCheckpoint: checkpoint.state.stopReason must be a string, got 5')
  })
})
