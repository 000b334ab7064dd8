import { deserializeState, serializeState } from '@gd/optimizers'
import type { PRNGKey, Tree } from '@gd/tensor'
import type { EpochLogs } from './epochLogs.js'

/** The running sums of the epoch in progress, so a mid-epoch resume reports the same means. */
export interface RunningSums {
  /** Σ batch loss · batch size over unskipped batches. */
  lossSum: number
  /** Examples in unskipped batches. */
  count: number
  /** Σ batch metric · batch size, per metric. */
  metricSums: Record<string, number>
  /** Batches skipped by a guard. */
  skipped: number
}

/** The live training state a {@link Checkpoint} holds. */
export interface TrainState {
  params: Tree
  optimizerState: unknown
  /** The model's non-trainable state (batchNorm running statistics); absent for a model without. */
  modelState?: Tree
  /** The run's base key; shuffling and dropout keys are derived from it and the epoch or step. */
  key: PRNGKey
  step: number
  epoch: number
  batchInEpoch: number
  running: RunningSums
  /** The batching the run was started with; a resume must use the same. */
  setup: { examples: number; batchSize: number; dropLast: boolean; shuffle: boolean }
  history: EpochLogs[]
  /** Saved state of named callbacks. */
  callbacks: Record<string, unknown>
}

/**
 * A snapshot of a run as plain data: `JSON.parse(JSON.stringify(c))` gives it back unchanged, and
 * tensors and typed arrays are stored as base64 of their bytes, so every bit (NaN, −0 included)
 * survives and a resumed run continues exactly as the uninterrupted one.
 */
export interface Checkpoint {
  readonly format: 'gd-checkpoint'
  readonly version: 1
  /** Steps taken when it was made (also inside `state`; here for a quick look). */
  readonly step: number
  /** The encoded {@link TrainState}. */
  readonly state: unknown
}

/**
 * Encodes a training state as a {@link Checkpoint}. The state is copied: later updates to the
 * optimizer's buffers do not reach the checkpoint.
 *
 * @example
 * ```ts
 * import { toCheckpoint } from '@gd/train'
 * // const saved = JSON.stringify(toCheckpoint(state))
 * ```
 */
export function toCheckpoint(state: TrainState): Checkpoint {
  const encoded = JSON.parse(serializeState(state as unknown)) as unknown
  return { format: 'gd-checkpoint', version: 1, step: state.step, state: encoded }
}

/**
 * Decodes a {@link Checkpoint} (or its JSON text) back to a training state with fresh buffers.
 *
 * @throws Error for anything that is not a version-1 @gd checkpoint.
 * @example
 * ```ts
 * import { fromCheckpoint } from '@gd/train'
 * // const state = fromCheckpoint(JSON.parse(text))
 * ```
 */
export function fromCheckpoint(checkpoint: Checkpoint | string): TrainState {
  const c = (typeof checkpoint === 'string' ? JSON.parse(checkpoint) : checkpoint) as Partial<Checkpoint> | null
  if (c === null || typeof c !== 'object' || c.format !== 'gd-checkpoint') {
    throw new Error(`fromCheckpoint: not a @gd checkpoint, got format ${JSON.stringify(c?.format)}`)
  }
  if (c.version !== 1) throw new Error(`fromCheckpoint: unsupported checkpoint version, got ${JSON.stringify(c.version)}`)
  const state = deserializeState<TrainState>(JSON.stringify(c.state))
  return { ...state, key: Object.freeze([...state.key]) as unknown as PRNGKey }
}
