import { mustBe, show } from '@gd/check'
import { loadSafetensors, saveSafetensors } from '@gd/io'
import { Tensor } from '@gd/tensor'
import { fromCheckpoint, toCheckpoint, type Checkpoint, type TrainState } from './checkpoint.js'

/** What the `gd.format` metadata entry of a safetensors checkpoint says. */
const FORMAT = 'gd-checkpoint'
/** The version of the safetensors layout of a checkpoint (the state inside is checkpoint version 2). */
const LAYOUT_VERSION = '1'

type Typed = Float32Array | Float64Array | Int32Array | Uint8Array
const typedNames = ['Float32Array', 'Float64Array', 'Int32Array', 'Uint8Array'] as const
type TypedName = (typeof typedNames)[number]

function typedName(x: unknown): TypedName | undefined {
  if (!ArrayBuffer.isView(x)) return undefined
  const name = x.constructor.name
  return (typedNames as readonly string[]).includes(name) ? (name as TypedName) : undefined
}

/** 32-bit FNV-1a over bytes, continued from `h`. */
function fnv1a(bytes: Uint8Array, h: number): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0
  return h
}
const bytesOf = (t: Typed): Uint8Array => new Uint8Array(t.buffer, t.byteOffset, t.byteLength)

/** FNV-1a of the skeleton's UTF-8 and of every tensor's bytes in name order, as 8 hex digits. */
function checksum(skeleton: string, tensors: ReadonlyMap<string, Typed>): string {
  let h = fnv1a(new TextEncoder().encode(skeleton), 0x811c9dc5)
  for (const name of [...tensors.keys()].sort()) h = fnv1a(bytesOf(tensors.get(name)!), h)
  return h.toString(16).padStart(8, '0')
}

/**
 * Splits a training state into tensors by dotted path (`params.0.w`, `optimizerState.0.mu.0`) and a
 * JSON skeleton in which each is a reference (`{ "$tensor": name }`, `{ "$typed": name, "type": … }`)
 * and each number JSON cannot hold (NaN, ±Infinity, −0) a tag.
 */
function split(state: TrainState): {
  skeleton: string
  tensors: Map<string, Typed>
  tree: Record<string, Tensor>
  dtypes: Record<string, string>
} {
  const tensors = new Map<string, Typed>()
  const tree: Record<string, Tensor> = {}
  const dtypes: Record<string, string> = {}
  const add = (name: string, t: Tensor, data: Typed) => {
    tensors.set(name, data)
    Object.defineProperty(tree, name, { value: t, enumerable: true, writable: true, configurable: true })
  }
  const walk = (x: unknown, path: string): unknown => {
    if (typeof x === 'number')
      return Number.isFinite(x) && !Object.is(x, -0) ? x : { $number: Object.is(x, -0) ? '-0' : String(x) }
    if (x === null || typeof x === 'string' || typeof x === 'boolean') return x
    if (x instanceof Tensor) {
      add(path, x, x.data)
      return { $tensor: path }
    }
    const type = typedName(x)
    if (type !== undefined) {
      const data = x as Typed
      // typed arrays are stored as 1-D tensors of their own width; Uint8Array as U8 (any byte, not only 0 and 1)
      const dtype =
        type === 'Float32Array'
          ? 'float32'
          : type === 'Float64Array'
            ? 'float64'
            : type === 'Int32Array'
              ? 'int32'
              : 'bool'
      add(path, new Tensor(data, [data.length], dtype), data)
      if (type === 'Uint8Array') dtypes[path] = 'U8'
      return { $typed: path, type }
    }
    if (Array.isArray(x)) return x.map((v, i) => walk(v, `${path}.${i}`))
    if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(x as object)) {
        if (k.startsWith('$'))
          throw new Error(`checkpointToSafetensors: keys may not start with $, got ${k} at ${path}`)
        Object.defineProperty(out, k, {
          value: walk(v, `${path}.${k}`),
          enumerable: true,
          writable: true,
          configurable: true,
        })
      }
      return out
    }
    throw new Error(`checkpointToSafetensors: the state holds an unsupported value at ${path}: ${show(x)}`)
  }
  const skeleton = JSON.stringify(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, walk(v, k)])))
  return { skeleton, tensors, tree, dtypes }
}

/**
 * A {@link Checkpoint} as a safetensors file: every tensor and optimizer buffer of the run is a
 * tensor named by its path (`params.0.w`, `modelState.1.mean`, `optimizerState.0.mu.0`), so Python's
 * `safetensors` opens it and the parameters read like a `state_dict` under `params.`; everything else
 * (step, epoch, the RNG key, history, callbacks' state, the run's batching, why a callback stopped it) is JSON in the metadata
 * entry `gd.state`, with `gd.format`, `gd.version`, `gd.step` and `gd.checksum` (FNV-1a of that JSON
 * and every tensor's bytes). Every bit survives (NaN, −0 included): a run resumed from
 * {@link checkpointFromSafetensors} continues exactly as the uninterrupted one.
 *
 * Smaller than the JSON form, which stores the bytes as base64 (4/3 of their size): about the raw
 * size of the parameters and the optimizer's buffers.
 *
 * @throws Error for a checkpoint {@link fromCheckpoint} rejects (damaged, another version).
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs'
 * import { checkpoints, checkpointToSafetensors } from '@gd/train'
 * const saver = checkpoints({ everyEpochs: 1, save: (c) => writeFileSync('run.safetensors', checkpointToSafetensors(c)) })
 * ```
 */
