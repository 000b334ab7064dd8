import { injectHyperparams, sgd } from '@gd/optimizers'
import { describe, expect, it } from 'vitest'
import { logisticData, logisticLoss, logisticModel } from '../test/problems.js'
import type { Callback } from './callback.js'
import { fit } from './fit.js'
import { reduceLrOnPlateau } from './reduceLrOnPlateau.js'

const data = logisticData(1, 50)
const base = {
  model: logisticModel,
  params: logisticModel.init(0),
  loss: logisticLoss,
  data,
  batchSize: 'full' as const,
}

describe('reduceLrOnPlateau', () => {
  it('checks its options before use', () => {
    expect(() => reduceLrOnPlateau(true as never)).toThrow(
      'reduceLrOnPlateau: options must be a plain object, got true',
    )
    expect(() => reduceLrOnPlateau({ monitor: 3 } as never)).toThrow(
      'reduceLrOnPlateau: monitor must be a string, got 3',
    )
  })

  it('writes the reduced rate into the optimizer when the monitored value stalls', () => {
    // A metric that falls twice and then stays flat: with patience 1 the rate is cut on the second
    // flat epoch (epoch 3), and again two epochs later: 0.4 → 0.2 → 0.1.
    const plateauMetric = [3, 2, 2, 2, 2, 2, 2]
    const plateau = reduceLrOnPlateau({ monitor: 'planted', factor: 0.5, patience: 1 })
    // Writes the planted metric into each epoch's logs before the plateau callback reads them.
    const planted: Callback = {
      name: 'planted',
      onEpochEnd: (_ctx, logs) => ((logs as Record<string, number>).planted = plateauMetric[logs.epoch]!),
    }
    const r = fit({
      ...base,
      epochs: 7,
      callbacks: [planted, plateau],
      optimizer: injectHyperparams((h) => sgd({ learningRate: h.learningRate }), { learningRate: 0.4 }),
    })
    expect(r.history.map((h) => h.learningRate)).toEqual([0.4, 0.4, 0.4, 0.4, 0.2, 0.2, 0.1])
    expect(plateau.state()).toMatchObject({ value: 0.1, reductions: 2 })
  })

  it('needs an optimizer whose learning rate can change, and valid options', () => {
    expect(() => fit({ ...base, optimizer: sgd(), callbacks: [reduceLrOnPlateau({ monitor: 'loss' })] })).toThrow(
      'reduceLrOnPlateau: the optimizer needs a learningRate from injectHyperparams, got an optimizer without one',
    )
    expect(() => reduceLrOnPlateau({ factor: 2 })).toThrow('reduceOnPlateau: factor must be in (0, 1), got 2')
    expect(() => reduceLrOnPlateau({ monitr: 'x' } as never)).toThrow(
      'reduceLrOnPlateau: unknown option monitr, expected one of monitor, name, mode, factor, patience, threshold, thresholdMode, cooldown, minValue, eps; did you mean monitor?',
    )
    expect(() => reduceLrOnPlateau({ name: 1 as never })).toThrow('reduceLrOnPlateau: name must be a string, got 1')
    expect(reduceLrOnPlateau({ name: 'plateau2' }).name).toBe('plateau2')
  })
})
