/**
 * The shape every @gd/rl environment has, after Gymnasium's `reset`/`step` protocol: `reset` starts
 * an episode and returns its first observation; `step` applies one action and returns what followed.
 * Types only: nothing here exists at run time.
 * @module
 */

/**
 * What one {@link Environment.step} returns. As in Gymnasium, an episode ends for one of two
 * reasons: the task itself ended it (`terminated`: the pole fell) or a time limit cut it short
 * (`truncated`); `done` is either. The difference matters to a learner that bootstraps from a value
 * estimate: after a truncation the future would have gone on, after a termination it is zero.
 */
export interface StepResult<O> {
  /** The observation after the step. */
  readonly observation: O
  /** The reward for this step. */
  readonly reward: number
  /** `terminated || truncated`: the episode is over and the next call must be `reset`. */
  readonly done: boolean
  /** The task reached a terminal state. */
  readonly terminated: boolean
  /** The episode hit its time limit (both flags can be true on the same step). */
  readonly truncated: boolean
}

/**
 * An episodic environment with observations `O` and actions `A`.
 * @example
 * ```ts
 * import { cartPole, type Environment, type CartPoleObservation } from '@gd/rl'
 * const env: Environment<CartPoleObservation, number> = cartPole(0)
 * let observation = env.reset()
 * let steps = 0
 * for (let done = false; !done; steps++) ({ observation, done } = env.step(observation[2] > 0 ? 1 : 0))
 * ```
 */
export interface Environment<O, A> {
  /** Starts a new episode and returns its first observation. */
  reset(): O
  /** Applies `action`; throws before `reset` and after the episode ended. */
  step(action: A): StepResult<O>
}
