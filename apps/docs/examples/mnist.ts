// Real MNIST digits trained in the browser, as the "Train on MNIST in your browser" page runs it: the
// digits from a static file, an MLP or a small CNN, and a training loop that gives the page back to the
// browser between batches so the plots can redraw while it runs.
import { logSoftmax, noGrad, reshape, valueAndGrad, type Var } from '@gd/autograd'
import { heNormalInit } from '@gd/init'
import { softmaxCrossEntropy } from '@gd/losses'
import { conv2d, flatten, linear, maxPool2d, relu, sequential, stateless, type Layer } from '@gd/nn'
import { adam, applyUpdates, rmsprop, sgd, type GradientTransformation } from '@gd/optimizers'
import { Tensor, argmax, prngKey, splitKey, type PRNGKey, type Tree } from '@gd/tensor'
import { accuracy, batchIndices, epochBatches, evaluate, takeRows, type Dataset } from '@gd/train'

// #region data
/** Pixels per digit: 28 × 28. */
export const PIXELS = 784

/** Training and test digits: x is [n, 784] float32 in [0, 1], y is [n] int32 labels 0–9. */
export interface Digits {
  train: Dataset
  test: Dataset
}

/**
 * The digits from the bytes of mnist-digits.bin once inflated: "GDMN", the training and test counts
 * (uint32, little-endian), a label byte per digit, then 784 grey levels (0–255) per digit.
 */
