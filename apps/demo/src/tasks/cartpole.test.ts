import { describe, expect, it } from 'vitest'
import { cartpole, learningRateHint } from './cartpole.js'

describe('--task cartpole', () => {
  it('reads its flags into settings', () => {
    expect(cartpole.parse({ episodes: '10', lr: '0.003', 'max-seconds': '5', seed: '2' })).toEqual({
      episodes: 10,
      lr: 0.003,
      maxSeconds: 5,
      seed: 2,
    })
    expect(cartpole.parse({})).toEqual({})
  })

  it('solves seed 1 with the default learning rate, one line per episode, and reports the returns', async () => {
    const lines: string[] = []
    const outcome = await cartpole.run({ seed: 1, episodes: 300 }, { log: (line) => lines.push(line) })
    // the reinforce example solves seed 1 after 66 episodes (see its test)
    expect(lines).toHaveLength(67)
    expect(lines.at(-1)).toMatch(
      /^solved after 66 episodes, \d+\.\d s: average return of the last 20 episodes \d+\.\d$/,
    )
    expect(outcome.html).toContain('@gd CartPole with REINFORCE')
    expect(outcome.html).toContain('return per episode')
  })

  it('passes --lr on as the learning rate: a different rate plays differently after the first episode', async () => {
    const returns = async (lr?: number) => {
      const lines: string[] = []
      await cartpole.run(
        { seed: 3, episodes: 6, ...(lr === undefined ? {} : { lr }) },
        { log: (line) => lines.push(line) },
      )
      return lines.slice(0, 6).map((line) => Number(/return (\d+)/.exec(line)![1]))
    }
    const base = await returns()
    expect(await returns(0.01)).toEqual(base)
    const other = await returns(0.2)
    expect(other[0]).toBe(base[0])
    expect(other).not.toEqual(base)
  })

  it('warns when a run with a learning rate well above the default does not solve it', async () => {
    expect(learningRateHint(undefined, false)).toBeUndefined()
    expect(learningRateHint(0.02, false)).toBeUndefined()
    expect(learningRateHint(1e9, true)).toBeUndefined()
    expect(learningRateHint(1e9, false)).toBe(
      'warning: not solved with --lr 1e9, at least 3 times the default 0.01: so large a step tends to collapse the policy onto one action, ' +
        'and the returns stay low. Try a smaller --lr, such as 0.01.',
    )
    const lines: string[] = []
    await cartpole.run({ seed: 0, episodes: 20, lr: 1e9 }, { log: (line) => lines.push(line) })
    expect(lines.at(-1)).toBe(`\n${learningRateHint(1e9, false)}`)
  })
})
