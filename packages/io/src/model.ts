import { isPlainObject, mustBe, optional, readOptions } from '@gd/check'
import type { Tensor, Tree } from '@gd/tensor'
import { saveSafetensors } from './saveSafetensors.js'
import { littleEndian } from './internal/dtypes.js'
import { headerLength, parseHeader, quote } from './internal/header.js'
import { asBytes, decodeAll, differences } from './internal/read.js'
import { fill, flatten } from './internal/tree.js'

/**
 * A model's trees: its parameters and, for a model with layers such as batchNorm, its non-trainable
 * state. Both are trees of tensors (plain objects and arrays), checked when used.
 */
export interface ModelTrees<P = Tree, S = Tree> {
  /** The parameters, e.g. `model.init(0)` or the trained ones. */
  readonly params: P
  /** The layer state, e.g. `initState(model)` from @gd/nn (batchNorm's running statistics). */
  readonly state?: S
}

/** Options for {@link saveModel}. */
export interface SaveModelOptions {
  /** Free-form text stored in the header's `__metadata__` (strings to strings). */
  readonly metadata?: Readonly<Record<string, string>>
}

/** What {@link loadModel} returns. */
export interface LoadedModel<P = Tree, S = undefined> {
  readonly params: P
  /** The layer state, shaped like the template's (undefined when the template has none). */
  readonly state: S
  readonly metadata: Record<string, string>
}

/** Both trees' tensors by name, with no name in both (a name says which tree it belongs to). */
function namesOf(
  fn: string,
  what: string,
  model: unknown,
): { params: Map<string, Tensor>; state: Map<string, Tensor>; all: Map<string, Tensor> } {
  if (!isPlainObject(model) || !('params' in model)) throw mustBe(fn, what, "a model's trees { params, state? }", model)
  for (const key of Object.keys(model)) {
    if (key !== 'params' && key !== 'state')
      throw new Error(`${fn}: ${what} has a key ${quote(key)}, expected only params and state`)
  }
  const params = flatten(fn, `${what}.params`, model.params)
  const state = model.state === undefined ? new Map<string, Tensor>() : flatten(fn, `${what}.state`, model.state)
  for (const name of state.keys()) {
    if (params.has(name))
      throw new Error(`${fn}: ${what}.params and ${what}.state both have a tensor named ${quote(name)}`)
  }
  return { params, state, all: new Map([...params, ...state]) }
}

/**
 * Writes a model's parameters and layer state as one safetensors file whose names read like a
 * PyTorch `state_dict`: the two trees share one namespace, so the batchNorm layer at index 1 of a
 * `sequential` gives `1.gamma`, `1.beta` (parameters) and `1.mean`, `1.variance` (running
 * statistics) next to `0.w`, `0.b` of the linear layer before it. A name in both trees is an error.
 *
 * @throws Error for anything {@link saveSafetensors} rejects, and a name in both trees.
 * @example
 * ```ts
 * import { saveModel } from '@gd/io'
 * import { batchNorm, initState, linear, sequential } from '@gd/nn'
 * const model = sequential(linear(2, 3), batchNorm(3))
 * const bytes = saveModel({ params: model.init(0), state: initState(model) })
 * // names: 0.w, 0.b, 1.gamma, 1.beta, 1.mean, 1.variance
 * ```
 */
export function saveModel(model: ModelTrees<unknown, unknown>, options?: SaveModelOptions): Uint8Array {
  const fn = 'saveModel'
  const { all } = namesOf(fn, 'model', model)
  const o = readOptions(fn, options, { metadata: optional((_fn, _key, v) => v as Record<string, string>) })
  const record: Record<string, Tensor> = {}
  for (const [name, t] of all)
    Object.defineProperty(record, name, { value: t, enumerable: true, writable: true, configurable: true })
  try {
    return saveSafetensors(record, o.metadata === undefined ? {} : { metadata: o.metadata })
  } catch (e) {
    throw new Error((e as Error).message.replace(/^saveSafetensors:/, `${fn}:`))
  }
}

/**
 * Reads a model's parameters and layer state from safetensors bytes, checked against the model's
 * own trees (`like`, e.g. `{ params: model.init(0), state: initState(model) }`): the file must hold
 * exactly their tensors, with the same shapes and dtypes, or the error lists every difference (names
 * missing from the file, names the model lacks, shapes and dtypes that differ), before any tensor is
 * read. The trees come back in the template's structure.
 *
 * @throws Error `loadModel: the file does not fit the model (2 differences): 1.mean: missing from the file (the model has float32 [3]); 1.running_mean: in the file (F32 [3]), not in the model`.
 * @example
 * ```ts
 * import { loadModel, saveModel } from '@gd/io'
 * import { batchNorm, initState, linear, sequential } from '@gd/nn'
 * const model = sequential(linear(2, 3), batchNorm(3))
 * const bytes = saveModel({ params: model.init(0), state: initState(model) })
 * const { params, state } = loadModel(bytes, { params: model.init(1), state: initState(model) })
 * // params equal model.init(0); state equals initState(model)
 * ```
 */
export function loadModel<P, S = undefined>(
  bytes: Uint8Array | ArrayBuffer,
  like: ModelTrees<P, S>,
): LoadedModel<P, S> {
  const fn = 'loadModel'
  const all = asBytes(bytes)
  if (all === undefined) throw mustBe(fn, 'bytes', 'a Uint8Array, Buffer or ArrayBuffer', bytes)
  const names = namesOf(fn, 'like', like)
  if (!littleEndian()) throw new Error(`${fn}: needs a little-endian host, got big-endian`)
  const n = headerLength(fn, all, all.length)
  const header = parseHeader(fn, all.subarray(8, 8 + n), all.length - 8 - n)
  const diff = differences(header.entries, names.all, 'the model')
  if (diff.length > 0)
    throw new Error(
      `${fn}: the file does not fit the model (${diff.length} difference${diff.length > 1 ? 's' : ''}): ${diff.join('; ')}`,
    )
  const { tensors } = decodeAll(fn, header, all.subarray(8 + n))
  return {
    params: fill(like.params, tensors) as P,
    state: (like.state === undefined ? undefined : fill(like.state, tensors)) as S,
    metadata: header.metadata,
  }
}
