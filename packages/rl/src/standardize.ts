import { finiteNumbers } from './internal/numbers.js'

/**
 * Shifts and scales values to mean 0 and standard deviation 1: (xᵢ − mean) / std, with the population
 * standard deviation (dividing by n). When the values are all (nearly) equal, std ≤ 10⁻⁸, the result
 * is all zeros: there is nothing to tell apart. Policy-gradient learners standardize each episode's
 * advantages so the step size does not depend on the scale or the length of an episode.
 *
 * @param values An array or a typed array of finite numbers (empty gives empty).
 * @returns A new Float64Array.
 * @throws Error when values is not a list of finite numbers, or their spread overflows (values near ±1e308).
 * @example
 * ```ts
 * import { standardize } from '@gd/rl'
 * standardize([1, 3]) // Float64Array [-1, 1]: mean 2, standard deviation 1
 * standardize([5, 5]) // Float64Array [0, 0]
 * ```
 */
export function standardize(values: ArrayLike<number>): Float64Array {
  const v = finiteNumbers('standardize', 'values', values)
  const n = v.length
  const out = new Float64Array(n)
  if (n === 0) return out
  let mean = 0
  for (let i = 0; i < n; i++) mean += v[i]!
  mean /= n
  let squares = 0
  for (let i = 0; i < n; i++) squares += (v[i]! - mean) ** 2
  const std = Math.sqrt(squares / n)
  if (!Number.isFinite(std))
    throw new Error(
      `standardize: the values' spread overflows (standard deviation ${std}); values must be smaller in magnitude`,
    )
  if (!(std > 1e-8)) return out
  for (let i = 0; i < n; i++) out[i] = (v[i]! - mean) / std
  return out
}
