// Second-order methods, as the second-order page runs them: L-BFGS against Adam on the Rosenbrock
// valley and on a logistic regression, counting iterations and function evaluations.
import { add, matmul, mul, square, sub, sum, valueAndGrad, type Var } from '@gd/autograd'
import { l2Penalty, sigmoidBinaryCrossEntropy } from '@gd/losses'
import { adam, applyUpdates, lbfgs, type LbfgsOptions, type ValueAndGradient } from '@gd/optimizers'
import { Tensor, normal, prngKey, splitKey, tensor, uniform, type PRNGKey, type Tree } from '@gd/tensor'

// #region problems
/** A problem: f and ∇f in one closure (what lbfgs takes), a start, and the minimum value f*. */
export interface Problem<T extends Tree> {
  name: string
  valueAndGradient: (params: T) => ValueAndGradient
  start: T
}

/** Wraps an @gd/autograd function of the parameters as a value-and-gradient closure. */
function closure<T extends Tree>(f: (params: any) => Var): (params: T) => ValueAndGradient {
  const vg = valueAndGrad(f)
  return (params) => {
    const [value, gradient] = vg(params)
    return { value: value.item(), gradient: gradient as Tree }
  }
}

type Point = { x: Tensor; y: Tensor }

/** Rosenbrock's valley f(x, y) = (1 − x)² + 100·(y − x²)², from the classic start (−1.2, 1); f* = 0 at (1, 1). */
export function rosenbrock(): Problem<Point> {
  const f = ({ x, y }: { x: Var; y: Var }): Var => sum(add(square(sub(1, x)), mul(100, square(sub(y, square(x))))))
  const start = { x: tensor([-1.2], { dtype: 'float64' }), y: tensor([1], { dtype: 'float64' }) }
  return { name: 'Rosenbrock', valueAndGradient: closure(f), start }
}

type Weights = { w: Tensor; b: Tensor }

/**
 * Logistic regression on n points in d dimensions: two Gaussian classes whose features share a large
 * common component (strongly correlated features, so the loss is a bowl stretched along a diagonal),
 * with a small L2 penalty that keeps the minimum finite.
 */
export function logisticRegression(n = 400, d = 5, seed = 0): Problem<Weights> {
  const [kx, kl] = splitKey(prngKey(seed)) as [PRNGKey, PRNGKey]
  const labels = Array.from(uniform(kl, [n], { dtype: 'float64' }).data, (u) => (u < 0.5 ? 0 : 1))
  const z = normal(kx, [n, d + 1], { dtype: 'float64' }).data
  // xⱼ = 2u + 0.3 zⱼ ± 0.3: every feature is mostly the shared u; the class shows in the small part.
  const rows = labels.map((c, i) =>
    Array.from({ length: d }, (_, j) => 2 * z[i * (d + 1)]! + 0.3 * z[i * (d + 1) + j + 1]! + (c === 1 ? 0.3 : -0.3)),
  )
  const x = tensor(rows, { dtype: 'float64' })
  const y = tensor(
    labels.map((c) => [c]),
    { dtype: 'float64' },
  )
  const f = ({ w, b }: { w: Var; b: Var }): Var =>
    add(sigmoidBinaryCrossEntropy(add(matmul(x, w), b), y), l2Penalty(w, { scale: 1e-3 }))
  const start = { w: tensor(new Array(d).fill([0]), { dtype: 'float64' }), b: tensor([0], { dtype: 'float64' }) }
  return { name: 'logistic regression', valueAndGradient: closure(f), start }
}
// #endregion problems

// #region runs
/** A run as the plots need it: f after each iteration, and how many evaluations of f and ∇f it took. */
export interface Trace {
  values: number[]
  evaluations: number[]
  /** The 2-D parameters after each iteration (for a problem with two parameters). */
  points: [number, number][]
}

const pointOf = (params: Tree): [number, number] => {
  const { x, y } = params as Partial<Point>
  return x && y ? [x.data[0]!, y.data[0]!] : [Number.NaN, Number.NaN]
}

