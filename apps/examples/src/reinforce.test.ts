import { describe, expect, it } from 'vitest'
import { trailingMean, trainReinforce } from './reinforce.js'

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

describe('REINFORCE on cart-pole', () => {
  it('learns: on seed 1 the average return climbs from about 20 to the solved mark of 195', () => {
    const lines: string[] = []
    const r = trainReinforce({ seed: 1, episodes: 300, log: (line) => lines.push(line), logEvery: 1 })
    // Seed 1 solves after 66 episodes (about a second here); 300 leave room.
    expect(r.solved).toBe(true)
    expect(r.returns).toHaveLength(66)
    expect(r.average20).toBeGreaterThanOrEqual(195)
    expect(r.average20).toBe(mean(r.returns.slice(-20)))
    // a random policy keeps the pole up about 20 steps; the first 20 episodes are near that
    expect(mean(r.returns.slice(0, 20))).toBeLessThan(60)
    expect(r.returns.every((g) => Number.isInteger(g) && g >= 1 && g <= 500)).toBe(true)
    // one line per episode and a closing line
    expect(lines).toHaveLength(r.returns.length + 1)
    expect(lines[0]).toMatch(/^episode 1: return \d+, average of last 1 \d+\.\d, \d+\.\d s$/)
    expect(lines.at(-1)).toMatch(
      /^solved after 66 episodes, \d+\.\d s: average return of the last 20 episodes \d+\.\d$/,
    )
  })

  it('is deterministic for a seed, stops at the episode budget, and logs every k-th episode', () => {
    const lines: string[] = []
    const a = trainReinforce({ seed: 5, episodes: 12, hidden: 8, log: (line) => lines.push(line), logEvery: 5 })
    const b = trainReinforce({ seed: 5, episodes: 12, hidden: 8 })
    expect(a.returns).toEqual(b.returns)
    expect(a.returns).toHaveLength(12)
    expect(a.solved).toBe(false)
    expect(trainReinforce({ seed: 6, episodes: 12, hidden: 8 }).returns).not.toEqual(a.returns)
    expect(lines.map((line) => line.split(':')[0])).toEqual(['episode 5', 'episode 10', 'episode 12', 'stopped'])
    expect(lines[3]).toMatch(/^stopped: out of episodes after 12 episodes/)
    // without a baseline the same seed plays the same first episode, then learns differently
    const none = trainReinforce({ seed: 5, episodes: 12, hidden: 8, baseline: 'none' })
    expect(none.returns[0]).toBe(a.returns[0])
  })

  it('stops at the time budget', () => {
    const lines: string[] = []
    const r = trainReinforce({ seed: 1, maxSeconds: 1e-6, log: (line) => lines.push(line) })
    expect(r.returns).toHaveLength(1)
    expect(lines.at(-1)).toMatch(/^stopped: out of time after 1 episodes/)
  })

  it('averages the last n returns, or all of them when fewer', () => {
    expect(trailingMean([10, 20, 30, 40], 2)).toBe(35)
    expect(trailingMean([10], 20)).toBe(10)
    expect(trailingMean([], 20)).toBe(0)
  })

  it('rejects bad settings with the valid range, before doing anything', () => {
    const rejects = (options: unknown, message: string) =>
      expect(() => trainReinforce(options as never)).toThrow(message)
    rejects({ episodes: 0 }, 'trainReinforce: episodes must be a positive integer, got 0')
    rejects({ episodes: '10' }, 'trainReinforce: episodes must be a positive integer, got "10"')
    rejects({ learningRate: 0 }, 'trainReinforce: learningRate must be a finite number > 0, got 0')
    rejects({ maxSeconds: NaN }, 'trainReinforce: maxSeconds must be a finite number > 0, got NaN')
    rejects({ gamma: 1.01 }, 'trainReinforce: gamma must be in [0, 1], got 1.01')
    rejects({ hidden: 2.5 }, 'trainReinforce: hidden must be a positive integer, got 2.5')
    rejects({ baseline: 'mean' }, 'trainReinforce: baseline must be "value" or "none", got "mean"')
    rejects({ seed: 0.5 }, 'trainReinforce: seed must be an integer, got 0.5')
    rejects({ log: 'console' }, 'trainReinforce: log must be a function, got "console"')
    rejects(
      { episode: 10 },
      'trainReinforce: unknown option episode, expected one of episodes, maxSeconds, learningRate, gamma, hidden, baseline, seed, log, logEvery; did you mean episodes?',
    )
    rejects([], 'trainReinforce: options must be a plain object, got []')
  })
})
