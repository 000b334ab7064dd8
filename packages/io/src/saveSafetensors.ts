import { fail, isPlainObject, optional, readOptions, show, type Check } from '@gd/check'
import type { Tensor, Tree } from '@gd/tensor'
import { encodeTensor } from './internal/decode.js'
import { DEFAULT_FILE_DTYPE, littleEndian, WRITABLE, WRITE_RANK } from './internal/dtypes.js'
import { quote } from './internal/header.js'
import { byCodePoint, unknownName } from './internal/read.js'
import { flatten, put } from './internal/tree.js'

/** Options for {@link saveSafetensors}. */
export interface SaveSafetensorsOptions {
  /**
   * Free-form text stored in the header's `__metadata__` (string keys to string values), returned by
   * {@link loadSafetensors} and by Python's `safe_open(...).metadata()`. Absent: no `__metadata__`.
   */
  readonly metadata?: Readonly<Record<string, string>>
  /**
   * The file dtype of some tensors, by name, when it is not the natural one (float32 → `F32`,
   * float64 → `F64`, int32 → `I32`, bool → `BOOL`): float32 as `F16` or `BF16` (rounded to nearest,
   * ties to even), int32 as `I64`, `U8`, `I8`, `I16`, `U16`, `U32` or `U64` (every value must fit),
   * bool as `U8`. What {@link loadSafetensors} returns as `dtypes` fits here, so a loaded file is
   * written back with the dtypes it had.
   */
  readonly dtypes?: Readonly<Record<string, string>>
}

const isString = (x: unknown): x is string => typeof x === 'string'
const loneSurrogate = /[\uD800-\uDFFF]/u

const metadataCheck: Check<Record<string, string>> = (fn, key, value) => {
  if (!isPlainObject(value)) return fail(fn, key, 'a plain object of strings', value)
  for (const k of Object.keys(value)) {
    if (!isString(value[k])) fail(fn, `${key}[${JSON.stringify(k)}]`, 'a string', value[k])
    if (loneSurrogate.test(k) || loneSurrogate.test(value[k]))
      fail(fn, `${key}[${JSON.stringify(k)}]`, 'text without lone surrogates (UTF-8 cannot hold them)', value[k])
  }
  return value as Record<string, string>
}

const dtypesCheck: Check<Record<string, string>> = (fn, key, value) => {
  if (!isPlainObject(value) || !Object.values(value).every(isString))
    return fail(fn, key, 'a plain object of dtype names', value)
  return value as Record<string, string>
}

/**
 * Writes a tree of tensors as a safetensors file, the format PyTorch, JAX and the Hugging Face hub
 * use for weights, following its specification: an 8-byte little-endian length, a UTF-8 JSON header
 * (`{ name: { dtype, shape, data_offsets: [begin, end] } }`, plus `__metadata__`) padded with spaces
 * to a multiple of 8 bytes, then each tensor's little-endian bytes, back to back. Tensors are laid
 * out as the reference writer (Python's `safetensors`, 0.8) lays them out: by dtype (widest first),
 * then by name; so a tree with at most one metadata entry gives the same bytes as `save_file`.
 *
 * Names are the tree's paths joined with dots, as in a PyTorch `state_dict`: `{ layers: [{ w, b }] }`
 * gives `layers.0.w` and `layers.0.b`. A key may itself hold dots (a flat record
 * `{ 'layers.0.w': t }` gives the same name). Empty objects and arrays hold no tensor and leave no
 * trace in the file.
 *
 * Everything is checked before anything is written: the tree (plain objects and arrays of tensors,
 * no name twice), the metadata (strings only) and the dtypes (a name of the tree, a dtype its values fit).
 *
 * @throws Error naming what is wrong: `saveSafetensors: tree at "layers.0.w" must be a tensor, a plain object or an array, got 3`,
 * `saveSafetensors: tensor "labels" holds 300 at index 2, which U8 cannot hold (it holds 0 to 255)`.
 * @example
 * ```ts
 * import { saveSafetensors } from '@gd/io'
 * import { tensor } from '@gd/tensor'
 * const bytes = saveSafetensors({ layers: [{ w: tensor([[1, 2]]), b: tensor([0]) }] }, { metadata: { format: 'pt' } })
 * bytes.length // 180: 8 + a 160-byte header + 12 bytes of float32 data
 * ```
 */
export function saveSafetensors(tree: Tree, options?: SaveSafetensorsOptions): Uint8Array {
  const fn = 'saveSafetensors'
  const tensors = flatten(fn, 'tree', tree)
  const o = readOptions(fn, options, { metadata: optional(metadataCheck), dtypes: optional(dtypesCheck) })
  if (!littleEndian()) throw new Error(`${fn}: needs a little-endian host, got big-endian`)
  const fileDtype = new Map<string, string>()
  for (const [name, t] of tensors) fileDtype.set(name, DEFAULT_FILE_DTYPE[t.dtype])
  const names = [...tensors.keys()]
  for (const name of Object.keys(o.dtypes ?? {})) {
    const t = tensors.get(name)
    if (t === undefined) throw unknownName(fn, name, names)
    const dtype = o.dtypes![name]!
    if (!WRITABLE[t.dtype].includes(dtype)) {
      throw new Error(
        `${fn}: options.dtypes[${quote(name)}] is ${show(dtype)}, but a ${t.dtype} tensor is written as ${WRITABLE[t.dtype].join(', ')}`,
      )
    }
    fileDtype.set(name, dtype)
  }
  const order = names.sort(
    (a, b) => WRITE_RANK[fileDtype.get(b)!]! - WRITE_RANK[fileDtype.get(a)!]! || byCodePoint(a, b),
  )
  const chunks: Uint8Array[] = []
  const header: Record<string, unknown> = {}
  if (o.metadata !== undefined) {
    const metadata: Record<string, string> = {}
    for (const k of Object.keys(o.metadata).sort(byCodePoint)) put(metadata, k, o.metadata[k]!)
    put(header, '__metadata__', metadata)
  }
  let at = 0
  for (const name of order) {
    const t = tensors.get(name) as Tensor
    const bytes = encodeTensor(fn, name, t, fileDtype.get(name)!)
    put(header, name, { dtype: fileDtype.get(name), shape: [...t.shape], data_offsets: [at, at + bytes.length] })
    chunks.push(bytes)
    at += bytes.length
  }
  const json = new TextEncoder().encode(JSON.stringify(header))
  const padded = Math.ceil(json.length / 8) * 8
  const out = new Uint8Array(8 + padded + at)
  const view = new DataView(out.buffer)
  view.setUint32(0, padded, true)
  view.setUint32(4, 0, true)
  out.set(json, 8)
  out.fill(0x20, 8 + json.length, 8 + padded)
  let offset = 8 + padded
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.length
  }
  return out
}
