import * as AG from '@gd/autograd'
import { saveModel } from '@gd/io'
import { softmaxCrossEntropy } from '@gd/losses'
import { applyWithState, initState } from '@gd/nn'
import { exportOnnx } from '@gd/onnx'
import { adagrad, adam, adamw, lion, rmsprop, sgd, type GradientTransformation } from '@gd/optimizers'
import {
  constantSchedule,
  cosineDecaySchedule,
  exponentialDecaySchedule,
  oneCycleSchedule,
  stepDecaySchedule,
  warmupCosineDecaySchedule,
  type Schedule,
} from '@gd/schedules'
import { argmax, type Tensor } from '@gd/tensor'
import { accuracy, fit, progress, stepsPerEpoch, type Callback, type EpochLogs, type ProgressStream } from '@gd/train'
import { PIXELS, type Dataset } from './data.js'
import { UsageError } from './flags.js'
import { formatLoss, formatNumber } from './format.js'
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
  adam: 2e-3,
  adamw: 2e-3,
  sgd: 0.1,
  momentum: 0.05,
  nesterov: 0.05,
  rmsprop: 1e-3,
  adagrad: 0.05,
  lion: 3e-4,
}

function makeSchedule(name: ScheduleName, peak: number, totalSteps: number): Schedule {
  const warmupSteps = Math.min(100, Math.floor(totalSteps / 10))
  switch (name) {
    case 'constant':
      return constantSchedule(peak)
    case 'cosine':
      return warmupSteps > 0
        ? warmupCosineDecaySchedule({ init: 0, peak, warmupSteps, totalSteps })
        : cosineDecaySchedule({ init: peak, decaySteps: totalSteps })
    case 'step':
      return stepDecaySchedule({ init: peak, stepSize: Math.max(1, Math.floor(totalSteps / 3)), gamma: 0.3 })
    case 'exponential':
      return exponentialDecaySchedule({ init: peak, decaySteps: totalSteps, decayRate: 0.05 })
    case 'onecycle':
      return oneCycleSchedule({ peak, totalSteps, pctStart: oneCycleRise })
  }
}

function makeOptimizer(name: OptimizerName, learningRate: Schedule): GradientTransformation<any> {
  switch (name) {
    case 'adam':
      return adam({ learningRate })
    case 'adamw':
      return adamw({ learningRate, weightDecay: 1e-2 })
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
    case 'lion':
      return lion({ learningRate })
  }
}

/** What one run produced. */
export interface RunResult {
  label: string
  settings: RunSettings
  history: EpochLogs[]
  testAccuracy: number
  seconds: number
  /** Up to 50 misclassified test digits spread over the true classes (see {@link sampleMistakes}). */
  mistakes: Mistake[]
  /** All the misclassified test digits. */
  mistakeCount: number
  /** `confusion[t][p]`: test digits of class t predicted as p. */
  confusion: number[][]
  /** Why training stopped early because the loss diverged; undefined when it did not. */
  diverged: string | undefined
  /** The trained model, its parameters and state: `predict` runs it in inference mode. */
  predict: (x: Tensor) => Tensor
  /** The trained parameters and state as safetensors (PyTorch state_dict-like names), and the model as ONNX. */
  files: { safetensors: Uint8Array; onnx: Uint8Array }
}

/** A misclassified test digit: its row in the test set, its true label, the predicted one. */
export interface Mistake {
  row: number
  label: number
  predicted: number
}

/**
 * Up to `max` of the mistakes, spread over the true classes: a round over the classes takes the
 * first remaining mistake of each, then another round, and so on, so a class with many mistakes
 * cannot crowd out the others (the test set is ordered by class, and in shuffled order within a
 * class). Returned ordered by true label.
 */
export function sampleMistakes(mistakes: readonly Mistake[], max: number): Mistake[] {
  const byClass = new Map<number, Mistake[]>()
  for (const m of mistakes) {
    const list = byClass.get(m.label)
    if (list === undefined) byClass.set(m.label, [m])
    else list.push(m)
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b)
  const picked: Mistake[] = []
  for (let round = 0; picked.length < Math.min(max, mistakes.length); round++) {
    for (const c of classes) {
      const m = byClass.get(c)![round]
      if (m !== undefined && picked.length < max) picked.push(m)
    }
  }
  return picked.sort((a, b) => a.label - b.label || a.row - b.row)
}

/** The training loss the divergence guard calls exploding: ten times ln 10, the loss of guessing uniformly. */
export const explodingLoss = 10 * Math.LN10

/**
 * A callback that stops `fit` when training diverges: before an update whose loss is NaN or
 * infinite (so the parameters stay finite), or after an epoch whose mean training loss is above
 * {@link explodingLoss}. `reason` says which.
 */
