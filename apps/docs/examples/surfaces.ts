// Gradient descent on 2-D loss surfaces, as the guide page runs it. Each surface is written once with
// @gd/autograd ops: called on scalar parameters it is the loss that `grad` differentiates, called on
// whole grids of points it gives the values the heatmap draws.
import { add, grad, mul, noGrad, square, sub, type Input, type Var } from '@gd/autograd'
import { adagrad, adam, adamw, applyUpdates, lion, rmsprop, sgd, type GradientTransformation } from '@gd/optimizers'
import { Tensor, tensor } from '@gd/tensor'

/** A point of the plane as a parameter tree: two scalars (or two grids of coordinates). */
export type Point<T = Input> = { x: T; y: T }

export interface Surface {
  name: string
  f: (p: Point) => Var
  xRange: [number, number]
  yRange: [number, number]
  start: [number, number]
  /** Where the minima are, to mark them. */
  minima: [number, number][]
  /** Colour by log(f − min) rather than f. */
  logColor: boolean
  /** A learning rate per optimizer that makes a fair first picture on this surface. */
  learningRates: Record<OptimizerName, number>
}

// #region surfaces
const x2 = (v: Input): Var => square(v)

/** Rosenbrock's banana: a long curved valley, minimum 0 at (1, 1). */
const rosenbrock = ({ x, y }: Point): Var => add(x2(sub(1, x)), mul(100, x2(sub(y, x2(x)))))

/** Beale's function: flat plateaus and steep walls, minimum 0 at (3, 0.5). */
const beale = ({ x, y }: Point): Var => {
  const xy = mul(x, y)
  const xy2 = mul(xy, y)
  const xy3 = mul(xy2, y)
  return add(add(x2(add(sub(1.5, x), xy)), x2(add(sub(2.25, x), xy2))), x2(add(sub(2.625, x), xy3)))
}

/** A saddle: a minimum along x, a maximum along y, and a zero gradient at the origin. */
const saddle = ({ x, y }: Point): Var => sub(x2(x), x2(y))

/**
 * Styblinski–Tang in 2-D, ½ Σ (xᵢ⁴ − 16 xᵢ² + 5 xᵢ): four minima of different depths, the lowest
 * (−78.33) at (−2.90, −2.90), the others at ±2.75 / −2.90 combinations.
 */
const styblinskiTang = ({ x, y }: Point): Var => {
  const term = (v: Input): Var => add(sub(x2(x2(v)), mul(16, x2(v))), mul(5, v))
  return mul(0.5, add(term(x), term(y)))
}

// #endregion surfaces

export const optimizerNames = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adagrad', 'adam', 'adamw', 'lion'] as const
export type OptimizerName = (typeof optimizerNames)[number]

// #region optimizers
/** Each optimizer at a learning rate, with the library's defaults for everything else. */
export function makeOptimizer(name: OptimizerName, learningRate: number): GradientTransformation<any> {
  switch (name) {
    case 'sgd':
      return sgd({ learningRate })
    case 'momentum':
      return sgd({ learningRate, momentum: 0.9 })
    case 'nesterov':
      return sgd({ learningRate, momentum: 0.9, nesterov: true })
    case 'rmsprop':
      return rmsprop({ learningRate })
    case 'adagrad':
      return adagrad({ learningRate })
    case 'adam':
      return adam({ learningRate })
    case 'adamw':
      return adamw({ learningRate, weightDecay: 0.1 })
    case 'lion':
      return lion({ learningRate })
  }
}
// #endregion optimizers

const rates = (first: number, adaptive: number, lionRate: number): Record<OptimizerName, number> => ({
  sgd: first,
  momentum: first / 5,
  nesterov: first / 5,
  rmsprop: adaptive / 3,
  adagrad: adaptive * 5,
  adam: adaptive,
  adamw: adaptive,
  lion: lionRate,
})

export const surfaces: Surface[] = [
  {
    name: 'Rosenbrock',
    f: rosenbrock,
    xRange: [-2, 2],
    yRange: [-1, 3],
    start: [-1.5, 2.5],
    minima: [[1, 1]],
    logColor: true,
    learningRates: rates(1e-3, 0.05, 0.01),
  },
  {
    name: 'Beale',
    f: beale,
    xRange: [-4.5, 4.5],
    yRange: [-4.5, 4.5],
    start: [1, 1.5],
    minima: [[3, 0.5]],
    logColor: true,
    learningRates: rates(1e-3, 0.05, 0.003),
  },
  {
    name: 'saddle x² − y²',
    f: saddle,
    xRange: [-2, 2],
    yRange: [-2, 2],
    start: [-1.8, 0.001],
    minima: [],
    logColor: false,
    learningRates: rates(0.01, 0.02, 0.01),
  },
  {
    name: 'Styblinski–Tang (four minima)',
    f: styblinskiTang,
    xRange: [-5, 5],
    yRange: [-5, 5],
    start: [4.5, 4.8],
    minima: [
      [-2.9035, -2.9035],
      [2.7468, -2.9035],
      [-2.9035, 2.7468],
      [2.7468, 2.7468],
    ],
    logColor: false,
    learningRates: rates(0.01, 0.1, 0.03),
  },
]

// #region descend
/**
 * Runs `steps` optimizer steps from `start` and returns the visited points. The gradient comes from
 * @gd/autograd's `grad`; the step from the optimizer: θ ← θ + update(∇f(θ)). Stops early once the
 * point is far outside the plotted box or not finite (a diverging run).
 */
export function descend(surface: Surface, optimizer: GradientTransformation<any>, steps: number): [number, number][] {
  const gradient = grad((p: Point<Var>) => surface.f(p))
  let params: Point<Tensor> = {
    x: tensor([surface.start[0]], { dtype: 'float64' }),
    y: tensor([surface.start[1]], { dtype: 'float64' }),
  }
  let state = optimizer.init(params)
  const path: [number, number][] = [surface.start]
  const span = Math.max(surface.xRange[1] - surface.xRange[0], surface.yRange[1] - surface.yRange[0])
  for (let i = 0; i < steps; i++) {
    const { updates, state: next } = optimizer.update(gradient(params), state, params)
    params = applyUpdates(params, updates)
    state = next
    const p: [number, number] = [params.x.item(), params.y.item()]
    path.push(p)
    if (!p.every(Number.isFinite) || Math.hypot(p[0], p[1]) > 10 * span) break
  }
  return path
}
// #endregion descend

/** The surface's values at many points at once: the same function, on float64 grids, without a graph. */
export function evaluate(surface: Surface, xs: Float64Array, ys: Float64Array): ArrayLike<number> {
  const n = xs.length
  return noGrad(() => surface.f({ x: new Tensor(xs, [n], 'float64'), y: new Tensor(ys, [n], 'float64') })).value.data
}

// A quick check from the command line: node --conditions=@gd/source --import tsx apps/docs/examples/surfaces.ts
if (typeof process !== 'undefined' && process.argv[1]?.endsWith('surfaces.ts')) {
  for (const s of surfaces) {
    const t0 = performance.now()
    const ends = optimizerNames.map((name) => {
      const path = descend(s, makeOptimizer(name, s.learningRates[name]), 500)
      const [x, y] = path.at(-1)!
      return `${name} (${x.toFixed(2)}, ${y.toFixed(2)})`
    })
    console.log(`${s.name} [${(performance.now() - t0).toFixed(0)} ms]: ${ends.join(' ')}`)
  }
}
