/**
 * The classic cart-pole task (Barto, Sutton & Anderson 1983), with the constants and the
 * explicit Euler integration of Gymnasium's `CartPole-v1`: a pole hinged on a cart
 * that moves on a frictionless track; each step pushes the cart left (action 0) or right (action 1)
 * with a force of 10 N for 0.02 s. The reward is 1 for every step taken, the terminating one
 * included; an episode ends when the pole leans more than 12° or the cart leaves [−2.4, 2.4], or
 * after 500 steps (CartPole-v1's time limit), so returns lie in [1, 500].
 * @module
 */
import { checkKey, foldIn, prngKey, uniform, type PRNGKey } from '@gd/tensor'

/** g, m_cart, m_pole, the pole's half-length l, the push F and the time step τ, as Gymnasium's. */
export const physics = {
  gravity: 9.8,
  cartMass: 1.0,
  poleMass: 0.1,
  halfLength: 0.5,
  force: 10.0,
  tau: 0.02,
} as const

/** The pole falls past 12° = 12·2π/360 rad. */
export const thetaLimit = (12 * 2 * Math.PI) / 360
/** The cart leaves the track past 2.4 m from the centre. */
export const xLimit = 2.4
/** CartPole-v1's episode cap. */
export const maxSteps = 500

/** The state and observation: cart position x, its velocity, pole angle θ (0 is upright), its rate. */
export type Observation = readonly [x: number, xDot: number, theta: number, thetaDot: number]

/** What {@link CartPole.step} returns. */
export interface StepResult {
  /** The state after the step. */
  observation: Observation
  /** Always 1: every step the pole was still up when it began counts. */
  reward: number
  /** The pole fell, the cart left the track, or the episode reached {@link maxSteps}. */
  done: boolean
}

/** A cart-pole environment: `reset` starts an episode, `step` advances it by τ. */
export interface CartPole {
  /** Starts a new episode from the next seeded state in [−0.05, 0.05)⁴. */
  reset(): Observation
  /** Pushes left (0) or right (1) for one time step. */
  step(action: number): StepResult
}

/**
 * One Euler step of the frictionless cart-pole equations as Gymnasium writes them (derived in
 * Florian, "Correct equations for the dynamics of the cart-pole system", 2007):
 *
 *   temp = (F + m_p l θ̇² sin θ) / (m_c + m_p)
 *   θ̈ = (g sin θ − cos θ · temp) / (l (4/3 − m_p cos² θ / (m_c + m_p)))
 *   ẍ = temp − m_p l θ̈ cos θ / (m_c + m_p)
 *
 * then x ← x + τ ẋ, ẋ ← ẋ + τ ẍ, θ ← θ + τ θ̇, θ̇ ← θ̇ + τ θ̈ (positions move with the old
 * velocities). F is +10 for action 1 and −10 for action 0.
 *
 * @throws Error when `action` is not 0 or 1.
 * @example
 * ```ts
 * import { dynamics } from './cartpole.js'
 * dynamics([0, 0, 0, 0], 1) // [0, 0.1951219512195122, 0, -0.2926829268292683]
 * ```
 */
export function dynamics(state: Observation, action: number): Observation {
  if (action !== 0 && action !== 1) throw new Error(`cartpole: action must be 0 or 1, got ${typeof action === 'string' ? JSON.stringify(action) : String(action)}`)
  const { gravity, cartMass, poleMass, halfLength, force, tau } = physics
  const [x, xDot, theta, thetaDot] = state
  const totalMass = cartMass + poleMass
  const poleMassLength = poleMass * halfLength
  const f = action === 1 ? force : -force
  const cos = Math.cos(theta)
  const sin = Math.sin(theta)
  const temp = (f + poleMassLength * thetaDot * thetaDot * sin) / totalMass
  const thetaAcc = (gravity * sin - cos * temp) / (halfLength * (4 / 3 - (poleMass * cos * cos) / totalMass))
  const xAcc = temp - (poleMassLength * thetaAcc * cos) / totalMass
  return [x + tau * xDot, xDot + tau * xAcc, theta + tau * thetaDot, thetaDot + tau * thetaAcc]
}

/**
 * True when the pole has fallen past 12° or the cart has left [−2.4, 2.4].
 * @example
 * ```ts
 * fallen([0, 0, 0.2, 0]) // false: 0.2 rad is 11.5°
 * fallen([2.5, 0, 0, 0]) // true
 * ```
 */
export function fallen(state: Observation): boolean {
  const [x, , theta] = state
  return x < -xLimit || x > xLimit || theta < -thetaLimit || theta > thetaLimit
}

/**
 * A seeded cart-pole environment. Episode `k` (counting from 0) starts from
 * `uniform(foldIn(key, k), [4], { low: −0.05, high: 0.05, dtype: 'float64' })`, so the same seed
 * gives the same episodes and, with the same actions, the same trajectories.
 *
 * @throws Error for a seed that is neither a safe integer nor a key, `step` before `reset` or after
 * the episode ended, and an action other than 0 or 1.
 * @example
 * ```ts
 * import { cartpole } from './cartpole.js'
 * const env = cartpole(0)
 * let obs = env.reset()
 * let total = 0
 * for (let done = false; !done; ) {
 *   const r = env.step(obs[2] > 0 ? 1 : 0) // push towards the side the pole leans
 *   obs = r.observation
 *   total += r.reward
 *   done = r.done
 * }
 * ```
 */
export function cartpole(seed: number | PRNGKey): CartPole {
  const key = typeof seed === 'number' ? prngKey(seed) : checkKey('cartpole', seed)
  let episode = 0
  let state: Observation | undefined
  let steps = 0
  return {
    reset() {
      const draw = uniform(foldIn(key, episode++), [4], { low: -0.05, high: 0.05, dtype: 'float64' }).data
      state = [draw[0]!, draw[1]!, draw[2]!, draw[3]!]
      steps = 0
      return state
    },
    step(action) {
      if (state === undefined) throw new Error('cartpole: step called before reset, or after the episode ended')
      const next = dynamics(state, action)
      steps++
      const done = fallen(next) || steps >= maxSteps
      state = done ? undefined : next
      return { observation: next, reward: 1, done }
    },
  }
}
