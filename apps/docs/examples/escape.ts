// Local minima, saddle points and random restarts, as the local-minima page runs them: gradient descent
// on a double well, plain, with seeded gradient noise, and with momentum; and restarts from random points.
import { add, grad, mul, noGrad, square, sub, tanh, type Input, type Var } from '@gd/autograd'
import { applyUpdates, sgd, type GradientTransformation } from '@gd/optimizers'
import { Tensor, foldIn, normal, prngKey, splitKey, tensor, uniform, type PRNGKey } from '@gd/tensor'

export type Point<T = Input> = { x: T; y: T }

// #region surface
/**
 * A tilted double well: J(x, y) = (x² − 1)² + 0.3·x + 0.5·y². Along x it has a deep minimum near
 * x = −1.04 (J ≈ −0.31), a shallow one near x = 0.96 (J ≈ 0.29), and between them, at x ≈ 0.075,
 * y = 0, a saddle point: a maximum along x, a minimum along y, and a zero gradient.
 */
export const doubleWell = ({ x, y }: Point): Var =>
  add(add(square(sub(square(x), 1)), mul(0.3, x)), mul(0.5, square(y)))

/**
 * A plateau, the kind a saturated tanh unit makes: J(x, y) = (tanh x − 1)² + 0.5·y². For x below −2 the
 * surface is nearly flat in x (∂J/∂x = 2(tanh x − 1)(1 − tanh² x), about −0.04 at x = −3 and −0.002 at
 * x = −4.5), then it falls by almost 4 within a few units and flattens out again towards J = 0.
 */
export const plateau = ({ x, y }: Point): Var => add(square(sub(tanh(x), 1)), mul(0.5, square(y)))
// #endregion surface

export const xRange: [number, number] = [-2, 2]
export const yRange: [number, number] = [-1.5, 1.5]
export const minima: [number, number][] = [
  [-1.0355, 0],
  [0.9597, 0],
]
/** The saddle point: the root of ∂J/∂x = 4x³ − 4x + 0.3 between the wells, by Newton's method. */
export const saddle: [number, number] = [
  newton(
    (x) => 4 * x ** 3 - 4 * x + 0.3,
    (x) => 12 * x ** 2 - 4,
    0,
  ),
  0,
]

function newton(f: (x: number) => number, df: (x: number) => number, x: number): number {
  for (let i = 0; i < 50; i++) x -= f(x) / df(x)
  return x
}

// #region descend
/**
 * `steps` optimizer steps from `start` on the double well. With `noise` σ > 0, step t's gradient gets
 * σₜ·ξ added, ξ ~ N(0, I) drawn from @gd/tensor's `normal` with a key folded from `seed` and t,
 * standing in for the noise of a stochastic gradient. σₜ = σ·(1 − t / steps) falls to 0, as the noise
 * of SGD does under a decaying learning rate, so the run settles. Returns the visited points.
 */
export function descend(options: {
  start: [number, number]
  optimizer: GradientTransformation<any>
  steps: number
  noise?: number
  seed?: number
  /** The surface; the double well by default. */
  surface?: (p: Point) => Var
}): [number, number][] {
  const { start, optimizer, steps, noise = 0, surface = doubleWell } = options
  const gradient = grad((p: Point<Var>) => surface(p))
  const key = prngKey(options.seed ?? 0)
  let params: Point<Tensor> = {
    x: tensor([start[0]], { dtype: 'float64' }),
    y: tensor([start[1]], { dtype: 'float64' }),
  }
  let state = optimizer.init(params)
  const path: [number, number][] = [start]
  for (let i = 0; i < steps; i++) {
    let g = gradient(params)
    if (noise > 0) {
      const [kx, ky] = splitKey(foldIn(key, i)) as [PRNGKey, PRNGKey]
      const sigma = noise * (1 - i / steps)
      g = {
        x: tensor([g.x.item() + sigma * normal(kx, [1], { dtype: 'float64' }).item()], { dtype: 'float64' }),
        y: tensor([g.y.item() + sigma * normal(ky, [1], { dtype: 'float64' }).item()], { dtype: 'float64' }),
      }
    }
    const { updates, state: next } = optimizer.update(g, state, params)
    params = applyUpdates(params, updates)
    state = next
    const p: [number, number] = [params.x.item(), params.y.item()]
    path.push(p)
    if (!p.every(Number.isFinite) || Math.hypot(p[0], p[1]) > 100) break
  }
  return path
}
// #endregion descend

// #region restarts
/** Plain gradient descent from `count` uniformly random starts in the plotted box; the best end wins. */
export function restarts(count: number, seed: number, learningRate: number, steps: number) {
  const key = prngKey(seed)
  const [kx, ky] = splitKey(key) as [PRNGKey, PRNGKey]
  const xs = uniform(kx, [count], { low: xRange[0], high: xRange[1], dtype: 'float64' }).data
  const ys = uniform(ky, [count], { low: yRange[0], high: yRange[1], dtype: 'float64' }).data
  const runs = Array.from({ length: count }, (_, i) => {
    const path = descend({ start: [xs[i]!, ys[i]!], optimizer: sgd({ learningRate }), steps })
    const [x, y] = path.at(-1)!
    return { path, value: value(x, y) }
  })
  const best = runs.reduce((b, r, i) => (r.value < runs[b]!.value ? i : b), 0)
  return { runs, best }
}
// #endregion restarts

export function value(x: number, y: number, surface = doubleWell): number {
  return evaluate(Float64Array.of(x), Float64Array.of(y), surface)[0]!
}

/** The surface at many points at once, for the heatmap. */
export function evaluate(xs: Float64Array, ys: Float64Array, surface = doubleWell): ArrayLike<number> {
  const n = xs.length
  return noGrad(() => surface({ x: new Tensor(xs, [n], 'float64'), y: new Tensor(ys, [n], 'float64') })).value.data
}

/** The first step at which a path's J falls below `level` (the run has left the plateau), or undefined. */
export function stepsToLeave(path: [number, number][], level: number, surface = plateau): number | undefined {
  const i = path.findIndex(([x, y]) => value(x, y, surface) < level)
  return i < 0 ? undefined : i
}

if (typeof process !== 'undefined' && process.argv[1]?.endsWith('escape.ts')) {
  for (const start of [
    [1.5, 1],
    [saddle[0], 1],
  ] as [number, number][]) {
    for (const [name, lr, mom, noise] of [
      ['sgd', 0.05, 0, 0],
      ['noisy3', 0.05, 0, 3],
      ['noisy5', 0.05, 0, 5],
      ['noisy8', 0.05, 0, 8],
      ['momentum', 0.05, 0.9, 0],
      ['momentum.8', 0.05, 0.8, 0],
    ] as const) {
      const ends = [0, 1, 2, 3, 4, 5, 6, 7].map((seed) =>
        descend({ start, optimizer: sgd({ learningRate: lr, momentum: mom }), steps: 300, noise, seed }).at(-1)!,
      )
      console.log(name, ends.map(([x]) => x.toFixed(2)).join(' '))
    }
  }
  const t0 = performance.now()
  const r = restarts(10, 0, 0.05, 200)
  console.log(r.runs.map((q) => q.value.toFixed(2)).join(' '), r.best, `${(performance.now() - t0).toFixed(0)} ms`)
}
