/**
 * The training loop: episodes of {@link cartpole} played by a {@link reinforce} agent, one learning
 * step after each, until the average return over the last 20 episodes reaches 195 or a budget ends.
 * @module
 */
import { foldIn, prngKey, splitKey, type PRNGKey } from '@gd/tensor'
import { cartpole, maxSteps } from './cartpole.js'
import { reinforce, type ReinforceOptions } from './reinforce.js'

/** Episodes averaged for the "solved" test, and the average return that counts as solved. */
export const averageOver = 20
export const solvedAt = 195

/** What {@link train} is told; all fields are required (index.ts fills in the defaults). */
export interface TrainSettings extends Omit<ReinforceOptions, 'seed'> {
  /** Seeds the networks, the start states and the sampled actions (three keys split from it). */
  seed: number
  episodes: number
  maxSeconds: number
  /** Print every k-th episode (and the last). */
  logEvery: number
}

/** What a run produced. */
export interface TrainResult {
  /** The return of each episode played, in order. */
  returns: number[]
  /** Mean of the last 20 returns (of all of them when fewer were played). */
  average20: number
  seconds: number
  solved: boolean
}

/**
 * Mean of the last `n` values (of all of them when fewer; 0 for none).
 * @example
 * ```ts
 * trailingMean([10, 20, 30, 40], 2) // 35
 * trailingMean([10], 20) // 10
 * ```
 */
export function trailingMean(values: readonly number[], n: number): number {
  const tail = values.slice(-n)
  return tail.length === 0 ? 0 : tail.reduce((a, b) => a + b, 0) / tail.length
}

/**
 * Plays and learns until solved or out of episodes or time, logging every `logEvery`-th episode
 * and a closing line. Yields to the event loop about every 50 ms, so a page that runs it stays
 * responsive. The settings are not checked here: {@link runCartpole} checks them.
 * @example
 * ```ts
 * const r = await train({ learningRate: 0.01, gamma: 0.99, hidden: 32, baseline: 'value', seed: 0, episodes: 300, maxSeconds: 60, logEvery: 10 }, console.log)
 * r.solved // true, after 178 episodes
 * ```
 */
export async function train(settings: TrainSettings, log: (line: string) => void): Promise<TrainResult> {
  const start = performance.now()
  // one key each for the networks' initialization, the start states and the sampled actions
  const [netKey, envKey, actKey] = splitKey(prngKey(settings.seed), 3) as [PRNGKey, PRNGKey, PRNGKey]
  const env = cartpole(envKey)
  const agent = reinforce({ ...settings, seed: netKey })
  const observations = new Float32Array(4 * maxSteps)
  const actions = new Int32Array(maxSteps)
  const rewards = new Float64Array(maxSteps)
  const returns: number[] = []
  let lastYield = start
  let solved = false
  for (let episode = 0; episode < settings.episodes; episode++) {
    const key = foldIn(actKey, episode)
    let obs = env.reset()
    let t = 0
    let total = 0
    for (let done = false; !done; t++) {
      observations.set(obs, 4 * t)
      const action = agent.act(obs, foldIn(key, t))
      const r = env.step(action)
      actions[t] = action
      rewards[t] = r.reward
      total += r.reward
      obs = r.observation
      done = r.done
    }
    agent.learn({ observations: observations.subarray(0, 4 * t), actions: actions.subarray(0, t), rewards: rewards.subarray(0, t) })
    returns.push(total)
    const average = trailingMean(returns, averageOver)
    solved = returns.length >= averageOver && average >= solvedAt
    const seconds = (performance.now() - start) / 1000
    const last = solved || episode === settings.episodes - 1 || seconds >= settings.maxSeconds
    if ((episode + 1) % settings.logEvery === 0 || last) {
      log(`episode ${episode + 1}: return ${total}, average of last ${Math.min(averageOver, returns.length)} ${average.toFixed(1)}, ${seconds.toFixed(1)} s`)
    }
    if (last) {
      const why = solved ? 'solved' : seconds >= settings.maxSeconds ? 'stopped: out of time' : 'stopped: out of episodes'
      log(`${why} after ${episode + 1} episodes, ${seconds.toFixed(1)} s: average return of the last ${Math.min(averageOver, returns.length)} episodes ${average.toFixed(1)}`)
      break
    }
    if (performance.now() - lastYield > 50) {
      await new Promise((resolve) => setTimeout(resolve, 0))
      lastYield = performance.now()
    }
  }
  return { returns, average20: trailingMean(returns, averageOver), seconds: (performance.now() - start) / 1000, solved }
}
