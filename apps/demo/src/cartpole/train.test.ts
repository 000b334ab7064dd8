import { describe, expect, it } from 'vitest'
import { trailingMean, train } from './train.js'

describe('the cart-pole training loop', () => {
  it('averages the last n returns, or all of them when fewer', () => {
    expect(trailingMean([10, 20, 30, 40], 2)).toBe(35)
    expect(trailingMean([10], 20)).toBe(10)
    expect(trailingMean([], 20)).toBe(0)
  })

  it('logs every k-th episode, the last one and a closing line', async () => {
    const lines: string[] = []
    const settings = { learningRate: 0.01, gamma: 0.99, hidden: 8, baseline: 'mean' as const, seed: 4, episodes: 12, maxSeconds: 60, logEvery: 5 }
    const r = await train(settings, (line) => lines.push(line))
    expect(r.returns).toHaveLength(12)
    expect(lines.map((line) => line.split(':')[0])).toEqual(['episode 5', 'episode 10', 'episode 12', 'stopped'])
    expect(lines[2]).toContain(`return ${r.returns[11]}, average of last 12 ${trailingMean(r.returns, 20).toFixed(1)}`)
    expect(lines[3]).toMatch(/^stopped: out of episodes after 12 episodes/)
  })
})
