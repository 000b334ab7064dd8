import {
  arrayOf,
  fail,
  boolean,
  either,
  func,
  integer,
  isPlainObject,
  nonNegativeInteger,
  oneOf,
  optional,
  positiveInteger,
  readOptions,
  rule,
  withDefault,
} from '@gd/check'
import { valueAndGrad, Var, type MaybeTraced } from '@gd/autograd'
import { applyUpdates, setHyperparam, type GradientTransformation, type InjectState } from '@gd/optimizers'
import { checkKey, foldIn, prngKey, splitKey, Tensor, type PRNGKey, type Tree } from '@gd/tensor'
import type { Callback, StepAction, TrainContext } from './callback.js'
import type { EpochLogs } from './epochLogs.js'
import { fromCheckpoint, toCheckpoint, type Checkpoint, type TrainState } from './checkpoint.js'
import { structureDifferences, treeStructure } from './internal/structure.js'
import { datasetSize, takeRows, type Dataset } from './dataset.js'
import { epochBatches, resolveBatchSize, stepsPerEpoch, type BatchSize } from './epochBatches.js'
import { evaluate, type Loss, type Model } from './evaluate.js'
import type { Metric } from './metrics.js'

/** Options for {@link fit}. */
export interface FitOptions<P, S = unknown> {
  /** The model: `apply(params, x, { train, key })`, e.g. an @gd/nn layer. */
  model: Model<P, S>
  /** Starting parameters (ignored when resuming). */
  params: P
  /**
   * Starting model state, for a model that keeps state (ignored when resuming). Default
   * `model.initState()`.
   */
  state?: S
  /** The cost, from predictions and targets. */
  loss: Loss
  /** The optimizer; build it with `injectHyperparams` to let callbacks change the learning rate. */
  optimizer: GradientTransformation<any>
  /** Training data. */
  data: Dataset
  /** Data to report `valLoss` and `val<Metric>` on after each epoch. */
  validation?: Dataset
  /** Passes over the data; default 1. */
  epochs?: number
  /** `'full'` (batch GD), `1` (stochastic GD) or N (mini-batch GD); default 32. */
  batchSize?: BatchSize
  /** Fresh seeded order each epoch; default true. */
  shuffle?: boolean
  /** Drop a short last batch; default false. */
  dropLast?: boolean
  /** Seed of the run's key (shuffling, dropout); default 0. Ignored when `key` is given. */
  seed?: number
  /** The run's key. */
  key?: PRNGKey
  /** Metrics besides the loss, by name, e.g. `{ accuracy }`. */
  metrics?: Readonly<Record<string, Metric>>
  /** Callbacks, called in order (put `checkpoints` last so it sees the others' state). */
  callbacks?: readonly Callback[]
  /** Stop after this many steps in all (counting from the start of the run, not the resume). */
  maxSteps?: number
  /** Continue a run from its checkpoint instead of starting afresh. */
  resume?: Checkpoint
}

/** What {@link fit} returns. */
export interface FitResult<P, S = unknown> {
  params: P
  /** The model's final state (batchNorm running statistics); undefined for a model without state. */
  state: S | undefined
  optimizerState: unknown
  history: EpochLogs[]
  step: number
  /** Why the run stopped early, if it did. */
  stopReason: string | undefined
  /** A checkpoint of the final state. */
  checkpoint(): Checkpoint
}

