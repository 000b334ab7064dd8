import {
  arrayOf,
  boolean,
  either,
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
import type { GradientTransformation } from '@gd/optimizers'
import { Tensor, type PRNGKey } from '@gd/tensor'
import { checkKey } from '@gd/tensor/internal'
import type { Callback } from './callback.js'
import type { Checkpoint } from './checkpoint.js'
import { datasetSize, type Dataset } from './dataset.js'
import { resolveBatchSize, stepsPerEpoch, type BatchSize } from './epochBatches.js'
import type { EpochLogs } from './epochLogs.js'
import type { Loss, Model } from './evaluate.js'
import { eachCallback, liveRun } from './internal/fitContext.js'
import { endEpoch, runEpoch } from './internal/fitEpoch.js'
import { closeRunScope, openRunScope } from './internal/fitScope.js'
import type { FitRun, LiveRun } from './internal/fitRun.js'
import { checkpointOf, startState } from './internal/fitState.js'
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
  /** Passes over the data; default 1 (counting from the start of the run when resuming, as `maxSteps`). */
  epochs?: number
  /** `'full'` (batch GD), `1` (stochastic GD) or N (mini-batch GD); default 32. */
  batchSize?: BatchSize
  /** Fresh seeded order each epoch; default true. */
  shuffle?: boolean
  /** Drop a short last batch; default false. */
  dropLast?: boolean
  /**
   * Seed of the run's key (shuffling, dropout); default 0. Ignored when `key` is given. When resuming,
   * the checkpoint's key continues: a seed given then must be the one the run started with.
   */
  seed?: number
  /**
   * The run's key, a pair of uint32 from `prngKey` or `splitKey`. When resuming, the checkpoint's key
   * continues: a key given then must be that key.
   */
  key?: PRNGKey
  /** Metrics besides the loss, by name, e.g. `{ accuracy }`. */
  metrics?: Readonly<Record<string, Metric>>
  /** Callbacks, called in order (put `checkpoints` last so it sees the others' state). */
  callbacks?: readonly Callback[]
  /**
   * Stop after this many steps in all (counting from the start of the run, not the resume). An epoch
   * that would take no step does not begin (no `onEpochBegin`).
   */
  maxSteps?: number
  /** Continue a run from its checkpoint instead of starting afresh. */
  resume?: Checkpoint
  /**
   * When the checkpoint in `resume` comes from a run a callback stopped (early stopping, a NaN
   * guard), train on anyway instead of returning at once; default false. Ignored when not resuming.
   */
  continueStopped?: boolean
  /**
   * Record each step's loss and gradient once and replay the recorded kernel calls on the later batches of the same
   * shape, as `trainStep`'s `compile` does (default false): the same numbers, bit for bit, without running the
   * model's and the loss's JavaScript again. Dropout draws anew at each step. A model or loss that cannot be
   * recorded throws on the first step, saying where, with the run as it was.
   */
  compile?: boolean
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
 * Resuming gives every callback that keeps state (`save` and `load`: earlyStopping,
 * reduceLrOnPlateau, checkpoints) its saved state back. So `earlyStopping({ restoreBest: true })`
 * keeps its best value, its count of epochs without improvement and its best parameters (and model
 * state) across the interruption: the parameters it restores at the end may come from before the
 * resume. Only its state is in the checkpoint, not its options: resumed with `restoreBest: false` it
 * restores nothing, and resumed with `restoreBest: true` from a run without it, it has no best
 * parameters until the next improvement (and restores nothing if none comes). The result's
 * `checkpoint()` is taken after the callbacks' end: after such a restore it holds the best
 * parameters with the last step's optimizer state and step count. That is Keras'
 * `restore_best_weights` (only the weights go back), kept on purpose: the best epoch's optimizer
 * state would add Adam's two moments per parameter to every checkpoint, and a resume from this
 * checkpoint returns at once (below) unless `continueStopped` asks to train on from the best
 * parameters with the latest moments.
 *
 * A stop by a callback (early stopping, a NaN guard, `ctx.stop`) is saved in the checkpoints taken
 * after it: resumed from one, fit runs no epoch and returns the stopped run's result (its
 * parameters, history, step and `stopReason`; `onTrainBegin` and `onTrainEnd` run, so
 * `restoreBest` restores again), unless `continueStopped: true` asks it to train on. A stop by
 * `maxSteps` is not saved: resume with a larger `maxSteps` to go further. Checkpoints written before
 * the stop was saved hold none, and resume training.
 *
 * Memory: with @gd/tensor's scopes on, each step (batch, loss and gradients, the callbacks'
 * `onGradients`, the update) runs in a scope of its own under a scope the run keeps: the float32
 * results it makes live in the Wasm arena, and when the step ends only the new parameters, optimizer
 * state and model state are kept; the rest (the batch, the forward pass, the gradients) and the trees
 * the step replaced go back to a pool that the next step reuses, so a long run neither fills memory
 * nor waits for the collector. A gradient tree a callback keeps past `onGradients` then throws when
 * read (`fit: this tensor was an intermediate of fit and was released …`): copy what you keep.
 * `ctx.params` and `ctx.modelState` hand callbacks a copy on the JavaScript heap (made once per
 * tree), so that what they keep, as earlyStopping keeps the best parameters, stays readable. The
 * result's trees are copied out of the arena when fit returns.
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
 * `params[0].w: shape [1,8] in the checkpoint, [1,4] in the model`), or whose `key` or `seed` is not the
 * checkpoint's (`fit: seed 3 does not give the checkpoint's key [0,9] …`).
 * @example
 * ```ts
 * import { mean, square, sub, type Var } from '@gd/autograd'
 * import { linear } from '@gd/nn'
 * import { adam } from '@gd/optimizers'
 * import { tensor, type Tensor } from '@gd/tensor'
 * import { fit, progress } from '@gd/train'
 * const model = linear(1, 1)
 * const data = { x: tensor([[0], [1], [2], [3]]), y: tensor([[1], [3], [5], [7]]) } // y = 2x + 1
 * const options = {
 *   model, params: model.init(0), data, optimizer: adam({ learningRate: 0.1 }),
 *   loss: (p: Var, y: Tensor) => mean(square(sub(p, y))),
 *   epochs: 200, batchSize: 2,
 * }
 * const { params, history } = fit({ ...options, callbacks: [progress()] })
 * history.at(-1)!.loss // close to 0; params.w ≈ [[2]], params.b ≈ [1]
 * // compiled: each batch shape recorded once, then replayed, with the same numbers
 * fit({ ...options, compile: true }).history.at(-1)!.loss === history.at(-1)!.loss // true
 * ```
 */
export function fit<P, S = unknown>(options: FitOptions<P, S>): FitResult<P, S> {
  const run = readFitOptions(options)
  const state = startState(run)
  const live = liveRun(run, state, openRunScope())
  let ended = false
  try {
    eachCallback(live, (c) => c.onTrainBegin?.(live.ctx))
    while (live.s.epoch < run.epochs && live.stopReason === undefined) {
      if (!runEpoch(live)) break // stopped mid-epoch: no epoch report
      endEpoch(live)
    }
    eachCallback(live, (c) => c.onTrainEnd?.(live.ctx, live.s.history))
    ended = true
  } finally {
    // the final trees are copied out of the arena; a run that threw gives everything to the collector
    const { params, optimizerState, modelState } = live.s
    closeRunScope(live.scope, ended ? { params, optimizerState, modelState } : null)
  }
  return result(live)
}

function result<P, S>(live: LiveRun<P, S>): FitResult<P, S> {
  const { s } = live
  return {
    // The run's tensor trees, in the shapes P and S the caller gave.
    params: s.params as P,
    state: s.modelState as S | undefined,
    optimizerState: s.optimizerState,
    history: s.history,
    step: s.step,
    stopReason: live.stopReason,
    checkpoint: () => checkpointOf(live.run, s),
  }
}

/**
 * fit's first step: reads and checks every option before anything is written (throwing on the first
 * bad one), fills in the defaults and resolves the batching.
 */
function readFitOptions<P, S>(options: FitOptions<P, S>): FitRun<P, S> {
  const o = readOptions('fit', options, fitSpec<P, S>())
  const examples = datasetSize(o.data, 'fit')
  if (o.validation !== undefined) datasetSize(o.validation, 'fit')
  const batchSize = resolveBatchSize(o.batchSize, examples)
  const perEpoch = stepsPerEpoch(examples, batchSize, { dropLast: o.dropLast })
  checkNames(o.callbacks)
  const stateful = o.model.applyWithState !== undefined
  if (!stateful && o.state !== undefined)
    throw new Error('fit: state is given but the model keeps none (it has no applyWithState)')
  if (stateful && o.model.initState === undefined && o.state === undefined) {
    throw new Error('fit: the model has applyWithState but no initState: pass its starting state as options.state')
  }
  return {
    ...o,
    examples,
    batchSize,
    stepsPerEpoch: perEpoch,
    maxSteps: o.maxSteps ?? Infinity,
    stateful,
  }
}

/** Anything but undefined (a value checked where it is used, e.g. params against the model). */
const given = <T>() => rule<T>('given', (v) => v !== undefined)
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

/** The checks of {@link FitOptions}, in the order they run, typed by the run's P and S. */
const fitSpec = <P, S>() => ({
  model: rule<Model<P, S>>('a model (an object with an apply function)', hasFunctions('apply')),
  params: given<P>(),
  state: optional(given<S>()),
  loss: rule<Loss>('a function', (v) => typeof v === 'function'),
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
  seed: optional(integer),
  key: optional<PRNGKey>((fn, _name, value) => checkKey(fn, value as PRNGKey)),
  metrics: withDefault(
    rule<Readonly<Record<string, Metric>>>(
      'an object of metric functions',
      (v) => isPlainObject(v) && Object.values(v).every((m) => typeof m === 'function'),
    ),
    {},
  ),
  callbacks: withDefault(arrayOf(callback), [] as readonly Callback[]),
  maxSteps: optional(nonNegativeInteger),
  resume: optional(given<Checkpoint>()),
  continueStopped: withDefault(boolean, false),
  compile: withDefault(boolean, false),
})

function checkNames(callbacks: readonly Callback[]): void {
  const seen = new Set<string>()
  for (const c of callbacks) {
    if (c.save === undefined) continue
    if (seen.has(c.name)) {
      throw new Error(
        `fit: callbacks with state need unique names (a checkpoint keeps each one's state under its name), got ${c.name} twice; ` +
          'give each its own (earlyStopping, reduceLrOnPlateau and nanGuard take a name option)',
      )
    }
    seen.add(c.name)
  }
}
