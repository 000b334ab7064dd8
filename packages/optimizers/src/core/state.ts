import { fail, oneOf, readOptions, show, withDefault } from '@gd/check'
import { Tensor, type DType } from '@gd/tensor'

/**
 * Saving and restoring optimizer state. State is plain data (numbers, booleans, strings, null,
 * arrays, plain objects, typed arrays and tensors); both forms restore every bit, including NaN,
 * ±Infinity and −0, so a resumed run continues exactly as the uninterrupted one. Both carry a format
 * version, an FNV-1a checksum and a description of the state's structure, all checked on load.
 * @module
 */

type Typed = Float32Array | Float64Array | Int32Array | Uint8Array
const kinds: Record<string, DType> = {
  Float32Array: 'float32',
  Float64Array: 'float64',
  Int32Array: 'int32',
  Uint8Array: 'bool',
}

function typedKind(x: unknown): DType | undefined {
  if (!ArrayBuffer.isView(x)) return undefined
  return kinds[x.constructor.name]
}

function make(dtype: DType, bytes: Uint8Array): Typed {
  const buf = bytes.slice().buffer
  if (dtype === 'float32') return new Float32Array(buf)
  if (dtype === 'float64') return new Float64Array(buf)
  if (dtype === 'int32') return new Int32Array(buf)
  return new Uint8Array(buf)
}

/** Walks `x`, replacing typed arrays with `onTyped(...)` and awkward numbers with tags. */
function encode(x: unknown, path: string, onTyped: (t: Typed, dtype: DType) => unknown): unknown {
  if (typeof x === 'number') {
    if (Number.isFinite(x) && !Object.is(x, -0)) return x
    return { $number: Object.is(x, -0) ? '-0' : String(x) }
  }
  if (typeof x === 'boolean' || typeof x === 'string' || x === null) return x
  const dtype = typedKind(x)
  if (dtype !== undefined) return { $typed: onTyped(x as Typed, dtype) }
  if (x instanceof Tensor) {
    return { $tensor: { shape: [...x.shape], data: encode(x.data, path, onTyped) } }
  }
  if (Array.isArray(x)) return x.map((c, i) => encode(c, `${path}[${i}]`, onTyped))
  if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(x as object)) {
      if (k.startsWith('$'))
        throw new Error(`serializeState: keys may not start with $, got ${k} at ${path || 'the root'}`)
      out[k] = encode(v, `${path}.${k}`, onTyped)
    }
    return out
  }
  throw new Error(`serializeState: unsupported value at ${path || 'the root'}, got ${typeof x}`)
}

function decode(x: unknown, onTyped: (desc: any) => Typed): unknown {
  if (Array.isArray(x)) return x.map((c) => decode(c, onTyped))
  if (x === null || typeof x !== 'object') return x
  const o = x as Record<string, any>
  if ('$number' in o) return o.$number === '-0' ? -0 : Number(o.$number)
  if ('$typed' in o) return onTyped(o.$typed)
  if ('$tensor' in o) {
    const data = decode(o.$tensor.data, onTyped) as Typed
    return new Tensor(data, Object.freeze([...o.$tensor.shape]), typedKind(data)!)
  }
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) out[k] = decode(v, onTyped)
  return out
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!
    const b = bytes[i + 1] ?? 0
    const c = bytes[i + 2] ?? 0
    s += B64[a >> 2]! + B64[((a & 3) << 4) | (b >> 4)]!
    s += i + 1 < bytes.length ? B64[((b & 15) << 2) | (c >> 6)]! : '='
    s += i + 2 < bytes.length ? B64[c & 63]! : '='
  }
  return s
}

function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '')
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4))
  let bits = 0
  let acc = 0
  let j = 0
  for (const ch of clean) {
    const v = B64.indexOf(ch)
    if (v < 0) throw new Error(`deserializeState: invalid base64 character, got ${JSON.stringify(ch)}`)
    acc = (acc << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[j++] = (acc >> bits) & 255
    }
  }
  return out
}

const bytesOf = (t: Typed): Uint8Array => new Uint8Array(t.buffer, t.byteOffset, t.byteLength)
/** 'GDS1' read as a little-endian uint32: binary states of version 1 (no version, checksum or structure). */
const MAGIC_V1 = 0x31534447
/** 'GDS2': binary states of the current version. */
const MAGIC = 0x32534447
/**
 * The format version written by {@link serializeState} (2: with a checksum and the structure);
 * {@link deserializeState} reads only this version and names any other.
 *
 * @example
 * ```ts
 * import { adam, serializeState, STATE_FORMAT_VERSION } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * JSON.parse(serializeState(adam().init({ w: tensor([1]) }))).$gdState === STATE_FORMAT_VERSION // true
 * ```
 */
