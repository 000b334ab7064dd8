import { fail } from '@gd/check'
import type { Tree } from '@gd/tensor'
import type { LoadedSafetensors, LoadSafetensorsOptions } from './loadSafetensors.js'
import { littleEndian } from './internal/dtypes.js'
import { headerLength, parseHeader } from './internal/header.js'
import { checkNesting, checkPlan, finish, readLoadOptions } from './internal/read.js'

/**
 * What {@link loadSafetensorsBlob} reads: a `Blob` or a `File`. Written out here (the methods it uses)
 * so the types need neither the DOM library nor @types/node; at run time it must be a real `Blob`.
 */
export interface BlobLike {
  readonly size: number
  slice(start?: number, end?: number): { arrayBuffer(): Promise<ArrayBuffer> }
}

/**
 * {@link loadSafetensors} for a `Blob` or a `File` (from an `<input type="file">`, a drop, or
 * `fetch(url).then((r) => r.blob())`): reads the 8-byte length, then the header, checks both (and the
 * template of `options.like`) and only then reads the tensors' bytes, so a damaged or mismatched file
 * fails before its data is read into memory. Same options, result and errors as {@link loadSafetensors}.
 *
 * @example
 * ```ts
 * import { loadSafetensorsBlob, saveSafetensors } from '@gd/io'
 * import { tensor } from '@gd/tensor'
 * const file = new Blob([saveSafetensors({ w: tensor([1, 2]) })])
 * const { tree } = await loadSafetensorsBlob(file)
 * tree // { w: tensor([1, 2]) }
 * ```
 */
export async function loadSafetensorsBlob<T extends Tree = Tree>(
  blob: BlobLike,
  options?: LoadSafetensorsOptions<T>,
): Promise<LoadedSafetensors<T>> {
  const fn = 'loadSafetensorsBlob'
  if (typeof Blob === 'undefined' || !(blob instanceof Blob)) fail(fn, 'blob', 'a Blob or File', blob)
  const o = readLoadOptions(fn, options)
  if (!littleEndian()) throw new Error(`${fn}: needs a little-endian host, got big-endian`)
  const total = blob.size
  const read = async (begin: number, end: number) => new Uint8Array(await blob.slice(begin, end).arrayBuffer())
  const n = headerLength(fn, await read(0, 8), total)
  const header = parseHeader(fn, await read(8, 8 + n), total - 8 - n)
  checkPlan(fn, header, o)
  checkNesting(fn, header, o)
  return finish(fn, header, await read(8 + n, total), o) as LoadedSafetensors<T>
}
