import { trainReinforce } from '@gd/examples/reinforce'
import { renderDigitsReport } from '../digitsReport.js'
import { formatNumber } from '../format.js'
import { nonNegativeInteger, positiveInteger, positiveNumber } from '../flags.js'
import { stringFlag, type Task } from './task.js'

/** Settings of `--task cartpole`, from its flags; an absent one takes the default of @gd/examples' `trainReinforce`. */
export interface CartpoleSettings {
  /** Most episodes to play (default 1000). */
  episodes?: number
  /** Seeds the networks, the start states and the sampled actions (default 0). */
  seed?: number
  /** Adam's learning rate (default 0.01). */
  lr?: number
  /** Most seconds to train, checked after each episode (default 60). */
  maxSeconds?: number
}

/** Adam's default learning rate in the reinforce example, and the rate above which runs collapse (README). */
const defaultLearningRate = 0.01
const collapsingLearningRate = 0.03

/**
 * A warning for a run that did not solve the task with a learning rate well above the default: the
 * policy tends to collapse onto one action then (2 of 10 seeds at 0.03), and its returns stay low.
 */
export function learningRateHint(lr: number | undefined, solved: boolean): string | undefined {
  if (solved || lr === undefined || lr < collapsingLearningRate) return undefined
  return (
    `warning: not solved with --lr ${formatNumber(lr)}, at least ${collapsingLearningRate / defaultLearningRate} times the default ${defaultLearningRate}: ` +
    `so large a step tends to collapse the policy onto one action, and the returns stay low. Try a smaller --lr, such as ${defaultLearningRate}.`
  )
}

/**
 * `--task cartpole`: REINFORCE with a learned value baseline (the `reinforce` example of
 * @gd/examples) on the cart-pole of @gd/rl, one line per episode, until the last 20 returns average
 * 195 or a budget ends; the report plots the return per episode.
 */
export const cartpole: Task<CartpoleSettings> = {
  name: 'cartpole',
  summary: 'balance a pole on a cart with REINFORCE and a value baseline (return per episode)',
  flags: {
    episodes: { type: 'string', usage: ['--episodes <N>', 'most episodes to play (default 1000)'] },
    lr: { type: 'string', usage: ['--lr <number>', "Adam's learning rate (default 0.01)"] },
    'max-seconds': { type: 'string', usage: ['--max-seconds <number>', 'most seconds to train (default 60)'] },
    seed: { type: 'string', usage: ['--seed <N>', 'seed for the networks, start states and actions (default 0)'] },
  },
  parse(values) {
    const settings: CartpoleSettings = {}
    const episodes = stringFlag(values, 'episodes')
    if (episodes !== undefined) settings.episodes = positiveInteger('--episodes', episodes)
    const lr = stringFlag(values, 'lr')
    if (lr !== undefined) settings.lr = positiveNumber('--lr', lr)
    const maxSeconds = stringFlag(values, 'max-seconds')
    if (maxSeconds !== undefined) settings.maxSeconds = positiveNumber('--max-seconds', maxSeconds)
    const seed = stringFlag(values, 'seed')
    if (seed !== undefined) settings.seed = nonNegativeInteger('--seed', seed)
    return settings
  },
  async run(settings, io) {
    const { lr, ...rest } = settings
    const r = trainReinforce({ ...rest, ...(lr === undefined ? {} : { learningRate: lr }), log: io.log, logEvery: 1 })
    const hint = learningRateHint(lr, r.solved)
    if (hint !== undefined) io.log(`\n${hint}`)
    const x = r.returns.map((_, i) => i + 1)
    const average = r.returns.map((_, i) => {
      const last = r.returns.slice(Math.max(0, i - 19), i + 1)
      return last.reduce((a, b) => a + b, 0) / last.length
    })
    return {
      html: renderDigitsReport({
        title: '@gd CartPole with REINFORCE',
        summary: [
          ['episodes', String(r.returns.length)],
          ['average return of the last 20', r.average20.toFixed(1)],
          ['solved (average ≥ 195)', r.solved ? 'yes' : 'no'],
          ['time', `${r.seconds.toFixed(1)} s`],
        ],
        charts: [
          {
            title: 'return per episode',
            x,
            series: [
              { label: 'return', values: r.returns },
              { label: 'average of 20', values: average },
            ],
          },
        ],
        grids: [],
      }),
    }
  },
}