export const STATE_FORMAT_VERSION = 2

/** FNV-1a, 32 bits, continued from `h` over `bytes`. */
function fnv1a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0
  return h
}
const hex = (h: number): string => h.toString(16).padStart(8, '0')

/** JSON text with object keys sorted at every level: what the checksum covers (key order may change in transit). */
function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`
  if (x !== null && typeof x === 'object') {
    return `{${Object.keys(x)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((x as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(x)
}

/**
 * The structure of a state, as one line: `{count:number,mu:[float32[2],float64[3]]}` (object keys
 * in order, typed arrays with their dtype and length, tensors with their shape).
 *
 * @example
 * ```ts
 * import { adam, stateStructure } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * stateStructure(adam().init({ w: tensor([1, 2]) }))
 * // '[{count:number,mu:[float32[2]],nu:[float32[2]],paths:[string]},{count:number}]'
 * ```
 */
export function stateStructure(state: unknown): string {
  const dtype = typedKind(state)
  if (dtype !== undefined) return `${dtype}[${(state as Typed).length}]`
  if (state instanceof Tensor) return `tensor ${state.dtype}[${state.shape.join(',')}]`
  if (Array.isArray(state)) return `[${state.map(stateStructure).join(',')}]`
  if (state !== null && typeof state === 'object') {
    return `{${Object.entries(state)
      .map(([k, v]) => `${k}:${stateStructure(v)}`)
      .join(',')}}`
  }
  return state === null ? 'null' : typeof state
}

/** The first place where the structures of `a` (saved) and `b` (expected) differ, as a message; undefined when none. */
function structureDiff(a: unknown, b: unknown, path: string): string | undefined {
  const where = path || 'the root'
  const sa = shallow(a)
  const sb = shallow(b)
  if (sa !== sb) return `at ${where} the saved state has ${sa}, expected ${sb}`
  if (Array.isArray(a)) {
    for (let i = 0; i < a.length; i++) {
      const d = structureDiff(a[i], (b as unknown[])[i], `${path}[${i}]`)
      if (d !== undefined) return d
    }
  } else if (a !== null && typeof a === 'object' && typedKind(a) === undefined && !(a instanceof Tensor)) {
    for (const k of Object.keys(a)) {
      const d = structureDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`)
      if (d !== undefined) return d
    }
  }
  return undefined
}

/** One level of {@link stateStructure}: arrays by length, objects by their keys. */
function shallow(x: unknown): string {
  if (Array.isArray(x)) return `an array of length ${x.length}`
  if (x !== null && typeof x === 'object' && typedKind(x) === undefined && !(x instanceof Tensor)) {
    return `an object with keys ${Object.keys(x).join(', ') || '(none)'}`
  }
  return stateStructure(x)
}

/** Options for {@link serializeState}. */
export interface SerializeOptions {
  /** `'json'` (default) gives a string; `'binary'` gives a compact ArrayBuffer. */
  readonly format?: 'json' | 'binary'
}

/** Options for {@link deserializeState}. */
export interface DeserializeOptions {
  /**
   * A state of the expected structure, such as `opt.init(params)` for the model being resumed: the
   * saved state must have the same structure (same keys, buffer dtypes and lengths), or loading
   * throws naming the first difference.
   */
  readonly like?: unknown
}

/**
 * Saves optimizer state as JSON text (typed arrays as base64 of their bytes) or as a compact binary
 * `ArrayBuffer` (a small JSON header, then the raw little-endian buffers, 8-byte aligned). Both
 * carry the format version ({@link STATE_FORMAT_VERSION}), the state's structure
 * ({@link stateStructure}) and an FNV-1a checksum over everything, which {@link deserializeState}
 * checks: one changed byte or base64 character is reported, never loaded.
 *
 * JSON form: `{"$gdState":2,"structure":"…","checksum":"8 hex digits","state":…}`; the checksum
 * covers the structure and the state with object keys sorted, so re-embedding the parsed object in
 * another JSON document (as @gd/train's checkpoints do) keeps it valid.
 *
 * @throws Error for values that are not plain data (functions, class instances, undefined).
 * @example
 * ```ts
 * import { adam, serializeState, deserializeState } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * const state = adam().init({ w: tensor([1, 2]) })
 * const text = serializeState(state)
 * const bytes = serializeState(state, { format: 'binary' })
 * deserializeState(text) // equal to state
 * deserializeState(bytes) // equal to state
 * ```
 */
export function serializeState(state: unknown, options?: { format?: 'json' }): string
export function serializeState(state: unknown, options: { format: 'binary' }): ArrayBuffer
export function serializeState(state: unknown, options?: SerializeOptions): string | ArrayBuffer {
  const { format } = readOptions('serializeState', options, { format: withDefault(oneOf(['json', 'binary']), 'json') })
  const structure = stateStructure(state)
  if (format === 'json') {
    const encoded = encode(state, '', (t, dtype) => ({ dtype, base64: toBase64(bytesOf(t)) }))
    const checksum = hex(fnv1a(utf8(canonical({ structure, state: encoded }))))
    return JSON.stringify({ $gdState: STATE_FORMAT_VERSION, structure, checksum, state: encoded })
  }
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error('serializeState: binary format needs a little-endian host, got big-endian')
  }
  const chunks: Uint8Array[] = []
  const skeleton = encode(state, '', (t, dtype) => {
    chunks.push(bytesOf(t))
    return { dtype, index: chunks.length - 1, bytes: t.byteLength }
  })
  // the checksum is 8 hex digits, so the header's length is known before the checksum is
  const header = (checksum: string) =>
    utf8(JSON.stringify({ $gdState: STATE_FORMAT_VERSION, structure, checksum, state: skeleton }))
  const length = header('00000000').length
  const pad = (n: number): number => (n + 7) & ~7
  const start = pad(8 + length)
  let total = start
  for (const c of chunks) total += pad(c.length)
  const out = new Uint8Array(total)
  let at = start
  for (const c of chunks) {
    out.set(c, at)
    at += pad(c.length)
  }
  // covers the structure, the skeleton and every byte after the header (padding included)
  const h = fnv1a(out.subarray(start), fnv1a(utf8(canonical({ structure, state: skeleton }))))
  const view = new DataView(out.buffer)
  view.setUint32(0, MAGIC, true)
  view.setUint32(4, length, true)
  out.set(header(hex(h)), 8)
  return out.buffer
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const fn = 'deserializeState'
const oldVersion = (form: string) =>
  new Error(
    `${fn}: this is a version 1 ${form} state (saved before states carried a version, checksum and structure); version ${STATE_FORMAT_VERSION} is read, so save it again with this version`,
  )

/** Parses JSON, reporting damage as a clear error. */
function parse(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`${fn}: the saved ${what} is not valid JSON (damaged or truncated)`)
  }
}

/** Checks the envelope's version and fields; returns it. */
function envelope(x: unknown, form: string): { structure: string; checksum: string; state: unknown } {
  if (x === null || typeof x !== 'object') throw new Error(`${fn}: not a @gd optimizer state, got ${show(x)}`)
  if (!('$gdState' in x)) {
    // version 1 JSON was the bare state; a binary state of this version, or one with a checksum, is damaged
    if (form === 'JSON' && !('checksum' in x)) throw oldVersion(form)
    throw new Error(`${fn}: the saved state lacks its format version (damaged)`)
  }
  const e = x as { $gdState: unknown; structure?: unknown; checksum?: unknown; state?: unknown }
  if (e.$gdState !== STATE_FORMAT_VERSION) {
    throw new Error(`${fn}: this is a version ${String(e.$gdState)} state; version ${STATE_FORMAT_VERSION} is read`)
  }
  if (typeof e.structure !== 'string' || typeof e.checksum !== 'string' || !('state' in e)) {
    throw new Error(`${fn}: the saved state lacks its structure, checksum or state (damaged)`)
  }
  return e as { structure: string; checksum: string; state: unknown }
}

/** Checks the checksum, then the structure (recorded and, with `like`, expected) of a decoded state. */
function verify<S>(
  computed: number,
  e: { structure: string; checksum: string },
  state: unknown,
  options?: DeserializeOptions,
): S {
  if (hex(computed) !== e.checksum) {
    throw new Error(
      `${fn}: checksum mismatch (saved ${e.checksum}, computed ${hex(computed)}): the saved state is damaged`,
    )
  }
  const got = stateStructure(state)
  if (got !== e.structure) throw new Error(`${fn}: the state does not have the structure it was saved with (damaged)`)
  if (options?.like !== undefined) {
    const d = structureDiff(state, options.like, '')
    if (d !== undefined) throw new Error(`${fn}: the saved state does not match the expected one: ${d}`)
  }
  return state as S
}

/**
 * Restores state saved by {@link serializeState} (a string for JSON, an ArrayBuffer for binary),
 * after checking its format version, its checksum and its structure; with `like` (e.g.
 * `opt.init(params)`), also that it is a state of that structure, naming the first difference.
 * Typed arrays come back as fresh buffers the new state owns, so the result is a fresh, unconsumed
 * state.
 *
 * @throws Error when the input is damaged (`deserializeState: checksum mismatch (saved …, computed
 * …): the saved state is damaged`), of another version (`this is a version 1 JSON state …`), of
 * another structure than `like`, or not optimizer state of `@gd/optimizers` at all.
 * @example
 * ```ts
 * import { sgd, serializeState, deserializeState } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * const opt = sgd({ learningRate: 0.1, momentum: 0.9 })
 * const params = { w: tensor([1]) }
 * const saved = serializeState(opt.init(params))
 * const state = deserializeState(saved, { like: opt.init(params) })
 * ```
 */
export function deserializeState<S = unknown>(saved: string | ArrayBuffer, options?: DeserializeOptions): S {
  const o = readOptions(fn, options, { like: (_f: string, _k: string, v: unknown) => v })
  if (typeof saved === 'string') {
    const e = envelope(parse(saved, 'JSON text'), 'JSON')
    const computed = fnv1a(utf8(canonical({ structure: e.structure, state: e.state })))
    if (hex(computed) !== e.checksum) return verify<S>(computed, e, undefined, o)
    const state = decode(e.state, (d) => make(d.dtype, fromBase64(d.base64)))
    return verify<S>(computed, e, state, o)
  }
  if (!(saved instanceof ArrayBuffer)) fail(fn, 'saved', 'a JSON string or an ArrayBuffer', saved)
  const bytes = new Uint8Array(saved)
  const view = new DataView(saved)
  const magic = bytes.length < 8 ? 0 : view.getUint32(0, true)
  if (magic === MAGIC_V1) throw oldVersion('binary')
  if (magic !== MAGIC) {
    throw new Error(`deserializeState: not a @gd binary state (bad magic), got ${bytes.length} bytes`)
  }
  const headLength = view.getUint32(4, true)
  if (8 + headLength > bytes.length) {
    throw new Error(`deserializeState: binary state is truncated: needs ${8 + headLength} bytes, got ${bytes.length}`)
  }
  const e = envelope(parse(new TextDecoder().decode(bytes.subarray(8, 8 + headLength)), 'binary header'), 'binary')
  const skeleton = e.state
  const pad = (n: number): number => (n + 7) & ~7
  // Buffers follow in index order; find each one's offset by walking the descriptors in order.
  const descs: { index: number; bytes: number }[] = []
  const collect = (x: unknown): void => {
    if (x === null || typeof x !== 'object') return
    if ('$typed' in x) descs.push((x as { $typed: { index: number; bytes: number } }).$typed)
    else Object.values(x).forEach(collect)
  }
  collect(skeleton)
  descs.sort((a, b) => a.index - b.index)
  const offsets: number[] = []
  let at = pad(8 + headLength)
  for (const d of descs) {
    if (!Number.isSafeInteger(d.index) || !Number.isSafeInteger(d.bytes) || d.bytes < 0) {
      throw new Error(`${fn}: the binary header is damaged (a buffer has no valid index or length)`)
    }
    offsets[d.index] = at
    at += pad(d.bytes)
  }
  if (at > bytes.length) {
    throw new Error(`deserializeState: binary state is truncated: needs ${at} bytes, got ${bytes.length}`)
  }
  if (bytes.subarray(8 + headLength, pad(8 + headLength)).some((b) => b !== 0))
    throw new Error(`${fn}: the binary header's padding is not zero (damaged)`)
  if (at < bytes.length)
    throw new Error(`${fn}: binary state has ${bytes.length - at} bytes more than its header describes (damaged)`)
  const h = fnv1a(
    bytes.subarray(pad(8 + headLength)),
    fnv1a(utf8(canonical({ structure: e.structure, state: skeleton }))),
  )
  if (hex(h) !== e.checksum) return verify<S>(h, e, undefined, o)
  const state = decode(skeleton, (d) => make(d.dtype, bytes.subarray(offsets[d.index]!, offsets[d.index]! + d.bytes)))
  return verify<S>(h, e, state, o)
}
