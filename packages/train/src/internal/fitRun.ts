// The settings of a fit run (its options checked, defaults filled in) and the live run they drive.
import type { GradientTransformation } from '@gd/optimizers'
import type { PRNGKey, Tensor, Tree } from '@gd/tensor'
import type { RunScope } from './fitScope.js'
import type { Callback, TrainContext } from '../callback.js'
import type { Checkpoint, TrainState } from '../checkpoint.js'
import type { Dataset } from '../dataset.js'
import type { Loss, Model } from '../evaluate.js'
import type { Metric } from '../metrics.js'

/** A run's settings: fit's options checked, with defaults filled in and the batching resolved. @internal */
export interface FitRun<P, S> {
  model: Model<P, S>
  params: P
  state: S | undefined
  loss: Loss
  optimizer: GradientTransformation<any>
  data: Dataset
  validation: Dataset | undefined
  epochs: number
  /** Examples in `data`. */
  examples: number
  /** The resolved batch size (`'full'` is the number of examples). */
  batchSize: number
  shuffle: boolean
  dropLast: boolean
  stepsPerEpoch: number
  /** Infinity when not given. */
  maxSteps: number
  /** Undefined when not given (a fresh run then uses 0). */
  seed: number | undefined
  key: PRNGKey | undefined
  metrics: Readonly<Record<string, Metric>>
  callbacks: readonly Callback[]
  resume: Checkpoint | undefined
  continueStopped: boolean
  /** Whether the model keeps state (it has `applyWithState`). */
  stateful: boolean
  /** Record the step's loss and gradient once and replay them (see {@link FitOptions.compile}). */
  compile: boolean
}

/**
 * A live run. `s` changes in place as the run trains; `stopReason` is set once, by the first stop (a
 * callback's stop is also kept in `s`, for checkpoints; a `maxSteps` stop is not). @internal
 */
export interface LiveRun<P, S> {
  readonly run: FitRun<P, S>
  readonly s: TrainState
  /** Epoch e's order comes from `foldIn(shuffleKey, e)`. */
  readonly shuffleKey: PRNGKey
  /** Step s's dropout comes from `foldIn(dropoutKey, s)`. */
  readonly dropoutKey: PRNGKey
  stopReason: string | undefined
  /** What the callbacks see. */
  readonly ctx: TrainContext
  /**
   * The run scope that owns the run's parameters, optimizer state and model state between steps (see
   * `fitScope.ts`); null when @gd/tensor's scopes are off.
   */
  readonly scope: RunScope | null
  /**
   * The step's loss and gradient, `(params, x, y, modelState, key) => [[loss, output], gradients]`, compiled with the
   * run's `compile` (made at the first step).
   */
  gradient?: Gradient
}

/** What the forward pass of a step gives besides the loss: the predictions and the model's new state. */
export interface StepOutput {
  predictions: Tensor
  /** The model's state after the step; undefined for a model without state. */
  modelState: Tree | undefined
}

/** The step's loss and gradient: `[[loss, output], gradients]`. */
export type Gradient = (
  params: Tree,
  x: Tensor,
  y: Tensor,
  modelState: Tree | undefined,
  key: PRNGKey,
) => [[Tensor, StepOutput], Tree]