/** Adam: one evaluation of f and ∇f per step; f(θₜ) is known from the evaluation at step t + 1. */
export function runAdam<T extends Tree>(problem: Problem<T>, learningRate: number, steps: number): Trace {
  const optimizer = adam({ learningRate })
  let params = problem.start
  let state = optimizer.init(params)
  const trace: Trace = { values: [], evaluations: [], points: [pointOf(params)] }
  for (let t = 0; t <= steps; t++) {
    const { value, gradient } = problem.valueAndGradient(params)
    trace.values.push(value)
    trace.evaluations.push(t + 1)
    if (t === steps || !Number.isFinite(value)) break
    const { updates, state: next } = optimizer.update(gradient, state, params)
    params = applyUpdates(params, updates) as T
    state = next
    trace.points.push(pointOf(params))
  }
  return trace
}

/**
 * L-BFGS, one iteration at a time: each `minimize` call resumes the previous one from its `state`
 * (plain data) and stops after one more iteration, so the trace sees every iterate. The run is the
 * same, bit for bit, as one uninterrupted `minimize`.
 */
export function runLbfgs<T extends Tree>(problem: Problem<T>, options: LbfgsOptions, maxIterations: number): Trace {
  let r = lbfgs({ ...options, maxIterations: 0 }).minimize(problem.valueAndGradient, problem.start)
  const trace: Trace = { values: [r.value], evaluations: [r.evaluations], points: [pointOf(r.params)] }
  for (let k = 1; k <= maxIterations && !r.converged; k++) {
    r = lbfgs({ ...options, maxIterations: k }).minimize(problem.valueAndGradient, r.params, { state: r.state })
    if (r.iterations < k) break // the line search found no step
    trace.values.push(r.value)
    trace.evaluations.push(r.evaluations)
    trace.points.push(pointOf(r.params))
  }
  return trace
}

/** The lowest value reachable, f*, by a long, tight L-BFGS run. */
export function minimum<T extends Tree>(problem: Problem<T>): number {
  return lbfgs({ maxIterations: 1000, gradientTolerance: 1e-12 }).minimize(problem.valueAndGradient, problem.start)
    .value
}
// #endregion runs

/**
 * f − f* after e evaluations, e = 1 … budget: the value at the end of the last iteration finished
 * within e evaluations (a line search spends several evaluations on one step).
 */
export function byEvaluations(trace: Trace, best: number, budget: number): (number | null)[] {
  const out: (number | null)[] = []
  let i = 0
  for (let e = 1; e <= budget; e++) {
    while (i + 1 < trace.values.length && trace.evaluations[i + 1]! <= e) i++
    out.push(trace.evaluations[i]! <= e ? Math.max(trace.values[i]! - best, 1e-16) : null)
  }
  return out
}

/** Rosenbrock at many points at once, for the heatmap. */
export function rosenbrockAt(xs: Float64Array, ys: Float64Array): Float64Array {
  return xs.map((x, i) => (1 - x) ** 2 + 100 * (ys[i]! - x * x) ** 2)
}

if (typeof process !== 'undefined' && process.argv[1]?.endsWith('secondOrder.ts')) {
  for (const problem of [rosenbrock(), logisticRegression()] as Problem<any>[]) {
    const t0 = performance.now()
    const best = minimum(problem)
    const l = runLbfgs(problem, {}, 200)
    const t1 = performance.now()
    console.log(
      problem.name,
      'f*',
      best,
      'lbfgs its',
      l.values.length - 1,
      'evals',
      l.evaluations.at(-1),
      'gap',
      l.values.at(-1)! - best,
      `${(t1 - t0).toFixed(0)} ms`,
    )
    for (const lr of [0.003, 0.01, 0.03, 0.1]) {
      const t2 = performance.now()
      const a = runAdam(problem, lr, 2000)
      console.log(
        '  adam',
        lr,
        [10, 100, 1000, 2000].map((s) => (a.values[s]! - best).toExponential(1)).join(' '),
        `${(performance.now() - t2).toFixed(0)} ms`,
      )
    }
  }
}
