import { Tensor, type DType } from '@gd/tensor'

/**
 * Saving and restoring optimizer state. State is plain data (numbers, booleans, strings, null,
 * arrays, plain objects, typed arrays and tensors); both forms restore every bit, including NaN,
 * ±Infinity and −0, so a resumed run continues exactly as the uninterrupted one.
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
      if (k.startsWith('$')) throw new Error(`serializeState: keys may not start with $, got ${k} at ${path || 'the root'}`)
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
const MAGIC = 0x31534447 // 'GDS1' read as a little-endian uint32

/** Options for {@link serializeState}. */
export interface SerializeOptions {
  /** `'json'` (default) gives a string; `'binary'` gives a compact ArrayBuffer. */
  readonly format?: 'json' | 'binary'
}

/**
 * Saves optimizer state as JSON text (typed arrays as base64 of their bytes) or as a compact binary
 * `ArrayBuffer` (a small JSON skeleton, then the raw little-endian buffers, 8-byte aligned).
 * {@link deserializeState} restores every bit.
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
export function serializeState(state: unknown, options: SerializeOptions = {}): string | ArrayBuffer {
  const format = options.format ?? 'json'
  if (format === 'json') {
    return JSON.stringify(encode(state, '', (t, dtype) => ({ dtype, base64: toBase64(bytesOf(t)) })))
  }
  if (format !== 'binary') {
    throw new Error(`serializeState: format must be 'json' or 'binary', got ${JSON.stringify(format)}`)
  }
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error('serializeState: binary format needs a little-endian host, got big-endian')
  }
  const chunks: Uint8Array[] = []
  const skeleton = encode(state, '', (t, dtype) => {
    chunks.push(bytesOf(t))
    return { dtype, index: chunks.length - 1, bytes: t.byteLength }
  })
  const head = new TextEncoder().encode(JSON.stringify(skeleton))
  const pad = (n: number): number => (n + 7) & ~7
  let total = pad(8 + head.length)
  for (const c of chunks) total += pad(c.length)
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  view.setUint32(0, MAGIC, true)
  view.setUint32(4, head.length, true)
  out.set(head, 8)
  let at = pad(8 + head.length)
  for (const c of chunks) {
    out.set(c, at)
    at += pad(c.length)
  }
  return out.buffer
}

/**
 * Restores state saved by {@link serializeState} (a string for JSON, an ArrayBuffer for binary).
 * Typed arrays come back as fresh buffers the new state owns.
 *
 * @throws Error when the input is neither form or is not @gd optimizer state.
 * @example
 * ```ts
 * import { sgd, serializeState, deserializeState } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * const opt = sgd({ learningRate: 0.1, momentum: 0.9 })
 * const saved = serializeState(opt.init({ w: tensor([1]) }))
 * const state = deserializeState(saved)
 * ```
 */
export function deserializeState<S = unknown>(saved: string | ArrayBuffer): S {
  if (typeof saved === 'string') {
    return decode(JSON.parse(saved), (d) => make(d.dtype, fromBase64(d.base64))) as S
  }
  if (!(saved instanceof ArrayBuffer)) {
    throw new Error(`deserializeState: expected a JSON string or an ArrayBuffer, got ${typeof saved}`)
  }
  const bytes = new Uint8Array(saved)
  const view = new DataView(saved)
  if (bytes.length < 8 || view.getUint32(0, true) !== MAGIC) {
    throw new Error(`deserializeState: not a @gd binary state (bad magic), got ${bytes.length} bytes`)
  }
  const headLength = view.getUint32(4, true)
  const skeleton = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headLength)))
  const pad = (n: number): number => (n + 7) & ~7
  // Buffers follow in index order; find each one's offset by walking the descriptors in order.
  const descs: { index: number; bytes: number }[] = []
  const collect = (x: unknown): void => {
    if (x === null || typeof x !== 'object') return
    if ('$typed' in x) descs.push((x as { $typed: { index: number; bytes: number } }).$typed)
    else Object.values(x).forEach(collect)
  }
  collect(skeleton)
  const offsets: number[] = []
  let at = pad(8 + headLength)
  for (const d of [...descs].sort((a, b) => a.index - b.index)) {
    offsets[d.index] = at
    at += pad(d.bytes)
  }
  if (at > bytes.length) {
    throw new Error(`deserializeState: binary state is truncated: needs ${at} bytes, got ${bytes.length}`)
  }
  return decode(skeleton, (d) => make(d.dtype, bytes.subarray(offsets[d.index]!, offsets[d.index]! + d.bytes))) as S
}
