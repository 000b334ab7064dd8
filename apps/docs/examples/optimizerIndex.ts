// The optimizer index page's quick race: several named optimizers, with their defaults and one shared
// learning rate, on a stretched quadratic.
import { add, grad, mul, square, type Var } from '@gd/autograd'
import {
  adabelief,
  adagrad,
  adam,
  applyUpdates,
  lion,
  nadam,
  rmsprop,
  sgd,
  type GradientTransformation,
} from '@gd/optimizers'
import { tensor, type Tensor } from '@gd/tensor'

// #region race
type Point<T> = { x: T; y: T }
/** J(x, y) = ½(x² + 25y²): curvature 1 along x and 25 along y. */
const bowl = ({ x, y }: Point<Var>): Var => mul(0.5, add(square(x), mul(25, square(y))))
const value = (x: number, y: number): number => 0.5 * (x * x + 25 * y * y)

export const contenders: Record<string, (learningRate: number) => GradientTransformation<any>> = {
  sgd: (learningRate) => sgd({ learningRate }),
  'sgd, momentum 0.9': (learningRate) => sgd({ learningRate, momentum: 0.9 }),
  rmsprop: (learningRate) => rmsprop({ learningRate }),
  adagrad: (learningRate) => adagrad({ learningRate }),
  adam: (learningRate) => adam({ learningRate }),
  nadam: (learningRate) => nadam({ learningRate }),
  adabelief: (learningRate) => adabelief({ learningRate }),
  lion: (learningRate) => lion({ learningRate }),
}

/** J after each of `steps` steps from (5, 1), per optimizer (null once a run has left the plot). */
export function race(learningRate: number, steps: number): Record<string, (number | null)[]> {
  const gradient = grad(bowl)
  const out: Record<string, (number | null)[]> = {}
  for (const [name, make] of Object.entries(contenders)) {
    const optimizer = make(learningRate)
    let params: Point<Tensor> = { x: tensor([5], { dtype: 'float64' }), y: tensor([1], { dtype: 'float64' }) }
    let state = optimizer.init(params)
    const values: (number | null)[] = [value(5, 1)]
    for (let t = 0; t < steps; t++) {
      const { updates, state: next } = optimizer.update(gradient(params), state, params)
      params = applyUpdates(params, updates)
      state = next
      const j = value(params.x.item(), params.y.item())
      values.push(Number.isFinite(j) && j < 1e6 ? j : null)
    }
    out[name] = values
  }
  return out
}
// #endregion race

if (typeof process !== 'undefined' && process.argv[1]?.endsWith('optimizerIndex.ts')) {
  for (const lr of [0.001, 0.03, 0.1]) {
    const t0 = performance.now()
    const r = race(lr, 300)
    console.log(
      lr,
      Object.entries(r)
        .map(([k, v]) => `${k}: ${v.at(-1)?.toExponential(1)}`)
        .join(', '),
      `${(performance.now() - t0).toFixed(0)} ms`,
    )
  }
}