/**
 * The training loop. Each epoch visits the data in batches (in a seeded order); each step computes
 * the loss and its gradient by backpropagation, lets the callbacks look at the gradients, and
 * updates the parameters: θ ← θ + update(∇θ J). After each epoch it computes the mean loss and
 * metrics, the validation ones, and calls the callbacks (progress, early stopping, plateau, ...).
 *
 * Dropout in step s uses `foldIn(dropoutKey, s)` and epoch e's order `foldIn(shuffleKey, e)`, both
 * from the run's key, so a run resumed from a checkpoint repeats the uninterrupted one bit for bit.
 *
 * A model with `applyWithState` (an @gd/nn `sequential` with `batchNorm`) is trained with its state
 * threaded through: each step runs `applyWithState` in training mode and keeps the state it returns
 * (a step a callback skips keeps the old state too); validation runs in inference mode with the
 * current state; the state is in checkpoints and in the result.
 *
 * Transactional: every option, the data and a resumed checkpoint are checked before the first write,
 * and each step computes the new parameters and optimizer state before replacing the old ones, so a
 * step that throws (a non-finite learning rate from a schedule, an optimizer error) leaves the
 * run's parameters and optimizer state as they were before that step, and the caller's `params` are
 * never written.
 *
 * @throws Error for bad options, with the option and value named (an unknown option with a
 * "did you mean": `fit: unknown option epoch, expected one of …; did you mean epochs?`), or a resume whose batching
 * differs from the checkpoint's, or whose parameter (or model-state) tree differs from `params` in
 * paths, shapes or dtypes (every difference is listed:
 * `params[0].w: shape [1,8] in the checkpoint, [1,4] in the model`).
 * @example
 * ```ts
 * import { mean, square, sub } from '@gd/autograd'
 * import { linear } from '@gd/nn'
 * import { adam } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * import { fit, progress } from '@gd/train'
 * const model = linear(1, 1)
 * const data = { x: tensor([[0], [1], [2], [3]]), y: tensor([[1], [3], [5], [7]]) } // y = 2x + 1
 * const { params, history } = fit({
 *   model, params: model.init(0), data, optimizer: adam({ learningRate: 0.1 }),
 *   loss: (p, y) => mean(square(sub(p, y))),
 *   epochs: 200, batchSize: 2, callbacks: [progress()],
 * })
 * history.at(-1)!.loss // close to 0; params.w ≈ [[2]], params.b ≈ [1]
 * ```
 */
