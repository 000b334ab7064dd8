// A small regression problem shared by the learning-rate and batch-size pages: fit y = 3·x₀ − 2·x₁ + 1
// (plus noise) with a linear model and mean squared error, training with @gd/train's `fit`.
import { mse } from '@gd/losses'
import { linear } from '@gd/nn'
import { sgd, type GradientTransformation } from '@gd/optimizers'
import { matmul, normal, prngKey, splitKey, tensor } from '@gd/tensor'
import { findLearningRate, fit, type BatchSize, type Callback, type Dataset, type LearningRateSweep } from '@gd/train'

// #region data
/** n examples of y = 3·x₀ − 2·x₁ + 1 + ε, x ~ N(0, I), ε ~ N(0, σ²). */
export function makeData(n: number, noise = 0.5, seed = 0): Dataset {
  const [kx, kn] = splitKey(prngKey(seed))
  const x = normal(kx!, [n, 2])
  const e = normal(kn!, [n, 1], { std: noise })
  const clean = matmul(x, tensor([[3], [-2]])).data
  return { x, y: tensor(Array.from(clean, (v, i) => [v + 1 + e.data[i]!])) }
}

export const model = linear(2, 1)
// #endregion data

// #region train
/** Trains from the same start and returns the loss of every step (and the mean loss of each epoch). */
export function train(options: {
  data: Dataset
  optimizer: GradientTransformation<any>
  batchSize: BatchSize
  epochs: number
  seed?: number
}): { stepLosses: number[]; epochLosses: number[] } {
  const stepLosses: number[] = []
  const record: Callback = { name: 'record', onStepEnd: (_ctx, info) => void stepLosses.push(info.loss) }
  const { history } = fit({
    model,
    params: model.init(1),
    loss: mse,
    data: options.data,
    optimizer: options.optimizer,
    batchSize: options.batchSize,
    epochs: options.epochs,
    seed: options.seed ?? 0,
    callbacks: [record],
  })
  return { stepLosses, epochLosses: history.map((h) => h.loss) }
}
// #endregion train

// #region finder
/** Smith's range test with mini-batch SGD: the learning rate grows each step until the loss blows up. */
export function rangeTest(data: Dataset, smoothing = 0.98): LearningRateSweep {
  return findLearningRate({
    model,
    params: model.init(1),
    loss: mse,
    data,
    optimizer: (h) => sgd({ learningRate: h.learningRate }),
    minLearningRate: 1e-4,
    maxLearningRate: 10,
    steps: 200,
    batchSize: 32,
    smoothing,
  })
}
// #endregion finder

if (typeof process !== 'undefined' && process.argv[1]?.endsWith('regression.ts')) {
  const data = makeData(256)
  for (const lr of [0.01, 0.3, 1.1]) {
    const t0 = performance.now()
    const { epochLosses } = train({ data, optimizer: sgd({ learningRate: lr }), batchSize: 'full', epochs: 60 })
    console.log(
      lr,
      epochLosses
        .filter((_, i) => i % 10 === 0)
        .map((v) => v.toPrecision(3))
        .join(' '),
      `${(performance.now() - t0).toFixed(0)} ms`,
    )
  }
  const t0 = performance.now()
  const sweep = rangeTest(data)
  console.log(
    'suggestion',
    sweep.suggestion,
    'steps',
    sweep.learningRates.length,
    `${(performance.now() - t0).toFixed(0)} ms`,
  )
  for (const b of ['full', 1, 32] as const) {
    const t1 = performance.now()
    const r = train({ data, optimizer: sgd({ learningRate: 0.05 }), batchSize: b, epochs: 10 })
    console.log(
      b,
      r.stepLosses.length,
      r.epochLosses.map((v) => v.toPrecision(3)).join(' '),
      `${(performance.now() - t1).toFixed(0)} ms`,
    )
  }
}
