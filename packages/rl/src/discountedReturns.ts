import { within } from '@gd/check'
import { finiteNumbers } from './internal/numbers.js'

/**
 * The discounted return from each step of one episode to its end, computed backwards:
 *
 *   Gₜ = rₜ + γ Gₜ₊₁,  with G = 0 after the last step,  so  Gₜ = Σₖ γᵏ rₜ₊ₖ.
 *
 * These are REINFORCE's returns (Sutton & Barto, *Reinforcement Learning*, 2nd ed., §13.3). An
 * episode cut short by a time limit is treated as if it ended there (no bootstrapped value is added).
 *
 * @param rewards The rewards r₀ … r_{T−1} of one episode, in order: an array or a typed array of finite numbers.
 * @param gamma The discount γ in [0, 1].
 * @returns A new Float64Array of the T returns.
 * @throws Error for rewards that are not a list of finite numbers, γ outside [0, 1], or returns that
 * overflow to ±Infinity.
 * @example
 * ```ts
 * import { discountedReturns } from '@gd/rl'
 * discountedReturns([1, 1, 1], 0.5) // Float64Array [1.75, 1.5, 1]
 * ```
 */
export function discountedReturns(rewards: ArrayLike<number>, gamma: number): Float64Array {
  const r = finiteNumbers('discountedReturns', 'rewards', rewards)
  within({ min: 0, max: 1 })('discountedReturns', 'gamma', gamma)
  const out = new Float64Array(r.length)
  let g = 0
  for (let t = r.length - 1; t >= 0; t--) {
    g = r[t]! + gamma * g
    out[t] = g
  }
  // an overflow (rewards near ±1e308) reaches G₀ as ±Infinity or NaN: say so rather than return it
  if (!Number.isFinite(g))
    throw new Error(`discountedReturns: the returns overflow (G₀ = ${g}); rewards must be smaller in magnitude`)
  return out
}