export function fit<P, S = unknown>(options: FitOptions<P, S>): FitResult<P, S> {
  const o = readOptions('fit', options, fitSpec)
  const { model, loss, optimizer, data, metrics, callbacks, epochs } = o as unknown as Required<FitOptions<P, S>>
  const n = datasetSize(data, 'fit')
  if (o.validation !== undefined) datasetSize(o.validation, 'fit')
  const maxSteps = o.maxSteps ?? Infinity
  const batchSize = resolveBatchSize(o.batchSize, n)
  const dropLast = o.dropLast
  const perEpoch = stepsPerEpoch(n, batchSize, { dropLast })
  checkNames(callbacks)

  const stateful = model.applyWithState !== undefined
  if (!stateful && options.state !== undefined)
    throw new Error('fit: state is given but the model keeps none (it has no applyWithState)')
  if (stateful && model.initState === undefined && options.state === undefined) {
    throw new Error('fit: the model has applyWithState but no initState: pass its starting state as options.state')
  }
  const setup = { examples: n, batchSize, dropLast, shuffle: o.shuffle }
  let s: TrainState
  if (options.resume !== undefined) {
    s = fromCheckpoint(options.resume)
    for (const [k, v] of Object.entries(setup)) {
      const saved = (s.setup as Record<string, unknown>)[k]
      if (saved !== v) throw new Error(`fit: resume needs the checkpoint's ${k} ${String(saved)}, got ${v}`)
    }
    if (stateful && s.modelState === undefined)
      throw new Error('fit: resume needs the model state, but the checkpoint has none')
    const modelState = stateful ? (options.state ?? model.initState?.()) : undefined
    const differs = structureDifferences(
      [...treeStructure(s.params, 'params'), ...treeStructure(s.modelState, 'modelState')],
      [...treeStructure(options.params, 'params'), ...treeStructure(modelState, 'modelState')],
    )
    if (differs.length > 0) throw new Error(`fit: the checkpoint does not fit the model: ${differs.join('; ')}`)
    for (const c of callbacks) if (c.load && c.name in s.callbacks) c.load(s.callbacks[c.name])
  } else {
    const key = o.key === undefined ? prngKey(o.seed) : checkKey('fit', o.key as PRNGKey)
    s = {
      params: options.params as Tree,
      optimizerState: optimizer.init(options.params as Tree),
      key,
      step: 0,
      epoch: 0,
      batchInEpoch: 0,
      history: [],
      callbacks: {},
      running: fresh(metrics),
      setup,
    }
    if (stateful) s.modelState = (options.state ?? model.initState!()) as Tree
  }
  const [shuffleKey, dropoutKey] = splitKey(s.key)
  let stopReason: string | undefined

  const hyper = (): InjectState | undefined => {
    const st = s.optimizerState as Partial<InjectState> | null
    return typeof st?.hyperparams?.learningRate === 'number' ? (st as InjectState) : undefined
  }
  const snapshot = (): Checkpoint => {
    const saved: Record<string, unknown> = {}
    for (const c of callbacks) if (c.save) saved[c.name] = c.save()
    return toCheckpoint({ ...s, callbacks: saved })
  }
  const ctx: TrainContext = {
    get step() {
      return s.step
    },
    get epoch() {
      return s.epoch
    },
    epochs,
    stepsPerEpoch: perEpoch,
    get batchInEpoch() {
      return s.batchInEpoch
    },
    get params() {
      return s.params
    },
    get modelState() {
      return s.modelState
    },
    get learningRate() {
      return hyper()?.hyperparams.learningRate
    },
    setLearningRate(value) {
      const h = hyper()
      if (h === undefined) {
        throw new Error('fit: setLearningRate needs an optimizer from injectHyperparams with a learningRate, got none')
      }
      s.optimizerState = setHyperparam(h, 'learningRate', value)
    },
    setParams(params) {
      s.params = params
    },
    setModelState(state) {
      if (!stateful)
        throw new Error('fit: setModelState needs a model that keeps state, got one without applyWithState')
      s.modelState = state
    },
    stop(reason) {
      stopReason ??= reason
    },
    checkpoint: snapshot,
  }
  const each = (f: (c: Callback) => void): void => callbacks.forEach(f)

  each((c) => c.onTrainBegin?.(ctx))
  while (s.epoch < epochs && stopReason === undefined) {
    if (s.batchInEpoch === 0) each((c) => c.onEpochBegin?.(ctx))
    const batches = epochBatches(n, s.epoch, { batchSize, dropLast, shuffle: setup.shuffle, key: shuffleKey })
    for (const rows of batches.slice(s.batchInEpoch)) {
      if (stopReason !== undefined) break
      if (s.step >= maxSteps) {
        ctx.stop(`maxSteps ${maxSteps} reached`)
        break
      }
      const batch = takeRows(data, rows)
      const key = foldIn(dropoutKey, s.step)
      const [[lossValue, [predictions, nextState]], grads] = valueAndGrad(
        (p: MaybeTraced<P>) => {
          if (!stateful) {
            const out = model.apply(p, batch.x, { train: true, key })
            return [scalarLoss(loss(out, batch.y)), [out, undefined]]
          }
          const r = model.applyWithState!(p, s.modelState as S, batch.x, { train: true, key })
          return [scalarLoss(loss(r.output, batch.y)), [r.output, r.state]]
        },
        { hasAux: true },
      )(s.params as never) as unknown as [[Tensor, [{ value: Tensor }, Tree | undefined]], Tree]
      const value = lossValue.item()
      let action: StepAction
      for (const c of callbacks) {
        action = c.onGradients?.(ctx, { loss: value, grads, batchSize: rows.length }) ?? undefined
        if (action !== undefined) break
      }
      if (action === undefined) {
        // Everything is computed before anything is written, so a step that throws (an optimizer
        // error, a non-finite learning rate from a schedule) leaves params and state as they were.
        const r = optimizer.update(grads, s.optimizerState, s.params, { value })
        const lr = (r.state as Partial<InjectState> | null)?.hyperparams?.learningRate
        if (typeof lr === 'number' && !Number.isFinite(lr)) {
          throw new Error(
            `fit: the learning rate at step ${s.step} must be a finite number, got ${lr} (check the schedule)`,
          )
        }
        const nextParams = applyUpdates(s.params, r.updates)
        s.optimizerState = r.state
        s.params = nextParams
        if (nextState !== undefined) s.modelState = nextState
        s.running.lossSum += value * rows.length
        s.running.count += rows.length
        for (const [name, m] of Object.entries(metrics))
          s.running.metricSums[name]! += m(predictions.value, batch.y) * rows.length
      } else {
        s.running.skipped += 1
        if (action === 'stop') ctx.stop(`non-finite or rejected step at step ${s.step}`)
      }
      s.step += 1
      s.batchInEpoch += 1
      each((c) => c.onStepEnd?.(ctx, { loss: value, skipped: action !== undefined }))
    }
    if (s.batchInEpoch < batches.length) break // stopped mid-epoch: no epoch report
    const logs = epochLogs(s, options, metrics, ctx.learningRate)
    s.history.push(logs)
    s.epoch += 1
    s.batchInEpoch = 0
    s.running = fresh(metrics)
    each((c) => c.onEpochEnd?.(ctx, logs))
  }
  each((c) => c.onTrainEnd?.(ctx, s.history))
  return {
    params: s.params as P,
    state: s.modelState as S | undefined,
    optimizerState: s.optimizerState,
    history: s.history,
    step: s.step,
    stopReason,
    checkpoint: snapshot,
  }
}

