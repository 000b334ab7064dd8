// REINFORCE on CartPole, as the "Reinforcement learning" page runs it: a small policy network that
// gives the probabilities of pushing the cart left or right, episodes played with it, one gradient
// step per episode along the policy gradient (with or without a learned baseline), a training loop
// that gives the page back to the browser between episodes, and a measurement of how much a baseline
// shrinks the spread of the gradient estimates.
import { add, mean, mul, noGrad, square, sub, valueAndGrad } from '@gd/autograd'
import { linear, sequential, tanh } from '@gd/nn'
import { adam, applyUpdates } from '@gd/optimizers'
import { cartPole, discountedReturns, policyGradientLoss, type CartPole, type CartPoleObservation } from '@gd/rl'
import { Tensor, categorical, foldIn, prngKey, splitKey, treeLeaves, type PRNGKey } from '@gd/tensor'

// #region policy
/** The policy π(a | s): the 4 numbers of the state → `hidden` tanh units → 2 logits (left, right). */
export const policyNetwork = (hidden: number) => sequential(linear(4, hidden), tanh(), linear(hidden, 2))
/** The baseline's value network V(s): the state → `hidden` tanh units → 1 number. */
export const valueNetwork = (hidden: number) => sequential(linear(4, hidden), tanh(), linear(hidden, 1))

export type Policy = ReturnType<typeof policyNetwork>
/** The policy's parameters: a tree of tensors, typed by its layers. */
export type PolicyParams = ReturnType<Policy['init']>
type ValueParams = ReturnType<ReturnType<typeof valueNetwork>['init']>

/** The two logits of π(· | s) for one state, computed without recording a graph. */
export function logitsOf(policy: Policy, params: PolicyParams, observation: CartPoleObservation): Tensor {
  return noGrad(() => policy.apply(params, new Tensor(Float32Array.from(observation), [1, 4], 'float32'))).value
}

/** π(right | s) = σ(z_right − z_left), the softmax of two logits. */
export function probabilityRight(policy: Policy, params: PolicyParams, observation: CartPoleObservation): number {
  const [left, right] = logitsOf(policy, params, observation).data as Float32Array
  return 1 / (1 + Math.exp(left! - right!))
}

/** An action drawn from π(· | s): 0 (push left) or 1 (push right). */
export const act = (policy: Policy, params: PolicyParams, observation: CartPoleObservation, key: PRNGKey): number =>
  categorical(key, logitsOf(policy, params, observation)).data[0]!
// #endregion policy

// #region episode
/** One episode as the agent lived it: T states (4 numbers each, row after row), T actions, T rewards. */
export interface Episode {
  observations: Float32Array
  actions: Int32Array
  rewards: Float64Array
}

/** Plays one episode of `env` with the policy, drawing action t with the key `foldIn(key, t)`. */
export function playEpisode(env: CartPole, policy: Policy, params: PolicyParams, key: PRNGKey): Episode {
  const observations: number[] = []
  const actions: number[] = []
  let observation = env.reset()
  for (let t = 0, done = false; !done; t++) {
    const action = act(policy, params, observation, foldIn(key, t))
    observations.push(...observation)
    actions.push(action)
    ;({ observation, done } = env.step(action))
  }
  const rewards = new Float64Array(actions.length).fill(1) // CartPole pays 1 for every step
  return { observations: Float32Array.from(observations), actions: Int32Array.from(actions), rewards }
}
// #endregion episode

// #region learn
/** `value`: subtract a learned V(sₜ) from the returns; `none`: use the returns as they are. */
export type Baseline = 'value' | 'none'

export interface LearnerOptions {
  /** Adam's learning rate, for the policy and the value network alike. */
  learningRate: number
  baseline: Baseline
  /** Discount γ of the returns. Default 0.99. */
  gamma?: number
  /** Width of the hidden layer of both networks. Default 32. */
  hidden?: number
  seed?: number
}

