/**
 * REINFORCE (Williams 1992) with a baseline, for the two actions of {@link cartpole}: a small MLP
 * policy gives the logits of a softmax over {left, right}; after each episode the parameters move
 * along the policy gradient
 *
 *   ∇J ≈ (1/T) Σₜ Âₜ ∇ log π(aₜ | sₜ),   Âₜ = normalize(Gₜ − b(sₜ)),   Gₜ = Σₖ γᵏ rₜ₊ₖ,
 *
 * with Adam. The baseline b is either a learned value network V(s) (trained on the same step to
 * regress Gₜ, in units of the largest possible return 1/(1 − γ)) or a running mean of Gₜ per time
 * step t of the episode. Normalizing Âₜ to mean 0 and standard deviation 1 within each episode keeps
 * the step size the same for short and long episodes.
 * @see https://spinningup.openai.com/en/latest/spinningup/rl_intro3.html
 * @module
 */
import * as AG from '@gd/autograd'
import { linear, sequential, tanh, type Layer } from '@gd/nn'
import { adam, stepInPlace } from '@gd/optimizers'
import { categorical, prngKey, reshape, splitKey, Tensor, type PRNGKey, type Tree } from '@gd/tensor'
import type { Observation } from './cartpole.js'

/** The baselines {@link reinforce} can subtract from the returns. */
export const baselines = ['value', 'mean'] as const
/** `value`: a learned V(s); `mean`: a running mean of the return at each time step. */
export type Baseline = (typeof baselines)[number]

/** Options of {@link reinforce}. */
export interface ReinforceOptions {
  /** Adam's learning rate, for the policy and the value network. */
  learningRate: number
  /** The discount γ of the returns. */
  gamma: number
  /** Width of the one hidden layer (tanh) of the policy and of the value network. */
  hidden: number
  /** Which baseline to subtract. */
  baseline: Baseline
  /** Initializes the networks: a seed or a key. */
  seed: number | PRNGKey
}

/** One episode as the agent saw it: T observations (row-major, 4 per step), actions and rewards. */
export interface Episode {
  observations: Float32Array
  actions: Int32Array
  rewards: Float64Array
}

/** What one learning step measured. */
export interface LearnResult {
  /** −mean(Âₜ log π(aₜ | sₜ)) before the step. */
  policyLoss: number
  /** mean((V(sₜ) − Gₜ(1 − γ))²) before the step; 0 with the running-mean baseline. */
  valueLoss: number
}

/** A learning agent: `act` samples an action, `learn` takes one gradient step on an episode. */
export interface Agent {
  /** Samples aₜ ~ π(· | s) with the given key (`categorical` on the policy's logits). */
  act(observation: Observation, key: PRNGKey): number
  /** π(1 | s), the probability of pushing right. */
  probabilityRight(observation: Observation): number
  /** One REINFORCE step on a finished episode. */
  learn(episode: Episode): LearnResult
}

/**
 * Gₜ = rₜ + γ Gₜ₊₁, from the last step back (G after the last step is 0).
 * @example
 * ```ts
 * discountedReturns([1, 1, 1], 0.5) // [1.75, 1.5, 1]
 * ```
 */
export function discountedReturns(rewards: ArrayLike<number>, gamma: number): Float64Array {
  const out = new Float64Array(rewards.length)
  let g = 0
  for (let t = rewards.length - 1; t >= 0; t--) {
    g = rewards[t]! + gamma * g
    out[t] = g
  }
  return out
}

/**
 * (x − mean) / std with the population std; all zeros when the values are (nearly) all equal,
 * so a one-step episode or a constant advantage gives no push either way.
 * @example
 * ```ts
 * normalize([1, 3]) // [-1, 1]
 * ```
 */
export function normalize(values: ArrayLike<number>): Float64Array {
  const n = values.length
  let mean = 0
  for (let i = 0; i < n; i++) mean += values[i]!
  mean /= n
  let sq = 0
  for (let i = 0; i < n; i++) sq += (values[i]! - mean) ** 2
  const std = Math.sqrt(sq / n)
  const out = new Float64Array(n)
  if (!(std > 1e-8)) return out
  for (let i = 0; i < n; i++) out[i] = (values[i]! - mean) / std
  return out
}

/**
 * The policy-gradient surrogate −(1/T) Σₜ Âₜ log π(aₜ | sₜ), whose gradient is minus the REINFORCE
 * estimate: log π(aₜ | sₜ) is read from `logSoftmax(logits)` with `takeAlongAxis` at each step's
 * action (its backward writes one element per row).
 * @example
 * ```ts
 * import { tensor } from '@gd/tensor'
 * // one step, logits [0, 0]: log π = −ln 2, so the loss is −1 · (−ln 2) = 0.693…
 * policyLoss(tensor([[0, 0]]), tensor([1], { dtype: 'int32' }), tensor([1])).item()
 * ```
 */
export function policyLoss(logits: AG.Input, actions: Tensor, advantages: AG.Input): AG.Var {
  const chosen = reshape(actions, [actions.size, 1])
  const logProbs = AG.reshape(AG.takeAlongAxis(AG.logSoftmax(logits), chosen), [actions.size])
  return AG.neg(AG.mean(AG.mul(logProbs, advantages)))
}

