// REINFORCE with a learned value baseline (Williams 1992; Sutton & Barto, Reinforcement Learning,
// 2nd ed., §13.4) on the cart-pole of @gd/rl. After each episode the policy moves along
//
//   ∇J ≈ (1/T) Σₜ Âₜ ∇ log π(aₜ | sₜ),   Âₜ = standardize(Gₜ − V(sₜ)),   Gₜ = Σₖ γᵏ rₜ₊ₖ,
//
// while a value network V(s) learns to predict Gₜ. Subtracting V(sₜ) leaves the gradient's
// expectation unchanged (E[∇ log π] = 0) but removes most of its variance: an action is judged by
// how much better it did than usual from that state, not by how long the episode happened to last.
//
//   pnpm --filter @gd/examples example reinforce
import { add, mean, noGrad, square, sub, valueAndGrad } from '@gd/autograd'
import { integer, oneOf, optional, positiveInteger, readOptions, within, withDefault } from '@gd/check'
import { linear, sequential, tanh } from '@gd/nn'
import { adam, stepInPlace } from '@gd/optimizers'
import {
  cartPole,
  discountedReturns,
  maxSteps,
  policyGradientLoss,
  standardize,
  type CartPoleObservation,
} from '@gd/rl'
import { categorical, foldIn, prngKey, splitKey, Tensor, type PRNGKey } from '@gd/tensor'
import { finiteAboveZero, logger } from './checks.js'

/** Settings of {@link trainReinforce}; each has a default. */
export interface ReinforceOptions {
  /** Most episodes to play. Default 1000. */
  episodes?: number
  /** Most seconds to train (checked after each episode). Default 60. */
  maxSeconds?: number
  /** Adam's learning rate, for the policy and the value network. Default 0.01. */
  learningRate?: number
  /** The discount γ of the returns. Default 0.99. */
  gamma?: number
  /** Width of the one hidden (tanh) layer of each network. Default 32. */
  hidden?: number
  /** `'value'` subtracts the value network's V(sₜ) from the returns; `'none'` uses the returns alone. Default `'value'`. */
  baseline?: 'value' | 'none'
  /** Seeds the networks, the start states and the sampled actions. Default 0. */
  seed?: number
  /** Called with a line of progress every `logEvery` episodes, and at the end. */
  log?: (line: string) => void
  /** Default 10. */
  logEvery?: number
}

/** What {@link trainReinforce} returns. */
export interface ReinforceResult {
  /** The return of each episode played (the steps the pole stayed up, 1 to 500). */
  returns: number[]
  /** Mean return of the last 20 episodes (of all of them when fewer were played). */
  average20: number
  /** Whether the mean return of the last 20 episodes reached 195 (the classic "solved"). */
  solved: boolean
  /** Wall-clock seconds of the run. */
  seconds: number
}

/** Episodes averaged for the "solved" test, and the average return that counts as solved. */
export const averageOver = 20
export const solvedAt = 195

const optionsSpec = {
  episodes: withDefault(positiveInteger, 1000),
  maxSeconds: withDefault(finiteAboveZero, 60),
  learningRate: withDefault(finiteAboveZero, 0.01),
  gamma: withDefault(within({ min: 0, max: 1 }), 0.99),
  hidden: withDefault(positiveInteger, 32),
  baseline: withDefault(oneOf(['value', 'none'] as const), 'value'),
  seed: withDefault(integer, 0),
  log: optional(logger),
  logEvery: withDefault(positiveInteger, 10),
}

/** Mean of the last `n` values (of all of them when fewer; 0 for none). */
export function trailingMean(values: readonly number[], n: number): number {
  const tail = values.slice(-n)
  return tail.length === 0 ? 0 : tail.reduce((a, b) => a + b, 0) / tail.length
}

