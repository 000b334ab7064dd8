import { fail } from '@gd/check'
import type { Tree } from '@gd/tensor'
import { littleEndian } from './internal/dtypes.js'
import { headerLength, parseHeader } from './internal/header.js'
import { asBytes, checkNesting, checkPlan, finish, readLoadOptions } from './internal/read.js'

/** Options for {@link loadSafetensors} and {@link loadSafetensorsBlob}. */
export interface LoadSafetensorsOptions<T extends Tree = Tree> {
  /**
   * A tree the file must match, such as a model's `init(0)`: the file must hold exactly its tensors'
   * names, with the same shapes and the same dtypes once loaded, or the load fails listing every
   * difference (names missing from the file, names the template lacks, shapes and dtypes that differ).
   * The loaded tree then has the template's structure, empty objects and arrays included.
   */
  readonly like?: T
  /** Return the tensors as one flat record by name (`{ 'layers.0.w': t }`) instead of nesting them. Default false. */
  readonly flat?: boolean
}

/** What {@link loadSafetensors} returns. */
export interface LoadedSafetensors<T extends Tree = Tree> {
  /** The tensors, nested by their dotted names (or shaped like `options.like`, or flat). */
  readonly tree: T
  /** The header's `__metadata__` (empty when the file has none). */
  readonly metadata: Record<string, string>
  /** Each tensor's dtype in the file (`F32`, `I64`, …), by name: pass it to `saveSafetensors` to write the same dtypes. */
  readonly dtypes: Record<string, string>
}

/**
 * Reads a safetensors file from its bytes (a `Uint8Array`, a Node `Buffer`, an `ArrayBuffer` or any
 * typed-array view). Every tensor is copied out of the bytes, so the caller's buffer may be reused.
 *
 * dtypes: `F32`, `F16` and `BF16` load as float32 (the 16-bit ones converted exactly), `F64` as
 * float64, `BOOL` as bool (each byte must be 0 or 1), and the integers `I32`, `I64`, `U8`, `I8`,
 * `I16`, `U16`, `U32`, `U64` as int32, @gd's one integer dtype: a value outside int32's range
 * (possible in the 64-bit and U32 ones) is an error naming the tensor, the index and the value,
 * never a wrapped number. `dtypes` in the result keeps each tensor's file dtype.
 *
 * The tree: names are split at dots and nested (`layers.0.w` → `{ layers: [{ w }] }`), an object
 * whose keys are exactly 0, 1, …, n − 1 becoming an array; with `{ like }` the tree has the
 * template's structure instead, and with `{ flat: true }` it is one record by name.
 *
 * A damaged or hostile file is an error before any tensor is allocated: too short, a header length
 * past the end or over safetensors' 100 MB limit, a header that is not UTF-8 JSON, a name twice, an
 * unknown dtype, a shape whose size differs from its byte range, ranges that overlap, leave a hole
 * or run past the end, metadata that is not strings.
 *
 * @throws Error naming the problem: `loadSafetensors: the header length is 4096 bytes, but only 100 bytes follow the length (truncated, or not safetensors)`,
 * `loadSafetensors: the file does not match options.like (1 difference): layers.0.w: shape [3,2] in the file, [2,2] in the template`.
 * @example
 * ```ts
 * import { loadSafetensors, saveSafetensors } from '@gd/io'
 * import { tensor } from '@gd/tensor'
 * const bytes = saveSafetensors({ layers: [{ w: tensor([[1, 2]]) }] }, { metadata: { epoch: '3' } })
 * const { tree, metadata, dtypes } = loadSafetensors(bytes)
 * tree // { layers: [{ w: tensor([[1, 2]]) }] }
 * metadata // { epoch: '3' }
 * dtypes // { 'layers.0.w': 'F32' }
 * ```
 */
export function loadSafetensors<T extends Tree = Tree>(
  bytes: Uint8Array | ArrayBuffer,
  options?: LoadSafetensorsOptions<T>,
): LoadedSafetensors<T> {
  const fn = 'loadSafetensors'
  const all = asBytes(bytes)
  if (all === undefined) {
    const hint =
      typeof Blob !== 'undefined' && bytes instanceof Blob
        ? ' (for a Blob or File use loadSafetensorsBlob)'
        : typeof bytes === 'string'
          ? ' (for a file path use loadSafetensorsFile from @gd/io/node)'
          : ''
    return fail(fn, 'bytes', 'a Uint8Array, Buffer or ArrayBuffer', bytes, hint)
  }
  const o = readLoadOptions(fn, options)
  if (!littleEndian()) throw new Error(`${fn}: needs a little-endian host, got big-endian`)
  const n = headerLength(fn, all, all.length)
  const header = parseHeader(fn, all.subarray(8, 8 + n), all.length - 8 - n)
  checkPlan(fn, header, o)
  checkNesting(fn, header, o)
  return finish(fn, header, all.subarray(8 + n), o) as LoadedSafetensors<T>
}
