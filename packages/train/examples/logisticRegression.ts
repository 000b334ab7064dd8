// Logistic regression with mini-batches: a sigmoid unit learns which side of a line a point is on.
// Finds a learning rate with the range test, then trains with Adam, validation, early stopping and
// a progress bar (plain lines when not in a terminal).
// Run: node --conditions=@gd/source --import tsx packages/train/examples/logisticRegression.ts
import { mean, mul, softplus, sub, type Var } from '@gd/autograd'
import { linear } from '@gd/nn'
import { adam } from '@gd/optimizers'
import { normal, prngKey, splitKey, Tensor } from '@gd/tensor'
import {
  binaryAccuracy,
  earlyStopping,
  findLearningRate,
  fit,
  progress,
  type Dataset,
  type ProgressStream,
} from '@gd/train'

/** Binary cross-entropy of a sigmoid unit, from its logit z: mean(log(1 + eᶻ) − y·z). */
const bce = (z: Var, y: Tensor): Var => mean(sub(softplus(z), mul(y, z)))

/** n points; the label is 1 above the line x₁ = 0.5·x₀ + 0.2, with a little label noise near it. */
function makeData(seed: number, n: number): Dataset {
  const [kx, kn] = splitKey(prngKey(seed))
  const x = normal(kx!, [n, 2])
  const noise = normal(kn!, [n], { std: 0.1 })
  const y = new Float32Array(n)
  for (let i = 0; i < n; i++) y[i] = x.data[2 * i + 1]! - 0.5 * x.data[2 * i]! - 0.2 + noise.data[i]! > 0 ? 1 : 0
  return { x, y: new Tensor(y, [n, 1], 'float32') }
}

/** Trains and returns the suggested learning rate and the final validation accuracy. */
export function main(stream?: ProgressStream): { learningRate: number; valAccuracy: number; epochs: number } {
  const train = makeData(1, 800)
  const validation = makeData(2, 200)
  const model = linear(2, 1)
  const params = model.init(0)

  const sweep = findLearningRate({
    model,
    params,
    loss: bce,
    data: train,
    batchSize: 32,
    optimizer: (h) => adam({ learningRate: h.learningRate }),
    minLearningRate: 1e-5,
    maxLearningRate: 10,
    steps: 60,
  })
  const learningRate = sweep.suggestion ?? 1e-2

  const { history } = fit({
    model,
    params,
    loss: bce,
    data: train,
    validation,
    optimizer: adam({ learningRate }),
    batchSize: 32, // mini-batch gradient descent, 25 steps per epoch
    epochs: 30,
    metrics: { accuracy: binaryAccuracy() },
    callbacks: [earlyStopping({ monitor: 'valLoss', patience: 3 }), progress(stream === undefined ? {} : { stream })],
  })
  const last = history.at(-1)!
  const line = `learning rate ${learningRate.toExponential(2)}: validation accuracy ${(100 * last.valAccuracy!).toFixed(1)}% after ${history.length} epochs\n`
  ;(stream ?? process.stdout).write(line)
  return { learningRate, valAccuracy: last.valAccuracy!, epochs: history.length }
}

if (typeof process !== 'undefined' && process.argv[1]?.endsWith('logisticRegression.ts')) main()
