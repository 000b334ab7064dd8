/**
 * The cart-pole task of Barto, Sutton & Anderson (1983), with the constants, the explicit Euler
 * integration and the episode rules of Gymnasium's `CartPole-v1`.
 * @module
 */
import { fail } from '@gd/check'
import { foldIn, prngKey, uniform, type PRNGKey } from '@gd/tensor'
import type { Environment, StepResult } from './environment.js'
import { dynamics, fallen, physics } from './internal/dynamics.js'

/**
 * The cart-pole's physical constants, as Gymnasium's: gravity g (m/s²), the cart's and the pole's
 * masses m_c and m_p (kg), the pole's half-length l (m), the magnitude of the push F (N) and the
 * time step τ (s).
 * @example
 * ```ts
 * import { cartPolePhysics } from '@gd/rl'
 * cartPolePhysics.force * cartPolePhysics.tau // 0.2: the impulse of one push, in N·s
 * ```
 */
export const cartPolePhysics = physics

/**
 * The cart-pole's episode ends when the pole leans past 12° = 12·2π/360 rad from upright.
 * @example
 * ```ts
 * import { thetaLimit } from '@gd/rl'
 * thetaLimit // 0.20943951023931953
 * ```
 */
export const thetaLimit = (12 * 2 * Math.PI) / 360

/**
 * The cart-pole's episode ends when the cart is more than 2.4 m from the centre of the track.
 * @example
 * ```ts
 * import { xLimit } from '@gd/rl'
 * xLimit // 2.4
 * ```
 */
export const xLimit = 2.4

/**
 * The cart-pole's time limit: an episode is truncated after 500 steps (CartPole-v1's), so a return is at most 500.
 * @example
 * ```ts
 * import { maxSteps } from '@gd/rl'
 * maxSteps // 500
 * ```
 */
export const maxSteps = 500

/** The cart-pole's state and observation: cart position x (m), its velocity ẋ, pole angle θ (rad, 0 is upright), its rate θ̇. */
export type CartPoleObservation = readonly [x: number, xDot: number, theta: number, thetaDot: number]

/** A cart-pole episode: see {@link cartPole}. Actions are 0 (push left) and 1 (push right). */
export interface CartPole extends Environment<CartPoleObservation, number> {
  /** Starts the next episode from a seeded state drawn uniformly from [−0.05, 0.05)⁴ and returns it. */
  reset(): CartPoleObservation
  /** Pushes the cart left (0) or right (1) for one time step τ; the reward is 1. */
  step(action: number): StepResult<CartPoleObservation>
}

const SEED_OR_KEY = 'an integer seed or a PRNGKey (a pair of uint32 from prngKey or splitKey)'

function isKey(key: unknown): key is PRNGKey {
  return Array.isArray(key) && key.length === 2 && key.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)
}

/**
 * A seeded cart-pole environment (Gymnasium's `CartPole-v1`): a pole hinged on a cart that moves on a
 * frictionless track. Each step pushes the cart left (action 0) or right (action 1) with a force of
 * 10 N for τ = 0.02 s, integrated with explicit Euler from the equations Gymnasium uses (Florian 2007,
 * "Correct equations for the dynamics of the cart-pole system"):
 *
 *   temp = (F + m_p l θ̇² sin θ) / (m_c + m_p)
 *   θ̈ = (g sin θ − cos θ · temp) / (l (4/3 − m_p cos² θ / (m_c + m_p)))
 *   ẍ = temp − m_p l θ̈ cos θ / (m_c + m_p)
 *   x ← x + τ ẋ,  ẋ ← ẋ + τ ẍ,  θ ← θ + τ θ̇,  θ̇ ← θ̇ + τ θ̈   (positions move with the old velocities)
 *
 * The reward is 1 for every step, the last one included. The episode is `terminated` when the pole
 * leans past {@link thetaLimit} or the cart leaves [−{@link xLimit}, {@link xLimit}], and `truncated`
 * after {@link maxSteps} steps, so returns lie in [1, 500]. Episode k (from 0) starts from
 * `uniform(foldIn(key, k), [4], { low: −0.05, high: 0.05, dtype: 'float64' })`: the same key gives
 * the same start states and, with the same actions, the same trajectories bit for bit. The state is
 * float64 (Gymnasium hands out float32 copies of a float64 state); each observation is a fresh array.
 * From the same state with the same actions it matches Gymnasium 1.3.0's float64 states to the last
 * bit on the tests' reference episodes; it multiplies m_p · cos θ · cos θ where Gymnasium squares
 * cos θ first, a difference of one rounding that long balanced episodes amplify after 30 to 120 steps,
 * as they amplify any perturbation.
 *
 * @param key An integer seed or a key from `prngKey`/`splitKey`.
 * @throws Error for a key that is neither; `step` throws for an action other than 0 or 1, and when
 * called before `reset` or after the episode ended, leaving the episode as it was.
 * @example
 * ```ts
 * import { cartPole } from '@gd/rl'
 * const env = cartPole(0)
 * let observation = env.reset()
 * let total = 0
 * for (let done = false; !done; ) {
 *   const r = env.step(observation[2] > 0 ? 1 : 0) // push towards the side the pole leans
 *   observation = r.observation
 *   total += r.reward
 *   done = r.done
 * }
 * total // 34: reacting to the angle alone is not enough (a random policy lasts about 22 steps)
 * ```
 */
export function cartPole(key: number | PRNGKey): CartPole {
  let base: PRNGKey
  if (Number.isSafeInteger(key)) base = prngKey(key as number)
  else if (isKey(key)) base = [key[0], key[1]]
  else return fail('cartPole', 'key', SEED_OR_KEY, key)
  let episode = 0
  let steps = 0
  // undefined before the first reset and after an episode ends
  let state: CartPoleObservation | undefined
  return {
    reset() {
      const draw = uniform(foldIn(base, episode++), [4], { low: -0.05, high: 0.05, dtype: 'float64' }).data
      state = [draw[0]!, draw[1]!, draw[2]!, draw[3]!]
      steps = 0
      return [...state]
    },
    step(action) {
      if (action !== 0 && action !== 1) fail('cartPole.step', 'action', '0 (push left) or 1 (push right)', action)
      if (state === undefined)
        throw new Error(
          'cartPole.step: no episode is running (step was called before reset, or after the episode ended); call reset first',
        )
      const next = dynamics(state, action)
      steps++
      const terminated = fallen(next, thetaLimit, xLimit)
      const truncated = steps >= maxSteps
      const done = terminated || truncated
      state = done ? undefined : next
      return { observation: [...next], reward: 1, done, terminated, truncated }
    },
  }
}