export function decodeDigits(bytes: Uint8Array): Digits {
  const magic = String.fromCharCode(...bytes.subarray(0, 4))
  if (magic !== 'GDMN') throw new Error(`decodeDigits: not a digits file, got magic ${JSON.stringify(magic)}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const nTrain = view.getUint32(4, true)
  const nTest = view.getUint32(8, true)
  const labels = bytes.subarray(12, 12 + nTrain + nTest)
  const pixels = bytes.subarray(12 + nTrain + nTest)
  if (pixels.length !== (nTrain + nTest) * PIXELS) {
    throw new Error(`decodeDigits: expected ${(nTrain + nTest) * PIXELS} pixel bytes, got ${pixels.length}`)
  }
  const take = (from: number, n: number): Dataset => {
    const x = new Float32Array(n * PIXELS)
    for (let i = 0; i < x.length; i++) x[i] = pixels[from * PIXELS + i]! / 255
    const y = Int32Array.from(labels.subarray(from, from + n))
    return { x: new Tensor(x, [n, PIXELS], 'float32'), y: new Tensor(y, [n], 'int32') }
  }
  return { train: take(0, nTrain), test: take(nTrain, nTest) }
}

/** Fetches the gzip-compressed digits file from the site and decodes it. */
export async function loadDigits(url: string): Promise<Digits> {
  const response = await fetch(url)
  if (!response.ok || response.body === null) throw new Error(`loadDigits: ${url} answered ${response.status}`)
  const inflated = response.body.pipeThrough(new DecompressionStream('gzip'))
  return decodeDigits(new Uint8Array(await new Response(inflated).arrayBuffer()))
}
// #endregion data

// #region models
export type ModelKind = 'mlp' | 'cnn'

const he = (key: PRNGKey | number, shape: readonly number[]) => heNormalInit(key, shape)

/** [batch, 784] → [batch, 1, 28, 28]: the convolutions want images, with a channel axis. */
const toImage = stateless('toImage', (x) => reshape(x, [-1, 1, 28, 28]))

/** Both take [batch, 784] pixels and give [batch, 10] logits, one score per digit. */
export function buildModel(kind: ModelKind): Layer<any, any> {
  if (kind === 'mlp') {
    // 784 → 128 → 10: 101,770 parameters.
    return sequential(linear(PIXELS, 128, { weightInit: he }), relu(), linear(128, 10))
  }
  // 28×28 → 8 maps of 24×24 → pooled to 12×12 → 16 maps of 8×8 → pooled to 4×4 → 10: 5,994 parameters.
  return sequential(
    toImage,
    conv2d(1, 8, 5, { weightInit: he }),
    relu(),
    maxPool2d({ kernelSize: 2 }),
    conv2d(8, 16, 5, { weightInit: he }),
    relu(),
    maxPool2d({ kernelSize: 2 }),
    flatten(),
    linear(16 * 4 * 4, 10),
  )
}

export type OptimizerName = 'adam' | 'sgd' | 'momentum' | 'rmsprop'

/** A learning rate that works for each optimizer on this problem (batches of 32). */
export const defaultLearningRates: Record<OptimizerName, number> = {
  adam: 2e-3,
  sgd: 0.2,
  momentum: 0.02,
  rmsprop: 1e-3,
}

export function makeOptimizer(name: OptimizerName, learningRate: number): GradientTransformation<any> {
  switch (name) {
    case 'adam':
      return adam({ learningRate })
    case 'sgd':
      return sgd({ learningRate })
    case 'momentum':
      return sgd({ learningRate, momentum: 0.9 })
    case 'rmsprop':
      return rmsprop({ learningRate })
  }
}
// #endregion models

// #region train
/** What the loop reports after each step. */
export interface StepReport {
  step: number
  epoch: number
  /** Mean cross-entropy of the step's batch. */
  loss: number
  /** Fraction of the batch classified right, before the step. */
  accuracy: number
}

export interface TrainOptions {
  data: Digits
  model: Layer<any, any>
  optimizer: GradientTransformation<any>
  epochs: number
  batchSize?: number
  seed?: number
  /** Called after every step. */
  onStep?: (report: StepReport) => void
  /** Called before the first step, every `evaluateEvery` steps and at the end, with the parameters of the moment; awaited. */
  onEvaluate?: (step: number, params: unknown[]) => void | Promise<void>
  evaluateEvery?: number
  /** Polled before each step: true ends the run early. */
  shouldStop?: () => boolean
}

/** Gives the browser the main thread back: it can paint, run the plots' redraws, handle clicks. */
export const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/**
 * Mini-batch training with softmax cross-entropy: the steps of `fit` from @gd/train, written out with
 * an `await` in between. Every ~30 ms of computing, the loop pauses so the page stays responsive;
 * each step is the one `fit` takes.
 */
export async function trainDigits(options: TrainOptions): Promise<{ params: unknown[]; steps: number }> {
  const { data, model, optimizer, epochs, batchSize = 32, seed = 0, evaluateEvery = 25 } = options
  const [initKey, shuffleKey] = splitKey(prngKey(seed))
  let params = model.init(initKey)
  let state = optimizer.init(params as Tree)
  let step = 0
  let worked = performance.now()
  await options.onEvaluate?.(0, params) // the untrained model: chance, about 10%
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const rows of epochBatches(data.train.y.size, epoch, { batchSize, key: shuffleKey })) {
      if (options.shouldStop?.() === true) return { params, steps: step }
      const batch = takeRows(data.train, rows)
      // 1. predictions, 2. the cost, 3. its gradient by backpropagation ...
      const [[loss, logits], grads] = valueAndGrad(
        (p: unknown[]) => {
          const out = model.apply(p, batch.x, { train: true })
          return [softmaxCrossEntropy(out, batch.y), out]
        },
        { hasAux: true },
      )(params as never) as unknown as [[Tensor, Var], Tree]
      // ... 4. a step against the gradient.
      const value = loss.item()
      const { updates, state: next } = optimizer.update(grads, state, params as Tree, { value })
      params = applyUpdates(params as Tree, updates) as unknown[]
      state = next
      step += 1
      options.onStep?.({ step, epoch, loss: value, accuracy: accuracy(logits.value, batch.y) })
      if (step % evaluateEvery === 0) await options.onEvaluate?.(step, params)
      if (performance.now() - worked > 30) {
        await pause()
        worked = performance.now()
      }
    }
  }
  if (step % evaluateEvery !== 0) await options.onEvaluate?.(step, params)
  return { params, steps: step }
}
// #endregion train

// #region predict
/**
 * Test loss and accuracy (inference mode, no graph) from @gd/train's `evaluate`, 200 digits at a
 * time with a pause after each: a whole test set through the CNN at once would hold the page up.
 */
export async function testScores(
  model: Layer<any, any>,
  params: unknown[],
  test: Dataset,
): Promise<{ loss: number; accuracy: number }> {
  let loss = 0
  let right = 0
  for (const rows of batchIndices(test.y.size, 200)) {
    const scores = evaluate(model, params, softmaxCrossEntropy, takeRows(test, rows), { metrics: { accuracy } })
    loss += scores.loss! * rows.length
    right += scores.accuracy! * rows.length
    await pause()
  }
  return { loss: loss / test.y.size, accuracy: right / test.y.size }
}

/** For the first `count` test digits: the predicted digit and the probability the model gives it. */
export function predictions(model: Layer<any, any>, params: unknown[], test: Dataset, count: number) {
  const rows = Array.from({ length: Math.min(count, test.y.size) }, (_, i) => i)
  const batch = takeRows(test, rows)
  const logProbabilities = noGrad(() => logSoftmax(model.apply(params, batch.x))).value
  const predicted = argmax(logProbabilities, { axis: 1 }).data
  return rows.map((_, i) => ({
    label: batch.y.data[i]!,
    predicted: predicted[i]!,
    probability: Math.exp(logProbabilities.data[i * 10 + predicted[i]!]!),
  }))
}
// #endregion predict
