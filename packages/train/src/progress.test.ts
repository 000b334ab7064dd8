import { sgd } from '@gd/optimizers'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { logisticData, logisticLoss, logisticModel } from '../test/problems.js'
import { fit } from './fit.js'
import { formatLogs, progress, type ProgressOptions } from './progress.js'

function capture(isTTY: boolean, options: ProgressOptions = {}): string {
  let out = ''
  const stream = { isTTY, write: (s: string) => (out += s) }
  fit({
    model: logisticModel,
    params: logisticModel.init(0),
    loss: logisticLoss,
    optimizer: sgd({ learningRate: 0.5 }),
    data: logisticData(1, 40),
    validation: logisticData(2, 10),
    batchSize: 10,
    epochs: 2,
    callbacks: [progress({ stream, width: 4, ...options })],
  })
  return out
}

describe('progress', () => {
  afterEach(() => vi.unstubAllEnvs())

  it('writes one plain line per epoch when not a terminal', () => {
    const lines = capture(false).split('\n')
    expect(lines.length).toBe(3) // two epochs and the empty rest after the last newline
    expect(lines[0]).toMatch(/^epoch 1\/2  loss \d\.\d{4}  valLoss \d\.\d{4}$/)
    expect(lines[1]).toMatch(/^epoch 2\/2  loss /)
    expect(lines[2]).toBe('')
  })

  it('draws a bar redrawn in place on a terminal', () => {
    vi.stubEnv('CI', '')
    const out = capture(true)
    const frames = out.split('\r\x1b[2K').filter((f) => f !== '')
    // Per epoch: the empty bar, one frame per step of 4 (each moves the bar a quarter), the summary.
    expect(frames.slice(0, 5).map((f) => f.replace(/  loss .*/, ''))).toEqual([
      'epoch 1/2 ░░░░ 0/4',
      'epoch 1/2 █░░░ 1/4',
      'epoch 1/2 ██░░ 2/4',
      'epoch 1/2 ███░ 3/4',
      'epoch 1/2 ████ 4/4',
    ])
    expect(frames[1]).toMatch(/^epoch 1\/2 █░░░ 1\/4  loss \d\.\d{4}$/)
    expect(frames[5]).toMatch(/^epoch 1\/2  loss \d\.\d{4}  valLoss \d\.\d{4}\n$/)
    expect(frames.length).toBe(12)
  })

  it('falls back to plain lines on a terminal under CI', () => {
    vi.stubEnv('CI', 'true')
    expect(capture(true)).not.toContain('\r')
    expect(capture(true, { mode: 'bar' })).toContain('\r')
  })

  it('formats logs and rejects bad options', () => {
    expect(formatLogs({ epoch: 0, step: 10, loss: 0.25, learningRate: 0.001, skipped: 2 })).toBe(
      'loss 0.2500  learningRate 1.00e-3  skipped 2',
    )
    expect(() => progress({ mode: 'fancy' as never })).toThrow(
      'progress: mode must be "auto", "bar" or "lines", got "fancy"',
    )
    expect(() => progress({ stream: {} as never })).toThrow(
      'progress: stream must be a stream (an object with a write function), got {}',
    )
    expect(() => progress({ width: 0 })).toThrow('progress: width must be a positive integer, got 0')
    expect(() => formatLogs(null as never)).toThrow('formatLogs: logs must be an object of numbers, got null')
  })
})