export function divergenceGuard(): Callback & { readonly reason: string | undefined } {
  let reason: string | undefined
  return {
    name: 'divergenceGuard',
    get reason() {
      return reason
    },
    onGradients(ctx, info) {
      if (Number.isFinite(info.loss)) return undefined
      reason = `the loss of step ${ctx.step + 1} is ${info.loss}`
      ctx.stop(reason)
      return 'stop'
    },
    onEpochEnd(ctx, logs) {
      if (!(logs.loss > explodingLoss)) return
      reason = `the mean training loss of epoch ${logs.epoch + 1} is ${formatLoss(logs.loss)}, above 10 × ln 10 ≈ ${explodingLoss.toFixed(1)} (ten times that of guessing uniformly)`
      ctx.stop(reason)
    },
  }
}

/** fit's progress bar, with each epoch's line in the demo's words (train and test, never "val"). */
function epochProgress(stream: ProgressStream | undefined): Callback {
  const out = stream ?? process.stdout
  const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false'
  const bar = out.isTTY === true && !ci
  const drawn = progress({ stream: out, mode: bar ? 'bar' : 'lines' })
  const percent = (v: number | undefined): string => (v === undefined ? '–' : `${(100 * v).toFixed(2)}%`)
  return {
    ...drawn,
    onEpochEnd(ctx, logs) {
      const line =
        `epoch ${logs.epoch + 1}/${ctx.epochs}  train loss ${formatLoss(logs.loss)}, accuracy ${percent(logs.accuracy)}` +
        `  test loss ${formatLoss(logs.valLoss ?? NaN)}, accuracy ${percent(logs.valAccuracy)}`
      out.write(bar ? `\r\x1b[2K${line}\n` : `${line}\n`)
    },
  }
}

/** The first step of the one-cycle schedule's decay: its rise lasts 30% of the steps. */
const oneCycleRise = 0.3

/**
 * Checks, before anything trains, that a run's settings work with `n` training digits; throws a
 * {@link UsageError} naming the flags otherwise: a batch larger than the training set, or a
 * one-cycle schedule whose rise does not last past the first step.
 */
export function checkRun(settings: RunSettings, n: number): void {
  if (settings.batch !== 'full' && settings.batch > n) {
    throw new UsageError(
      `--batch ${settings.batch} is more than the ${n} training digits; --batch full takes all of them`,
    )
  }
  const perEpoch = stepsPerEpoch(n, settings.batch)
  const total = settings.epochs * perEpoch
  if (settings.schedule === 'onecycle' && oneCycleRise * total <= 1) {
    throw new UsageError(
      `--schedule onecycle needs at least 4 steps (its rise lasts 30% of them), got ${total} (${settings.epochs} epochs of ${perEpoch} step${perEpoch === 1 ? '' : 's'} of batch ${settings.batch} on ${n} digits); ` +
        'give more --epochs or a smaller --batch',
    )
  }
}

/** Trains one model with `fit` and evaluates it on the test set. */
export function runOne(
  settings: RunSettings,
  data: { train: Dataset; test: Dataset },
  stream?: ProgressStream,
): RunResult {
  const start = performance.now()
  checkRun(settings, data.train.y.size)
  const model = buildModel(settings.model)
  const peak = settings.lr ?? defaultLearningRates[settings.optimizer]
  const n = data.train.y.size
  const totalSteps = settings.epochs * stepsPerEpoch(n, settings.batch)
  const optimizer = makeOptimizer(settings.optimizer, makeSchedule(settings.schedule, peak, totalSteps))
  const label = `${settings.model} ${settings.optimizer} lr ${formatNumber(peak)} ${settings.schedule} batch ${settings.batch}`
  const guard = divergenceGuard()
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
    callbacks: [guard, epochProgress(stream)],
  })
  const predict = (x: Tensor): Tensor =>
    AG.noGrad(() => applyWithState(model, params, state ?? initState(model), x).output).value
  const logits = predict(data.test.x)
  const predicted = argmax(logits, { axis: 1 }).data
  const labels = data.test.y.data
  const all: Mistake[] = []
  const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0))
  for (let i = 0; i < labels.length; i++) {
    confusion[labels[i]!]![predicted[i]!]! += 1
    if (predicted[i] !== labels[i]) all.push({ row: i, label: labels[i]!, predicted: predicted[i]! })
  }
  const trainedState = state ?? initState(model)
  const files = {
    safetensors: saveModel(
      { params, state: trainedState },
      { metadata: { label, testAccuracy: String(1 - all.length / labels.length) } },
    ),
    onnx: exportOnnx(model, params, { inputShape: [PIXELS], state: trainedState }),
  }
  return {
    label,
    settings,
    history,
    predict,
    confusion,
    files,
    testAccuracy: 1 - all.length / labels.length,
    seconds: (performance.now() - start) / 1000,
    mistakes: sampleMistakes(all, 50),
    mistakeCount: all.length,
    diverged: guard.reason,
  }
}
