import { describe, expect, it } from 'vitest'
import { runCartpole } from './index.js'

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

describe('runCartpole', () => {
  it('learns: on seed 1 the average return climbs from about 20 to the solved mark of 195', async () => {
    const lines: string[] = []
    const r = await runCartpole({ seed: 1, episodes: 300, maxSeconds: 50 }, (line) => lines.push(line))
    // Seed 1 solves in 66 episodes (a second or two here); 300 episodes leave room.
    expect(r.solved).toBe(true)
    expect(r.average20).toBeGreaterThanOrEqual(195)
    expect(r.average20).toBe(mean(r.returns.slice(-20)))
    // a random policy keeps the pole up about 20 steps; the first 20 episodes are near that
    expect(mean(r.returns.slice(0, 20))).toBeLessThan(60)
    expect(r.returns.every((g) => Number.isInteger(g) && g >= 1 && g <= 500)).toBe(true)
    // one line per episode and a closing line
    expect(lines).toHaveLength(r.returns.length + 1)
    expect(lines[0]).toMatch(/^episode 1: return \d+, average of last 1 \d+\.\d, \d+\.\d s$/)
    expect(lines.at(-1)).toMatch(new RegExp(`^solved after ${r.returns.length} episodes, \\d+\\.\\d s: average return of the last 20 episodes \\d+\\.\\d$`))
    expect(r.seconds).toBeGreaterThan(0)
  })

  it('is deterministic for a seed, and stops at the episode budget', async () => {
    const quiet = (): void => {}
    const a = await runCartpole({ seed: 5, episodes: 15 }, quiet)
    const b = await runCartpole({ seed: 5, episodes: 15 }, quiet)
    expect(a.returns).toEqual(b.returns)
    expect(a.returns).toHaveLength(15)
    expect(a.solved).toBe(false)
    expect((await runCartpole({ seed: 6, episodes: 15 }, quiet)).returns).not.toEqual(a.returns)
  })

  it('stops at the time budget', async () => {
    const lines: string[] = []
    const r = await runCartpole({ seed: 1, maxSeconds: 1e-6 }, (line) => lines.push(line))
    expect(r.returns).toHaveLength(1)
    expect(lines.at(-1)).toMatch(/^stopped: out of time after 1 episodes/)
  })

  it('rejects bad settings with the valid range, before doing anything', async () => {
    const log = (): void => {}
    const rejects = (settings: unknown, message: string) => expect(runCartpole(settings as never, log)).rejects.toThrow(message)
    await rejects({ episodes: 0 }, 'runCartpole: episodes must be a positive integer, got 0')
    await rejects({ episodes: 2.5 }, 'runCartpole: episodes must be a positive integer, got 2.5')
    await rejects({ episodes: '10' }, 'runCartpole: episodes must be a positive integer, got "10"')
    await rejects({ seed: -1 }, 'runCartpole: seed must be a non-negative integer, got -1')
    await rejects({ lr: 0 }, 'runCartpole: lr must be a positive finite number, got 0')
    await rejects({ lr: Infinity }, 'runCartpole: lr must be a positive finite number, got Infinity')
    await rejects({ lr: NaN }, 'runCartpole: lr must be a positive finite number, got NaN')
    await rejects({ maxSeconds: -5 }, 'runCartpole: maxSeconds must be a positive finite number, got -5')
    await rejects({ episode: 10 }, 'runCartpole: unknown option episode, expected one of episodes, seed, lr, maxSeconds; did you mean episodes?')
    await rejects({ learningRate: 0.1 }, 'runCartpole: unknown option learningRate, expected one of episodes, seed, lr, maxSeconds')
    await rejects([], 'runCartpole: settings must be a plain object, got an array of length 0')
    await rejects(5, 'runCartpole: settings must be a plain object, got 5')
    await expect(runCartpole({}, 'log' as never)).rejects.toThrow('runCartpole: log must be a function, got "log"')
    // the settings object is read, never written
    const settings = Object.freeze({ episodes: 1, seed: 2 })
    expect((await runCartpole(settings, log)).returns).toHaveLength(1)
  })
})