export function checkpointToSafetensors(checkpoint: Checkpoint): Uint8Array {
  const fn = 'checkpointToSafetensors'
  let state: TrainState
  try {
    state = fromCheckpoint(checkpoint)
  } catch (e) {
    throw new Error((e as Error).message.replace(/^fromCheckpoint:/, `${fn}:`))
  }
  const { skeleton, tensors, tree, dtypes } = split(state)
  const metadata = {
    'gd.format': FORMAT,
    'gd.version': LAYOUT_VERSION,
    'gd.step': String(state.step),
    'gd.state': skeleton,
    'gd.checksum': checksum(skeleton, tensors),
  }
  try {
    return saveSafetensors(tree, { metadata, dtypes })
  } catch (e) {
    throw new Error((e as Error).message.replace(/^saveSafetensors:/, `${fn}:`))
  }
}

/**
 * Reads a checkpoint written by {@link checkpointToSafetensors} (its bytes: a `Uint8Array`, a Node
 * `Buffer` or an `ArrayBuffer`) back into a {@link Checkpoint} for `fit({ resume })`, after checking
 * that it is one (`gd.format`), of this layout version, and that its checksum matches (one changed
 * byte of a tensor or of the JSON is found).
 *
 * @throws Error `checkpointFromSafetensors: not a @gd checkpoint (its metadata has no gd.format "gd-checkpoint")`,
 * `checkpointFromSafetensors: checksum mismatch: …`, and every error of `loadSafetensors` for a damaged file.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs'
 * import { checkpointFromSafetensors, fit } from '@gd/train'
 * // fit({ ...sameOptions, resume: checkpointFromSafetensors(readFileSync('run.safetensors')) })
 * ```
 */
export function checkpointFromSafetensors(bytes: Uint8Array | ArrayBuffer): Checkpoint {
  const fn = 'checkpointFromSafetensors'
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer))
    throw mustBe(fn, 'bytes', 'a Uint8Array, Buffer or ArrayBuffer', bytes)
  let loaded: ReturnType<typeof loadSafetensors>
  try {
    loaded = loadSafetensors(bytes, { flat: true })
  } catch (e) {
    throw new Error((e as Error).message.replace(/^loadSafetensors:/, `${fn}:`))
  }
  const { metadata } = loaded
  const flat = loaded.tree as Record<string, Tensor>
  if (metadata['gd.format'] !== FORMAT)
    throw new Error(`${fn}: not a @gd checkpoint (its metadata has no gd.format "${FORMAT}")`)
  if (metadata['gd.version'] !== LAYOUT_VERSION) {
    throw new Error(
      `${fn}: checkpoint layout version ${show(metadata['gd.version'])} is not supported, expected version ${LAYOUT_VERSION}`,
    )
  }
  const skeleton = metadata['gd.state']
  let parsed: unknown
  try {
    parsed = JSON.parse(skeleton ?? '')
  } catch {
    throw new Error(`${fn}: the gd.state metadata is not valid JSON (damaged)`)
  }
  const tensors = new Map<string, Typed>()
  const used = new Set<string>()
  const take = (name: unknown): Tensor => {
    if (typeof name !== 'string' || !Object.hasOwn(flat, name))
      throw new Error(`${fn}: gd.state refers to a tensor ${show(name)} the file does not hold (damaged)`)
    used.add(name)
    return flat[name]!
  }
  const rebuild = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(rebuild)
    if (x === null || typeof x !== 'object') return x
    const o = x as Record<string, unknown>
    if ('$number' in o) return o.$number === '-0' ? -0 : Number(o.$number)
    if ('$tensor' in o) {
      const t = take(o.$tensor)
      tensors.set(o.$tensor as string, t.data)
      return t
    }
    if ('$typed' in o) {
      const data = take(o.$typed).data
      const typed: Typed =
        o.type === 'Float32Array'
          ? new Float32Array(data)
          : o.type === 'Float64Array'
            ? new Float64Array(data)
            : o.type === 'Int32Array'
              ? new Int32Array(data)
              : Uint8Array.from(data)
      tensors.set(o.$typed as string, typed)
      return typed
    }
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(o))
      Object.defineProperty(out, k, { value: rebuild(v), enumerable: true, writable: true, configurable: true })
    return out
  }
  const state = rebuild(parsed) as TrainState
  const extra = Object.keys(flat).filter((name) => !used.has(name))
  if (extra.length > 0)
    throw new Error(`${fn}: the file holds tensors gd.state does not use: ${extra.join(', ')} (damaged or edited)`)
  const computed = checksum(skeleton!, tensors)
  if (computed !== metadata['gd.checksum']) {
    throw new Error(
      `${fn}: checksum mismatch: the checkpoint says ${show(metadata['gd.checksum'])}, its content hashes to ${computed} (damaged or edited)`,
    )
  }
  try {
    return toCheckpoint(state)
  } catch (e) {
    throw new Error(`${fn}: the state inside does not decode: ${(e as Error).message}`)
  }
}
