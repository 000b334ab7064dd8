import { numericalGradient } from '@gd/autograd'
import { constant as fill } from '@gd/init'
import { applyUpdates } from '@gd/optimizers'
import type { Schedule } from '@gd/schedules'
import { Tensor } from '@gd/tensor'

/** One logged point of a run. */
export interface Step {
  step: number
  loss: number
}

/**
 * Fits ŷ = w·x + b to (x, y) pairs by batch gradient descent on the mean squared error,
 * θ ← θ − η(t) ∇θ J(θ), with the gradient from central differences (the stand-in until
 * @gd/autograd's reverse mode lands). Returns the fitted [w, b] and the loss curve.
 */
export function fitLine(
  xs: readonly number[],
  ys: readonly number[],
  learningRate: Schedule,
  steps: number,
): { w: number; b: number; history: Step[] } {
  const loss = (theta: Tensor<'float64'>): number => {
    const [w, b] = theta.data
    let sum = 0
    xs.forEach((x, i) => {
      sum += (w! * x + b! - ys[i]!) ** 2
    })
    return sum / xs.length
  }
  let theta: Tensor = fill([2], 0, { dtype: 'float64' })
  const history: Step[] = []
  for (let step = 0; step < steps; step++) {
    const g = numericalGradient(loss, theta)
    const eta = learningRate(step)
    const update = new Tensor(g.data.map((v) => -eta * v), g.shape, 'float64')
    theta = applyUpdates(theta, update)
    history.push({ step, loss: loss(theta as Tensor<'float64'>) })
  }
  return { w: theta.data[0]!, b: theta.data[1]!, history }
}