/**
 * REINFORCE: after each episode, one Adam step on
 *
 *   L(θ) = −(1/T) Σₜ Âₜ log π_θ(aₜ | sₜ),   Gₜ = Σₖ γᵏ rₜ₊ₖ,
 *
 * whose gradient is minus the policy-gradient estimate. The returns are measured in units of
 * 1/(1 − γ), the largest return, so that they lie in [0, 1]. With the `value` baseline a second
 * network, trained on the same step by a mean squared error, learns V(s) ≈ (1 − γ) Gₜ, and
 * Âₜ = (1 − γ) Gₜ − V(sₜ); with `none`, Âₜ = (1 − γ) Gₜ.
 */
export function reinforce(options: LearnerOptions) {
  const { learningRate, baseline, gamma = 0.99, hidden = 32, seed = 0 } = options
  const policy = policyNetwork(hidden)
  const value = valueNetwork(hidden)
  const [policyKey, valueKey] = splitKey(prngKey(seed))
  let params = { policy: policy.init(policyKey), value: value.init(valueKey) }
  const optimizer = adam({ learningRate })
  let state = optimizer.init(params)
  const scale = 1 - gamma

  const loss = valueAndGrad(
    (
      p: { policy: PolicyParams; value: ValueParams },
      observations: Tensor,
      actions: Tensor,
      advantages: Tensor,
      targets: Tensor,
    ) => {
      const policyLoss = policyGradientLoss(policy.apply(p.policy, observations), actions, advantages)
      if (baseline === 'none') return policyLoss
      return add(policyLoss, mean(square(sub(value.apply(p.value, observations), targets))))
    },
  )

  return {
    policy,
    /** The policy's parameters of the moment (each step makes new tensors: this one stays as it is). */
    params: (): PolicyParams => params.policy,
    /** One REINFORCE step on a finished episode; returns the loss before the step. */
    learn(episode: Episode): number {
      const steps = episode.actions.length
      const observations = new Tensor(episode.observations, [steps, 4], 'float32')
      const returns = discountedReturns(episode.rewards, gamma)
      let advantages: Float64Array
      if (baseline === 'value') {
        const v = noGrad(() => value.apply(params.value, observations)).value.data
        advantages = returns.map((g, t) => scale * g - v[t]!)
      } else {
        advantages = returns.map((g) => g * scale)
      }
      const targets = new Tensor(
        Float32Array.from(returns, (g) => g * scale),
        [steps, 1],
        'float32',
      )
      const actions = new Tensor(episode.actions, [steps], 'int32')
      const [l, grads] = loss(
        params,
        observations,
        actions,
        new Tensor(Float32Array.from(advantages), [steps], 'float32'),
        targets,
      )
      const { updates, state: next } = optimizer.update(grads, state, params)
      params = applyUpdates(params, updates)
      state = next
      return l.item()
    },
  }
}
// #endregion learn

// #region train
/** Gives the browser the main thread back: it can paint, redraw the plot and the cart, handle clicks. */
export const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** What the loop reports after each episode. */
export interface EpisodeReport {
  /** Episodes played so far, this one included (from 1). */
  episode: number
  /** The episode's return: the steps the pole stayed up, at most 500. */
  return: number
  /** The mean return of the last 20 episodes (of all so far, before the 20th). */
  mean20: number
}

/**
 * Plays `episodes` episodes of CartPole (seeded by `seed`), learning after each one. `onEpisode` gets
 * each episode's return; the loop pauses every ~30 ms so the page stays responsive.
 */
export async function trainCartPole(
  options: LearnerOptions & {
    episodes: number
    onEpisode?: (report: EpisodeReport, learner: ReturnType<typeof reinforce>) => void
    shouldStop?: () => boolean
  },
): Promise<EpisodeReport[]> {
  const { episodes, seed = 0 } = options
  const learner = reinforce(options)
  const [envKey, actKey] = splitKey(prngKey(seed + 1))
  const env = cartPole(envKey)
  const reports: EpisodeReport[] = []
  let worked = performance.now()
  for (let e = 0; e < episodes && options.shouldStop?.() !== true; e++) {
    const episode = playEpisode(env, learner.policy, learner.params(), foldIn(actKey, e))
    learner.learn(episode)
    const last = reports.slice(-19).map((r) => r.return)
    const total = episode.actions.length
    const report = {
      episode: e + 1,
      return: total,
      mean20: [...last, total].reduce((a, b) => a + b, 0) / (last.length + 1),
    }
    reports.push(report)
    options.onEpisode?.(report, learner)
    if (performance.now() - worked > 30) {
      await pause()
      worked = performance.now()
    }
  }
  return reports
}
// #endregion train

