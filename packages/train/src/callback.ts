import type { Tree } from '@gd/tensor'
import type { Checkpoint } from './checkpoint.js'
import type { EpochLogs } from './epochLogs.js'

/**
 * What a callback sees of a running {@link fit}: counters, the current parameters and learning
 * rate, and the few levers it may pull (stop, change the learning rate, replace the parameters,
 * take a checkpoint).
 */
export interface TrainContext {
  /** Steps taken so far (batches consumed, skipped ones included). */
  readonly step: number
  /** The current epoch, from 0. */
  readonly epoch: number
  /** Epochs the run was asked for. */
  readonly epochs: number
  /** Steps in one epoch. */
  readonly stepsPerEpoch: number
  /** Batches done in the current epoch. */
  readonly batchInEpoch: number
  /** The current parameters. */
  readonly params: Tree
  /** The model's current non-trainable state (batchNorm running statistics); undefined without. */
  readonly modelState: Tree | undefined
  /** The current learning rate, when the optimizer was built with `injectHyperparams`. */
  readonly learningRate: number | undefined
  /** Use `value` from the next step on. @throws Error unless the optimizer came from `injectHyperparams`. */
  setLearningRate(value: number): void
  /** Replace the parameters (e.g. with the best ones seen). */
  setParams(params: Tree): void
  /** Replace the model's state (with the parameters it goes with). @throws Error for a model without state. */
  setModelState(state: Tree): void
  /** Ask the loop to stop after the current step; the first reason given is kept. */
  stop(reason: string): void
  /** Everything needed to resume exactly from here, as plain JSON-ready data. */
  checkpoint(): Checkpoint
}

/** One step's loss and gradients, shown to {@link Callback.onGradients} before the update. */
export interface StepInfo {
  /** The batch's loss. */
  readonly loss: number
  /** The gradient tree, shaped like the parameters. */
  readonly grads: Tree
  /** Examples in the batch. */
  readonly batchSize: number
}

/** What a callback may answer to {@link Callback.onGradients}: skip this update, or stop. */
export type StepAction = 'skip' | 'stop' | undefined

/**
 * A callback of {@link fit}: any of the hooks, all optional. A callback with state worth keeping
 * across a resume has a unique `name` and `save`/`load` of plain data; {@link fit} puts it in the
 * checkpoint.
 *
 * @example
 * ```ts
 * import type { Callback } from '@gd/train'
 * const printer: Callback = {
 *   name: 'printer',
 *   onEpochEnd: (_ctx, logs) => console.log(`epoch ${logs.epoch}: loss ${logs.loss}`),
 * }
 * ```
 */
export interface Callback {
  readonly name: string
  onTrainBegin?(ctx: TrainContext): void
  onEpochBegin?(ctx: TrainContext): void
  /** Sees the loss and gradients before the update; may skip the update or stop the run. */
  onGradients?(ctx: TrainContext, info: StepInfo): StepAction | void
  onStepEnd?(ctx: TrainContext, info: { readonly loss: number; readonly skipped: boolean }): void
  onEpochEnd?(ctx: TrainContext, logs: EpochLogs): void
  onTrainEnd?(ctx: TrainContext, history: readonly EpochLogs[]): void
  /** The callback's state as plain data, for a checkpoint. */
  save?(): unknown
  /** Restores what {@link Callback.save} returned. */
  load?(state: unknown): void
}