function epochLogs<P, S>(
  s: TrainState,
  options: FitOptions<P, S>,
  metrics: Readonly<Record<string, Metric>>,
  learningRate: number | undefined,
): EpochLogs {
  const { lossSum, count: seen, metricSums, skipped } = s.running
  const logs: Record<string, number> = { epoch: s.epoch, step: s.step, loss: seen === 0 ? NaN : lossSum / seen }
  for (const name of Object.keys(metrics)) logs[name] = seen === 0 ? NaN : metricSums[name]! / seen
  if (skipped > 0) logs.skipped = skipped
  if (options.validation !== undefined) {
    const v = evaluate(options.model, s.params as P, options.loss, options.validation, { metrics, state: s.modelState })
    for (const [name, value] of Object.entries(v)) logs[`val${name[0]!.toUpperCase()}${name.slice(1)}`] = value
  }
  if (learningRate !== undefined) logs.learningRate = learningRate
  return logs as EpochLogs
}

function fresh(metrics: Readonly<Record<string, Metric>>): TrainState['running'] {
  const metricSums: Record<string, number> = {}
  for (const name of Object.keys(metrics)) metricSums[name] = 0
  return { lossSum: 0, count: 0, metricSums, skipped: 0 }
}

/** The loss's result, checked: a Var (the step throws before any write otherwise). */
function scalarLoss(value: unknown): Var {
  if (!(value instanceof Var)) fail('fit', 'the loss', 'a Var (e.g. from @gd/losses or @gd/autograd ops)', value)
  return value
}

/** Anything but undefined (a value checked where it is used, e.g. params against the model). */
const given = rule<unknown>('given', (v) => v !== undefined)
const hasFunctions =
  (...names: string[]) =>
  (v: unknown): boolean =>
    typeof v === 'object' && v !== null && names.every((k) => typeof (v as Record<string, unknown>)[k] === 'function')
const dataset = rule<Dataset>(
  '{ x: Tensor, y: Tensor }',
  (v) => isPlainObject(v) && v.x instanceof Tensor && v.y instanceof Tensor,
)
const callback = rule<Callback>(
  'a callback (an object with a string name)',
  (v) => typeof v === 'object' && v !== null && typeof (v as Callback).name === 'string',
)

/** The checks of {@link FitOptions}, in the order they run. */
const fitSpec = {
  model: rule<Model<unknown>>('a model (an object with an apply function)', hasFunctions('apply')),
  params: given,
  state: optional(given),
  loss: func,
  optimizer: rule<GradientTransformation<any>>(
    'an optimizer (an object with init and update functions)',
    hasFunctions('init', 'update'),
  ),
  data: dataset,
  validation: optional(dataset),
  epochs: withDefault(nonNegativeInteger, 1),
  batchSize: withDefault(
    either(oneOf(['full'] as const), positiveInteger, '"full" or a positive integer'),
    32 as BatchSize,
  ),
  shuffle: withDefault(boolean, true),
  dropLast: withDefault(boolean, false),
  seed: withDefault(integer, 0),
  key: optional(given),
  metrics: withDefault(
    rule<Readonly<Record<string, Metric>>>(
      'an object of metric functions',
      (v) => isPlainObject(v) && Object.values(v).every((m) => typeof m === 'function'),
    ),
    {},
  ),
  callbacks: withDefault(arrayOf(callback), [] as Callback[]),
  maxSteps: optional(nonNegativeInteger),
  resume: optional(given),
}

function checkNames(callbacks: readonly Callback[]): void {
  const seen = new Set<string>()
  for (const c of callbacks) {
    if (c.save === undefined) continue
    if (seen.has(c.name)) throw new Error(`fit: callbacks with state need unique names, got ${c.name} twice`)
    seen.add(c.name)
  }
}
