import { fail, isPlainObject, mustBe, show } from '@gd/check'
import { fnv1a, structureDifferences, treeStructure, type LeafInfo } from './internal/structure.js'
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
  /**
   * Why a callback stopped the run (early stopping, a NaN guard, `ctx.stop`), so a run resumed from a
   * checkpoint taken after the stop stops too. Absent while the run goes on, when `maxSteps` ended it
   * (a budget of the call, not of the run) and in checkpoints written before this field existed.
   */
  stopReason?: string
}

/** The checkpoint format version this release writes and reads. */
const CHECKPOINT_VERSION = 2

/**
 * A snapshot of a run as plain data: `JSON.parse(JSON.stringify(c))` gives it back unchanged, and
 * tensors and typed arrays are stored as base64 of their bytes, so every bit (NaN, −0 included)
 * survives and a resumed run continues exactly as the uninterrupted one.
 *
 * Integrity: it carries its format `version`, the `structure` of its parameter and model-state trees
 * (path, shape and dtype of every tensor) and a `checksum`, the 32-bit FNV-1a hash (8 hex digits)
 * of the JSON text of `{ step, structure, state }`, so one changed byte or base64 character is found.
 *
 * @example
 * ```ts
 * import type { Checkpoint } from '@gd/train'
 * // const c: Checkpoint = fit({ ... }).checkpoint()
 * // c.structure // [{ path: 'params.w', shape: [1, 1], dtype: 'float32' }, ...]
 * ```
 */
export interface Checkpoint {
  readonly format: 'gd-checkpoint'
  readonly version: 2
  /** Steps taken when it was made (also inside `state`; here for a quick look). */
  readonly step: number
  /** Every tensor of the parameters and the model state: path (`params[0].w`), shape, dtype. */
  readonly structure: readonly { readonly path: string; readonly shape: readonly number[]; readonly dtype: string }[]
  /** FNV-1a (32 bits, hex) of `JSON.stringify({ step, structure, state })`. */
  readonly checksum: string
  /** The encoded {@link TrainState}. */
  readonly state: unknown
}

function structureOf(state: TrainState): LeafInfo[] {
  return [...treeStructure(state.params, 'params'), ...treeStructure(state.modelState, 'modelState')]
}

/**
 * Encodes a training state as a {@link Checkpoint} with its version, structure and checksum. The
 * state is copied: later updates to the optimizer's buffers do not reach the checkpoint.
 *
 * @example
 * ```ts
 * import { toCheckpoint } from '@gd/train'
 * // const saved = JSON.stringify(toCheckpoint(state))
 * ```
 */
export function toCheckpoint(state: TrainState): Checkpoint {
  if (!isPlainObject(state) || !Number.isSafeInteger(state.step))
    fail('toCheckpoint', 'state', 'a training state', state)
  const encoded = JSON.parse(serializeState(state as unknown)) as unknown
  const structure = structureOf(state)
  const checksum = fnv1a(JSON.stringify({ step: state.step, structure, state: encoded }))
  return { format: 'gd-checkpoint', version: CHECKPOINT_VERSION, step: state.step, structure, checksum, state: encoded }
}

const isLeafInfo = (l: unknown): boolean =>
  isPlainObject(l) && typeof l.path === 'string' && typeof l.dtype === 'string' && Array.isArray(l.shape)

/**
 * Decodes a {@link Checkpoint} (or its JSON text) back to a training state with fresh buffers, after
 * checking, in this order, that it is a checkpoint of `@gd/train`, of version 2, with
 * every field present, that its checksum matches (a changed byte or base64 character), and that the
 * decoded trees have the recorded structure. A checkpoint without `stopReason` (every one written
 * before it was saved) loads as a run that was not stopped.
 *
 * @throws Error naming what is wrong: `fromCheckpoint: checkpoint version 1 is not supported, expected version 2`,
 * `fromCheckpoint: checksum mismatch: ...`, a missing field, text that is not JSON.
 * @example
 * ```ts
 * import { fromCheckpoint } from '@gd/train'
 * // const state = fromCheckpoint(JSON.parse(text))
 * ```
 */
export function fromCheckpoint(checkpoint: Checkpoint | string): TrainState {
  const fn = 'fromCheckpoint'
  let c: unknown = checkpoint
  if (typeof checkpoint === 'string') {
    try {
      c = JSON.parse(checkpoint)
    } catch {
      fail(fn, 'text', 'the JSON of a checkpoint', checkpoint)
    }
  }
  if (!isPlainObject(c) || c.format !== 'gd-checkpoint') {
    throw mustBe(fn, 'checkpoint', 'a @gd checkpoint (format "gd-checkpoint")', isPlainObject(c) ? c.format : c, '')
  }
  if (c.version !== CHECKPOINT_VERSION) {
    throw new Error(
      `${fn}: checkpoint version ${show(c.version)} is not supported, expected version ${CHECKPOINT_VERSION}`,
    )
  }
  if (!Number.isSafeInteger(c.step)) fail(fn, 'checkpoint.step', 'an integer', c.step)
  if (!Array.isArray(c.structure) || !c.structure.every(isLeafInfo))
    fail(fn, 'checkpoint.structure', 'a list of { path, shape, dtype }', c.structure)
  if (typeof c.checksum !== 'string') fail(fn, 'checkpoint.checksum', 'a string', c.checksum)
  if (c.state === undefined) fail(fn, 'checkpoint.state', 'the encoded state', c.state)
  const computed = fnv1a(JSON.stringify({ step: c.step, structure: c.structure, state: c.state }))
  if (computed !== c.checksum) {
    throw new Error(
      `${fn}: checksum mismatch: the checkpoint says ${c.checksum}, its content hashes to ${computed} (damaged or edited)`,
    )
  }
  let state: TrainState
  try {
    state = deserializeState<TrainState>(JSON.stringify(c.state))
  } catch (e) {
    throw new Error(`${fn}: the state inside does not decode: ${(e as Error).message}`)
  }
  const differs = structureDifferences(c.structure as LeafInfo[], structureOf(state))
  if (differs.length > 0)
    throw new Error(`${fn}: the state inside differs from the recorded structure: ${differs.join('; ')}`)
  if (state.stopReason !== undefined && typeof state.stopReason !== 'string')
    fail(fn, 'checkpoint.state.stopReason', 'a string', state.stopReason)
  return { ...state, key: Object.freeze([...state.key]) as unknown as PRNGKey }
}