// #region variance
/** What {@link gradientSpread} measured for one choice of baseline. */
export interface Spread {
  /** ‖ḡ‖²: the squared length of the mean of the single-episode estimates. */
  meanSquared: number
  /** (1/N) Σᵢ ‖ĝᵢ − ḡ‖²: how far a single episode's estimate lands from their mean, squared, on average. */
  spread: number
  /** The mean ḡ itself, flattened. */
  mean: Float64Array
}

/**
 * Single-episode estimates of the policy gradient at one fixed (untrained) policy,
 *
 *   ĝᵢ = Σₜ (Gₜ − bₜ) ∇ log π(aₜ | sₜ)   for episodes i = 1 … N,
 *
 * once with b = 0 and once with bₜ = the mean return from step t on, taken over N other episodes of
 * the same policy (so that it does not depend on episode i, and ĝᵢ stays unbiased).
 */
export function gradientSpread(options: { episodes: number; hidden?: number; gamma?: number; seed?: number }): {
  none: Spread
  mean: Spread
  baseline: Float64Array
} {
  const { episodes, hidden = 32, gamma = 0.99, seed = 0 } = options
  const policy = policyNetwork(hidden)
  const params = policy.init(seed)
  const [envKey, actKey] = splitKey(prngKey(seed + 1))
  const env = cartPole(envKey)
  const play = (n: number, offset: number) =>
    Array.from({ length: n }, (_, i) => playEpisode(env, policy, params, foldIn(actKey, offset + i)))
  // bₜ from a first batch of episodes: the mean of Gₜ over those that lasted past step t
  const sums: number[] = []
  const counts: number[] = []
  for (const e of play(episodes, 0)) {
    discountedReturns(e.rewards, gamma).forEach((g, t) => {
      sums[t] = (sums[t] ?? 0) + g
      counts[t] = (counts[t] ?? 0) + 1
    })
  }
  const baseline = Float64Array.from(sums, (s, t) => s / counts[t]!)
  // −ĝᵢ is the gradient of T · policyGradientLoss (which averages over the T steps)
  const estimate = valueAndGrad((p: PolicyParams, x: Tensor, actions: Tensor, advantages: Tensor) =>
    mul(actions.size, policyGradientLoss(policy.apply(p, x), actions, advantages)),
  )
  const flat = (grads: PolicyParams) =>
    Float64Array.from(treeLeaves(grads).flatMap((t) => Array.from(t.data as Float32Array, (v) => -v)))
  const none: Float64Array[] = []
  const mean: Float64Array[] = []
  for (const e of play(episodes, episodes)) {
    const steps = e.actions.length
    const x = new Tensor(e.observations, [steps, 4], 'float32')
    const actions = new Tensor(e.actions, [steps], 'int32')
    const returns = discountedReturns(e.rewards, gamma)
    const advantages = (b: (t: number) => number) =>
      new Tensor(
        Float32Array.from(returns, (g, t) => g - b(t)),
        [steps],
        'float32',
      )
    none.push(
      flat(
        estimate(
          params,
          x,
          actions,
          advantages(() => 0),
        )[1],
      ),
    )
    mean.push(
      flat(
        estimate(
          params,
          x,
          actions,
          advantages((t) => baseline[t] ?? 0),
        )[1],
      ),
    )
  }
  return { none: spreadOf(none), mean: spreadOf(mean), baseline }
}

function spreadOf(estimates: Float64Array[]): Spread {
  const n = estimates.length
  const mean = new Float64Array(estimates[0]!.length)
  for (const g of estimates) g.forEach((v, j) => (mean[j]! += v / n))
  let spread = 0
  for (const g of estimates) g.forEach((v, j) => (spread += (v - mean[j]!) ** 2 / n))
  return { meanSquared: mean.reduce((a, v) => a + v * v, 0), spread, mean }
}
// #endregion variance
