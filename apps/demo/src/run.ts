import * as AG from '@gd/autograd'
import { softmaxCrossEntropy } from '@gd/losses'
import { applyWithState, initState } from '@gd/nn'
import { adagrad, adam, adamw, lion, rmsprop, sgd, type GradientTransformation } from '@gd/optimizers'
import { constant, cosineDecay, exponentialDecay, oneCycle, stepDecay, warmupCosineDecay, type Schedule } from '@gd/schedules'
import { argmax, type Tensor } from '@gd/tensor'
import { accuracy, fit, progress, stepsPerEpoch, type EpochLogs, type ProgressStream } from '@gd/train'
import type { Dataset } from './data.js'
import { buildModel, type ModelKind } from './models.js'

/** The optimizers and schedules the classifier can use, by flag value. */
export const optimizerNames = ['adam', 'adamw', 'sgd', 'momentum', 'nesterov', 'rmsprop', 'adagrad', 'lion'] as const
export const scheduleNames = ['cosine', 'constant', 'step', 'exponential', 'onecycle'] as const
export type OptimizerName = (typeof optimizerNames)[number]
export type ScheduleName = (typeof scheduleNames)[number]

/** One classifier training run's settings. */
export interface RunSettings {
  model: ModelKind
  optimizer: OptimizerName
  /** Peak learning rate; undefined means the optimizer's default for this demo. */
  lr: number | undefined
  schedule: ScheduleName
  batch: 'full' | number
  epochs: number
  seed: number
}

/** A good peak learning rate per optimizer for this problem. */
export const defaultLearningRates: Record<OptimizerName, number> = {
  adam: 2e-3, adamw: 2e-3, sgd: 0.1, momentum: 0.05, nesterov: 0.05, rmsprop: 1e-3, adagrad: 0.05, lion: 3e-4,
}

function makeSchedule(name: ScheduleName, peak: number, totalSteps: number): Schedule {
  const warmupSteps = Math.min(100, Math.floor(totalSteps / 10))
  switch (name) {
    case 'constant':
      return constant(peak)
    case 'cosine':
      return warmupSteps > 0 ? warmupCosineDecay({ init: 0, peak, warmupSteps, totalSteps }) : cosineDecay({ init: peak, decaySteps: totalSteps })
    case 'step':
      return stepDecay({ init: peak, stepSize: Math.max(1, Math.floor(totalSteps / 3)), gamma: 0.3 })
    case 'exponential':
      return exponentialDecay({ init: peak, decaySteps: totalSteps, decayRate: 0.05 })
    case 'onecycle':
      return oneCycle({ peak, totalSteps })
  }
}

function makeOptimizer(name: OptimizerName, learningRate: Schedule): GradientTransformation<any> {
  switch (name) {
    case 'adam': return adam({ learningRate })
    case 'adamw': return adamw({ learningRate, weightDecay: 1e-2 })
    case 'sgd': return sgd({ learningRate })
    case 'momentum': return sgd({ learningRate, momentum: 0.9 })
    case 'nesterov': return sgd({ learningRate, momentum: 0.9, nesterov: true })
    case 'rmsprop': return rmsprop({ learningRate })
    case 'adagrad': return adagrad({ learningRate })
    case 'lion': return lion({ learningRate })
  }
}

/** What one run produced. */
export interface RunResult {
  label: string
  settings: RunSettings
  history: EpochLogs[]
  testAccuracy: number
  seconds: number
  /** Up to 48 misclassified test digits: row in the test set, true label, predicted label. */
  mistakes: { row: number; label: number; predicted: number }[]
  /** The trained model, its parameters and state: `predict` runs it in inference mode. */
  predict: (x: Tensor) => Tensor
}

/** Trains one model with `fit` and evaluates it on the test set. */
export function runOne(settings: RunSettings, data: { train: Dataset; test: Dataset }, stream?: ProgressStream): RunResult {
  const start = performance.now()
  const model = buildModel(settings.model)
  const peak = settings.lr ?? defaultLearningRates[settings.optimizer]
  const n = data.train.y.size
  const totalSteps = settings.epochs * stepsPerEpoch(n, settings.batch)
  const optimizer = makeOptimizer(settings.optimizer, makeSchedule(settings.schedule, peak, totalSteps))
  const label = `${settings.model} ${settings.optimizer} lr ${peak} ${settings.schedule} batch ${settings.batch}`
  const { params, state, history } = fit({
    model,
    params: model.init(settings.seed),
    loss: (logits, labels) => softmaxCrossEntropy(logits, labels),
    optimizer,
    data: data.train,
    validation: data.test,
    epochs: settings.epochs,
    batchSize: settings.batch,
    seed: settings.seed,
    metrics: { accuracy },
    callbacks: [progress(stream === undefined ? {} : { stream })],
  })
  const predict = (x: Tensor): Tensor => AG.noGrad(() => applyWithState(model, params, state ?? initState(model), x).output).value
  const logits = predict(data.test.x)
  const predicted = argmax(logits, { axis: 1 }).data
  const labels = data.test.y.data
  const mistakes: RunResult['mistakes'] = []
  let correct = 0
  for (let i = 0; i < labels.length; i++) {
    if (predicted[i] === labels[i]) correct++
    else if (mistakes.length < 48) mistakes.push({ row: i, label: labels[i]!, predicted: predicted[i]! })
  }
  return { label, settings, history, testAccuracy: correct / labels.length, seconds: (performance.now() - start) / 1000, mistakes, predict }
}