/** Trains a REINFORCE agent on cart-pole until the last 20 returns average 195, or a budget ends. */
export function trainReinforce(options: ReinforceOptions = {}): ReinforceResult {
  const o = readOptions('trainReinforce', options, optionsSpec)
  const start = performance.now()

  // One key each for the networks, the start states and the sampled actions.
  const [netKey, envKey, actKey] = splitKey(prngKey(o.seed), 3) as [PRNGKey, PRNGKey, PRNGKey]
  const [policyKey, valueKey] = splitKey(netKey) as [PRNGKey, PRNGKey]
  const env = cartPole(envKey)

  // The policy: 4 observations → hidden (tanh) → 2 logits, one per action (push left, push right).
  // The value network: 4 → hidden (tanh) → 1, predicting Gₜ in units of 1/(1 − γ), the largest
  // return, so its target stays near [0, 1] whatever γ.
  const policy = sequential(linear(4, o.hidden), tanh(), linear(o.hidden, 2))
  const value = sequential(linear(4, o.hidden), tanh(), linear(o.hidden, 1))
  const params = { policy: policy.init(policyKey), value: value.init(valueKey) }
  const optimizer = adam({ learningRate: o.learningRate })
  let state = optimizer.init(params)
  const scale = 1 - o.gamma

  // One episode's record, reused: at most 500 steps.
  const observations = new Float32Array(4 * maxSteps)
  const actions = new Int32Array(maxSteps)
  const rewards = new Float64Array(maxSteps)
  const returns: number[] = []
  let solved = false

  for (let episode = 0; episode < o.episodes; episode++) {
    // 1. Play an episode with the current policy, sampling each action from softmax(logits).
    const episodeKey = foldIn(actKey, episode)
    let observation: CartPoleObservation = env.reset()
    let steps = 0
    let total = 0
    for (let done = false; !done; steps++) {
      observations.set(observation, 4 * steps)
      const logits = noGrad(() =>
        policy.apply(params.policy, new Tensor(Float32Array.from(observation), [1, 4], 'float32')),
      ).value
      const action = categorical(foldIn(episodeKey, steps), logits).data[0]!
      const r = env.step(action)
      actions[steps] = action
      rewards[steps] = r.reward
      total += r.reward
      observation = r.observation
      done = r.done
    }

    // 2. Returns, and advantages: how much better than the value network expected each step did.
    const states = new Tensor(observations.slice(0, 4 * steps), [steps, 4], 'float32')
    const G = discountedReturns(rewards.subarray(0, steps), o.gamma)
    const V =
      o.baseline === 'value' ? noGrad(() => value.apply(params.value, states)).value.data : new Float32Array(steps)
    const advantages = standardize(G.map((g, t) => g - V[t]! / scale))
    const targets = new Tensor(
      Float32Array.from(G, (g) => g * scale),
      [steps, 1],
      'float32',
    )

    // 3. One Adam step on both networks: the policy-gradient loss plus the value network's squared error.
    const loss = (p: typeof params) => {
      const policyLoss = policyGradientLoss(policy.apply(p.policy, states), actions.subarray(0, steps), advantages)
      if (o.baseline === 'none') return policyLoss
      return add(policyLoss, mean(square(sub(value.apply(p.value, states), targets))))
    }
    const [, grads] = valueAndGrad(loss)(params)
    state = stepInPlace(optimizer, grads, state, params)

    // 4. Keep score.
    returns.push(total)
    const average = trailingMean(returns, averageOver)
    solved = returns.length >= averageOver && average >= solvedAt
    const seconds = (performance.now() - start) / 1000
    const last = solved || episode === o.episodes - 1 || seconds >= o.maxSeconds
    if (o.log && ((episode + 1) % o.logEvery === 0 || last)) {
      o.log(
        `episode ${episode + 1}: return ${total}, average of last ${Math.min(averageOver, returns.length)} ${average.toFixed(1)}, ${seconds.toFixed(1)} s`,
      )
    }
    if (last) {
      if (o.log) {
        const why = solved ? 'solved' : seconds >= o.maxSeconds ? 'stopped: out of time' : 'stopped: out of episodes'
        o.log(
          `${why} after ${episode + 1} episodes, ${seconds.toFixed(1)} s: average return of the last ${Math.min(averageOver, returns.length)} episodes ${average.toFixed(1)}`,
        )
      }
      break
    }
  }
  return { returns, average20: trailingMean(returns, averageOver), solved, seconds: (performance.now() - start) / 1000 }
}
