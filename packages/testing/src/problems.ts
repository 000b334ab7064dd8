/**
 * Reference problems for optimizer tests: small functions with known minima, each with its value and
 * analytic gradient in float64.
 * @module
 */

/** A test problem: value and gradient at a point, where it starts, and its known minimizer. */
export interface Problem {
  name: string
  /** f(x) */
  value(x: Float64Array): number
  /** ∇f(x) */
  gradient(x: Float64Array): Float64Array
  /** A standard starting point. */
  start: readonly number[]
  /** The global minimizer. */
  minimum: readonly number[]
}

/**
 * f(x) = ½ Σ cᵢ xᵢ², a convex quadratic with condition number max(c)/min(c); minimum at 0.
 *
 * @example
 * ```ts
 * import { quadratic } from '@gd/testing'
 * quadratic([1, 10]).value(new Float64Array([1, 1])) // 5.5
 * ```
 */
export function quadratic(curvatures: readonly number[] = [1, 10]): Problem {
  return {
    name: `quadratic(${curvatures.join(',')})`,
    value: (x) => x.reduce((s, xi, i) => s + 0.5 * curvatures[i]! * xi * xi, 0),
    gradient: (x) => x.map((xi, i) => curvatures[i]! * xi),
    start: curvatures.map(() => 1),
    minimum: curvatures.map(() => 0),
  }
}

/**
 * Rosenbrock's banana, f(x, y) = (1 − x)² + 100 (y − x²)², from the standard start (−1.2, 1);
 * minimum at (1, 1).
 *
 * @example
 * ```ts
 * import { rosenbrock } from '@gd/testing'
 * rosenbrock.value(new Float64Array([1, 1])) // 0
 * ```
 */
export const rosenbrock: Problem = {
  name: 'rosenbrock',
  value: ([x, y]) => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2,
  gradient: ([x, y]) => new Float64Array([-2 * (1 - x!) - 400 * x! * (y! - x! * x!), 200 * (y! - x! * x!)]),
  start: [-1.2, 1],
  minimum: [1, 1],
}
