import { describe, expect, it } from 'vitest'
import { logValue } from './epochLogs.js'

describe('logValue', () => {
  it('reads a logged value or names what is available', () => {
    expect(() => logValue('cb', null as never, 'loss')).toThrow('cb: logs must be a plain object, got null')
    expect(() => logValue('cb', { epoch: 0, step: 3, loss: 0.5 }, 'toString')).toThrow('cb: logs have no toString')
    expect(logValue('cb', { epoch: 0, step: 3, loss: 0.5, valLoss: 0.7 }, 'valLoss')).toBe(0.7)
    expect(() => logValue('cb', { epoch: 0, step: 3, loss: 0.5 }, 'valAccuracy')).toThrow(
      'cb: logs have no valAccuracy; available: epoch, step, loss',
    )
  })
})
