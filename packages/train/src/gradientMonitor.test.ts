import * as AG from '@gd/autograd'
import { linear, sequential, stateless } from '@gd/nn'
import { sgd } from '@gd/optimizers'
import { describe, expect, it } from 'vitest'
import { logisticData, logisticLoss } from '../test/problems.js'
import { fit } from './fit.js'
import { gradientMonitor, type GradientWarning } from './gradientMonitor.js'

const data = logisticData(4, 32)

/** linear(2→4), a planted scale, linear(4→1): the scale shrinks or blows up layer 0's gradient. */
function run(scale: number, monitor = gradientMonitor({ onWarning: () => {} })) {
  const model = sequential(
    linear(2, 4),
    stateless('scale', (x) => AG.mul(x, scale)),
    linear(4, 1),
  )
  fit({
    model,
    params: model.init(0),
    loss: logisticLoss,
    optimizer: sgd({ learningRate: 0 }),
    data,
    batchSize: 'full',
    epochs: 2,
    callbacks: [monitor],
  })
  return monitor
}

describe('gradientMonitor', () => {
  it('is quiet on healthy gradients and records per-layer norms', () => {
    const m = run(1)
    expect(m.warnings).toEqual([])
    expect(m.history.map((h) => h.step)).toEqual([0, 1])
    expect(Object.keys(m.history[0]!.groups)).toEqual(['0', '2']) // the scale layer has no parameters
  })

  it('warns on a planted vanishing gradient, naming the starved layer', () => {
    // Layer 0's gradient is multiplied by 1e-10 on its way back: its norm is ~1e-11 < 1e-7.
    const m = run(1e-10)
    expect(m.warnings.map((w) => [w.kind, w.step, w.groups])).toEqual([
      ['vanishing', 0, ['0']],
      ['vanishing', 1, ['0']],
    ])
    expect(m.warnings[0]!.message).toMatch(
      /^gradientMonitor: vanishing gradients at step 0: norm 0 \d\.\d\de-\d+ < 1e-7$/,
    )
  })

  it('warns on a planted exploding gradient', () => {
    // Layer 2 sees activations scaled by 1e6, so its gradient (and the global norm) is far above 1e3.
    const m = run(1e6)
    expect(m.warnings.map((w) => w.kind)).toEqual(['exploding', 'exploding'])
    expect(m.warnings[0]!.message).toMatch(/^gradientMonitor: exploding gradients at step 0: global norm .* > 1000$/)
  })

  it('warns on planted non-finite gradients and reports through onWarning', () => {
    const seen: GradientWarning[] = []
    run(Infinity, gradientMonitor({ onWarning: (w) => seen.push(w) }))
    expect(seen[0]).toMatchObject({ kind: 'nonFinite', step: 0 })
    expect(seen[0]!.message).toContain('gradientMonitor: nonFinite gradients at step 0: norm')
  })

  it('looks every few steps and rejects bad options', () => {
    const m = gradientMonitor({ every: 2, onWarning: () => {} })
    fit({
      model: linear(2, 1),
      params: linear(2, 1).init(0),
      loss: logisticLoss,
      optimizer: sgd(),
      data,
      batchSize: 8,
      epochs: 1,
      shuffle: false,
      callbacks: [m],
    })
    expect(m.history.map((h) => h.step)).toEqual([0, 2])
    expect(() => gradientMonitor({ vanishing: 0 })).toThrow(
      'gradientMonitor: vanishing must be a positive finite number, got 0',
    )
    expect(() => gradientMonitor({ exploding: 1e-9 })).toThrow(
      'gradientMonitor: exploding must be greater than vanishing (1e-7), got 1e-9',
    )
    expect(() => gradientMonitor({ every: 0 })).toThrow('gradientMonitor: every must be a positive integer, got 0')
    expect(() => gradientMonitor({ explodng: 10 } as never)).toThrow(
      'gradientMonitor: unknown option explodng, expected one of vanishing, exploding, every, onWarning; did you mean exploding?',
    )
  })
})
