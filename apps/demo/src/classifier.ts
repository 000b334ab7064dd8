import * as AG from '@gd/autograd'
import { heUniform } from '@gd/init'
import { flatten, linear, relu, sequential, conv2d, maxPool2d, type Layer } from '@gd/nn'
import { adam, applyUpdates, type Optimizer } from '@gd/optimizers'
import { batchIndices } from '@gd/train'
import { argmax, equal, permutation, prngKey, splitKey, sum, type PRNGKey, type Tensor, type Tree } from '@gd/tensor'
import { batchOf, PIXELS, type Dataset } from './data.js'

/** The two models of the demo: a multilayer perceptron and a small convolutional network. */
export type ModelKind = 'mlp' | 'cnn'

const he = (key: PRNGKey | number, shape: readonly number[]) => heUniform(key, shape)

/** Builds the demo model; both take [batch, 784] pixels and give [batch, 10] logits. */
export function buildModel(kind: ModelKind): Layer<unknown[]> {
  if (kind === 'mlp') {
    return sequential(linear(PIXELS, 128, { weightInit: he }), relu(), linear(128, 10))
  }
  const image: Layer<Record<string, never>> = {
    name: 'reshape(28×28)',
    init: () => ({}),
    apply: (_p, x) => AG.reshape(x, [-1, 1, 28, 28]),
  }
  return sequential(
    image,
    conv2d(1, 8, 5, { weightInit: he }), relu(), maxPool2d({ kernelSize: 2 }),
    conv2d(8, 16, 5, { weightInit: he }), relu(), maxPool2d({ kernelSize: 2 }),
    flatten(), linear(16 * 4 * 4, 10),
  )
}

/** Mean softmax cross-entropy of logits [n, 10] against int32 labels [n], from logits (stable). */
export function crossEntropy(logits: AG.Input, labels: Tensor): AG.Var {
  const logp = AG.logSoftmax(logits)
  return AG.neg(AG.mean(AG.sum(AG.mul(logp, AG.oneHot(labels, 10)), { axis: 1 })))
}

/** Fraction of examples whose largest logit is the label. */
export function accuracy(model: Layer<unknown[]>, params: unknown[], data: Dataset, batchSize = 500): number {
  let correct = 0
  for (const rows of batchIndices(data.y.size, batchSize)) {
    const batch = batchOf(data, rows)
    const logits = AG.noGrad(() => model.apply(params, batch.x)).value
    correct += sum(equal(argmax(logits, { axis: 1 }), batch.y)).item()
  }
  return correct / data.y.size
}

/** One line of the training log. */
export interface EpochReport {
  epoch: number
  loss: number
  testAccuracy: number
  seconds: number
}

/** Options of {@link train}. */
export interface TrainOptions {
  model?: ModelKind
  epochs?: number
  batchSize?: number
  learningRate?: number
  seed?: number
  optimizer?: Optimizer<any>
  onEpoch?: (report: EpochReport) => void
}

/**
 * Mini-batch training with Adam: each epoch visits the training set in a fresh seeded order, takes
 * a gradient step per batch, and reports the mean training loss and the test accuracy.
 */
export function train(data: { train: Dataset; test: Dataset }, options: TrainOptions = {}): { params: unknown[]; reports: EpochReport[] } {
  const { model: kind = 'mlp', epochs = 3, batchSize = 64, learningRate = 1e-3, seed = 0 } = options
  const model = buildModel(kind)
  const [initKey, shuffleKey] = splitKey(prngKey(seed)) as [PRNGKey, PRNGKey]
  let params = model.init(initKey)
  const optimizer = options.optimizer ?? adam({ learningRate })
  let state = optimizer.init(params as unknown as Tree)
  const lossOf = AG.valueAndGrad((p: unknown[], x: Tensor, y: Tensor) => crossEntropy(model.apply(p, x), y))
  const reports: EpochReport[] = []
  for (let epoch = 0; epoch < epochs; epoch++) {
    const start = performance.now()
    const order = [...permutation(splitKey(shuffleKey, epochs)[epoch]!, data.train.y.size).data]
    let total = 0
    let count = 0
    for (const rows of batchIndices(order, batchSize)) {
      const batch = batchOf(data.train, rows)
      const [loss, grads] = lossOf(params, batch.x, batch.y)
      const step = optimizer.update(grads as unknown as Tree, state, params as unknown as Tree)
      state = step.state
      params = applyUpdates(params as unknown as Tree, step.updates) as unknown as unknown[]
      total += loss.item() * rows.length
      count += rows.length
    }
    const report = {
      epoch: epoch + 1,
      loss: total / count,
      testAccuracy: accuracy(model, params, data.test),
      seconds: (performance.now() - start) / 1000,
    }
    reports.push(report)
    options.onEpoch?.(report)
  }
  return { params, reports }
}
