// Linear regression by batch gradient descent: fit y = Xw + b to noisy data from a known line,
// then compare the learned weights with the true ones.
// Run: node --conditions=@gd/source --import tsx packages/train/examples/linearRegression.ts
import { mean, square, sub, type Var } from '@gd/autograd'
import { linear } from '@gd/nn'
import { sgd } from '@gd/optimizers'
import { matmul, normal, prngKey, splitKey, tensor, type Tensor } from '@gd/tensor'
import { fit, type Callback } from '@gd/train'

/** Mean squared error: the maximum-likelihood cost for a Gaussian output. */
const mse = (predictions: Var, targets: Tensor): Var => mean(square(sub(predictions, targets)))

/** Trains and returns the learned weights, bias and final loss; `log` receives the report lines. */
export function main(log: (line: string) => void = console.log): { w: number[]; b: number; loss: number } {
  // 256 examples of y = 3·x₀ − 2·x₁ + 1 + noise (σ = 0.1).
  const [kx, kn] = splitKey(prngKey(0))
  const x = normal(kx!, [256, 2])
  const noise = normal(kn!, [256, 1], { std: 0.1 })
  const y = tensor(Array.from(matmul(x, tensor([[3], [-2]])).data, (v, i) => [v + 1 + noise.data[i]!]))

  const report: Callback = {
    name: 'report',
    onEpochEnd: (_ctx, logs) => {
      if (logs.epoch % 25 === 24) log(`epoch ${logs.epoch + 1}: loss ${logs.loss.toFixed(4)}`)
    },
  }
  const model = linear(2, 1)
  const { params, history } = fit({
    model,
    params: model.init(1),
    loss: mse,
    optimizer: sgd({ learningRate: 0.1 }),
    data: { x, y },
    batchSize: 'full', // one step per epoch over all 256 examples: batch gradient descent
    epochs: 100,
    callbacks: [report],
  })
  const w = Array.from((params.w as Tensor).data)
  const b = (params.b as Tensor).item()
  const loss = history.at(-1)!.loss
  log(`learned w = [${w.map((v) => v.toFixed(3))}], b = ${b.toFixed(3)} (true: [3, -2], 1)`)
  return { w, b, loss }
}

if (typeof process !== 'undefined' && process.argv[1]?.endsWith('linearRegression.ts')) main()
