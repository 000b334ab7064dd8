import { scale, sgd } from '@gd/optimizers'
import { describe, expect, it } from 'vitest'
import { logisticData, logisticLoss, logisticModel } from '../test/problems.js'
import { findLearningRate } from './findLearningRate.js'

const base = {
  model: logisticModel,
  params: logisticModel.init(0),
  loss: logisticLoss,
  data: logisticData(1, 200),
  optimizer: (h: { learningRate: number }) => sgd({ learningRate: h.learningRate }),
}

describe('findLearningRate', () => {
  it('suggests a rate on the falling part of the smoothed loss curve', () => {
    const sweep = findLearningRate({ ...base, minLearningRate: 1e-4, maxLearningRate: 1e4, steps: 80, batchSize: 20 })
    const { learningRates: lr, smoothed: s, minIndex } = sweep
    const i = sweep.suggestionIndex!
    // Falling part: past the skipped first tenth, before the minimum, where the curve goes down
    // across the ±3-point window (80 / 25) and already lies below where it started.
    expect(i).toBeGreaterThanOrEqual(8)
    expect(i).toBeLessThan(minIndex)
    expect(s[i + 3]!).toBeLessThan(s[i - 3]!)
    expect(s[i]!).toBeGreaterThan(s[minIndex]!)
    expect(s[i]!).toBeLessThan(s[0]!)
    expect(sweep.suggestion).toBe(lr[i])
    // The sweep is exponential: each rate is 10^(8/79) ≈ 1.262 times the one before.
    expect(lr[1]! / lr[0]!).toBeCloseTo(10 ** (8 / 79), 12)
    expect(lr[0]).toBe(1e-4)
    // Rates up to 1e4 blow the loss up, so the sweep stops before its 80 steps.
    expect(lr.length).toBeLessThan(80)
    expect(sweep.losses.length).toBe(lr.length)
  })

  it('has no suggestion when the loss never falls', () => {
    // A planted optimizer that climbs the gradient (update +η∇J) on the full batch: the loss only rises.
    const uphill = (h: { learningRate: number }) => scale(h.learningRate)
    const sweep = findLearningRate({
      ...base,
      optimizer: uphill,
      minLearningRate: 1e-3,
      maxLearningRate: 1e-2,
      steps: 5,
      batchSize: 'full',
    })
    expect(sweep.smoothed[4]!).toBeGreaterThan(sweep.smoothed[0]!)
    expect(sweep.learningRates.length).toBe(5)
    expect(sweep.suggestion).toBeUndefined()
  })

  it('rejects bad options with a message', () => {
    expect(() => findLearningRate({ ...base, minLearningRate: 0 })).toThrow(
      'findLearningRate: minLearningRate must be a positive finite number, got 0',
    )
    expect(() => findLearningRate({ ...base, maxLearningRate: 1e-8 })).toThrow(
      'findLearningRate: maxLearningRate must be greater than minLearningRate (1e-7), got 1e-8',
    )
    expect(() => findLearningRate({ ...base, steps: 2 })).toThrow(
      'findLearningRate: steps must be an integer >= 3, got 2',
    )
    expect(() => findLearningRate({ ...base, smoothing: 1 })).toThrow(
      'findLearningRate: smoothing must be in [0, 1), got 1',
    )
    expect(() => findLearningRate({ ...base, divergence: 1 })).toThrow(
      'findLearningRate: divergence must be > 1, got 1',
    )
    expect(() => findLearningRate({ ...base, step: 10 } as never)).toThrow(
      /^findLearningRate: unknown option step, expected one of model, params, .*; did you mean steps\?$/,
    )
    expect(() => findLearningRate({ ...base, optimizer: sgd() as never })).toThrow(
      'findLearningRate: optimizer must be a function of { learningRate }, got {}',
    )
  })
})
