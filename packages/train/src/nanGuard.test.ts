import { sgd } from '@gd/optimizers'
import { Tensor, treeLeaves } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { logisticData, logisticLoss, logisticModel } from '../test/problems.js'
import { fit } from './fit.js'
import { nanGuard } from './nanGuard.js'

/** 8 examples, with a NaN planted in example 3's features. */
function poisoned() {
  const d = logisticData(6, 8)
  const x = Float32Array.from(d.x.data)
  x[6] = NaN
  return { x: new Tensor(x, d.x.shape, 'float32'), y: d.y }
}

const base = {
  model: logisticModel,
  params: logisticModel.init(0),
  loss: logisticLoss,
  optimizer: sgd({ learningRate: 0.1 }),
  data: poisoned(),
  batchSize: 1,
  shuffle: false,
}
const finite = (p: unknown) => treeLeaves(p as never).every((t) => t.data.every(Number.isFinite))

describe('nanGuard', () => {
  it('without a guard the planted NaN reaches the parameters', () => {
    expect(finite(fit(base).params)).toBe(false)
  })

  it('stops before the non-finite update', () => {
    const guard = nanGuard()
    const r = fit({ ...base, epochs: 2, callbacks: [guard] })
    expect(guard.caught).toEqual([3])
    expect(r.stopReason).toBe('nanGuard: non-finite loss at step 3')
    expect(r.step).toBe(4) // steps 0-2 applied, step 3 caught
    expect(finite(r.params)).toBe(true)
    // The parameters are those after the three clean steps.
    const clean = fit({ ...base, maxSteps: 3 })
    expect(r.params).toEqual(clean.params)
  })

  it('skips non-finite updates and goes on, stopping after too many in a row', () => {
    const guard = nanGuard({ action: 'skip' })
    const r = fit({ ...base, epochs: 2, callbacks: [guard] })
    expect(guard.caught).toEqual([3, 11])
    expect(r.history.map((h) => h.skipped)).toEqual([1, 1])
    expect(finite(r.params)).toBe(true)
    expect(r.stopReason).toBeUndefined()
    const strict = nanGuard({ action: 'skip', maxConsecutive: 1 })
    expect(fit({ ...base, callbacks: [strict] }).stopReason).toBe('nanGuard: non-finite loss at step 3')
  })

  it('rejects bad options', () => {
    expect(() => nanGuard({ action: 'ignore' as never })).toThrow(
      'nanGuard: action must be "stop" or "skip", got "ignore"',
    )
    expect(() => nanGuard({ actoin: 'skip' } as never)).toThrow(
      'nanGuard: unknown option actoin, expected one of action, maxConsecutive, name; did you mean action?',
    )
    expect(() => nanGuard({ maxConsecutive: 0 })).toThrow('nanGuard: maxConsecutive must be a positive integer, got 0')
    expect(() => nanGuard({ name: null as never })).toThrow('nanGuard: name must be a string, got null')
    expect(nanGuard({ name: 'guard2' }).name).toBe('guard2')
  })
})