/** Checks an episode's lengths and actions before anything is computed or written. */
function checkEpisode(episode: Episode): void {
  const { observations, actions, rewards } = episode
  const steps = actions.length
  if (steps === 0) throw new Error('reinforce: learn needs an episode of at least one step, got none')
  if (observations.length !== 4 * steps || rewards.length !== steps) {
    throw new Error(`reinforce: an episode of ${steps} actions needs ${4 * steps} observation values and ${steps} rewards, got ${observations.length} and ${rewards.length}`)
  }
  for (let t = 0; t < steps; t++) {
    if (actions[t] !== 0 && actions[t] !== 1) throw new Error(`reinforce: actions must be 0 or 1, got ${actions[t]} at step ${t}`)
  }
}

/** An MLP 4 → hidden (tanh) → outputs. */
function mlp(hidden: number, outputs: number): Layer<unknown[], unknown[]> {
  return sequential(linear(4, hidden), tanh(), linear(hidden, outputs))
}

/**
 * Makes a REINFORCE agent for cart-pole. Acting runs the policy on one observation without
 * recording gradients and samples an action with `categorical` from its logits; learning runs the policy (and
 * the value network) on the whole episode at once and takes one Adam step, written into the
 * agent's own parameter tensors.
 * @example
 * ```ts
 * import { prngKey } from '@gd/tensor'
 * const agent = reinforce({ learningRate: 0.01, gamma: 0.99, hidden: 32, baseline: 'value', seed: 0 })
 * agent.act([0, 0, 0.01, 0], prngKey(1)) // 0 or 1
 * ```
 */
export function reinforce(options: ReinforceOptions): Agent {
  const { learningRate, gamma, hidden, baseline, seed } = options
  const policy = mlp(hidden, 2)
  const value = mlp(hidden, 1)
  const [kp, kv] = splitKey(typeof seed === 'number' ? prngKey(seed) : seed) as [PRNGKey, PRNGKey]
  const params: { policy: unknown[]; value?: unknown[] } = { policy: policy.init(kp) }
  if (baseline === 'value') params.value = value.init(kv)
  const optimizer = adam({ learningRate })
  let state = optimizer.init(params as Tree)
  // The running-mean baseline: bₜ for each time step t seen so far.
  const meanReturns: number[] = []
  const scale = 1 - gamma // V predicts Gₜ in units of 1/(1 − γ), the largest return

  const logitsOf = (observation: Observation): Tensor => {
    const input = new Tensor(Float32Array.from(observation), [1, 4], 'float32')
    return AG.noGrad(() => policy.apply(params.policy, input)).value
  }
  const probabilityRight = (observation: Observation): number => {
    const z = logitsOf(observation).data
    // softmax over two logits: π(1) = σ(z₁ − z₀)
    return 1 / (1 + Math.exp(z[0]! - z[1]!))
  }

  const baselineOf = (observations: Tensor, steps: number): Float64Array => {
    const b = new Float64Array(steps)
    if (baseline === 'value') {
      const v = AG.noGrad(() => value.apply(params.value!, observations)).value.data
      for (let t = 0; t < steps; t++) b[t] = v[t]! / scale
    } else {
      for (let t = 0; t < steps; t++) b[t] = meanReturns[t] ?? 0
    }
    return b
  }

  return {
    probabilityRight,
    act: (observation, key) => categorical(key, logitsOf(observation)).data[0]!,
    learn: (episode) => {
      checkEpisode(episode)
      const steps = episode.actions.length
      const observations = new Tensor(episode.observations, [steps, 4], 'float32')
      const actions = new Tensor(episode.actions, [steps], 'int32')
      const returns = discountedReturns(episode.rewards, gamma)
      const b = baselineOf(observations, steps)
      const advantages = new Tensor(Float32Array.from(normalize(returns.map((g, t) => g - b[t]!))), [steps], 'float32')
      const targets = new Tensor(Float32Array.from(returns, (g) => g * scale), [steps, 1], 'float32')
      const loss = (p: typeof params): [AG.Var, [Tensor, Tensor | undefined]] => {
        const pl = policyLoss(policy.apply(p.policy, observations), actions, advantages)
        if (p.value === undefined) return [pl, [pl.value, undefined]]
        const vl = AG.mean(AG.square(AG.sub(value.apply(p.value, observations), targets)))
        return [AG.add(pl, vl), [pl.value, vl.value]]
      }
      const [[, [pl, vl]], grads] = AG.valueAndGrad(loss, { hasAux: true })(params as never) as unknown as [[Tensor, [Tensor, Tensor | undefined]], Tree]
      state = stepInPlace(optimizer, grads, state, params as Tree)
      if (baseline === 'mean') {
        for (let t = 0; t < steps; t++) {
          meanReturns[t] = meanReturns[t] === undefined ? returns[t]! : meanReturns[t]! + 0.1 * (returns[t]! - meanReturns[t]!)
        }
      }
      return { policyLoss: pl.item(), valueLoss: vl === undefined ? 0 : vl.item() }
    },
  }
}
