/**
 * @gd/io's Node entry: safetensors files by path. The main entry (`@gd/io`) never imports `node:fs`,
 * so it bundles for browsers; this one is for Node only.
 * @packageDocumentation
 */
import { fail, show } from '@gd/check'
import type { Tree } from '@gd/tensor'
import { open, writeFile } from 'node:fs/promises'
import type { LoadedSafetensors, LoadSafetensorsOptions } from './loadSafetensors.js'
import { saveSafetensors, type SaveSafetensorsOptions } from './saveSafetensors.js'
import { littleEndian } from './internal/dtypes.js'
import { headerLength, parseHeader } from './internal/header.js'
import { checkNesting, checkPlan, finish, readLoadOptions } from './internal/read.js'

export type { LoadedSafetensors, LoadSafetensorsOptions, SaveSafetensorsOptions }

/**
 * A file path: a string, or a `file:` URL object (typed by its `href` so the types need no
 * @types/node; at run time it must be a real `URL`).
 */
export type FilePath = string | { readonly href: string }

const isPath = (x: unknown): x is string | URL => (typeof x === 'string' && x.length > 0) || x instanceof URL

/**
 * Reads a safetensors file by path, as {@link index.loadSafetensors | loadSafetensors} reads bytes: it reads the 8-byte
 * length and the header first and checks them (against `options.like` too), and reads the tensors'
 * bytes only when they pass, so a damaged, hostile or mismatched file fails before its data is read.
 *
 * @throws Error for a file that cannot be read (`loadSafetensorsFile: cannot read "model.safetensors": ENOENT: no such file or directory, …`)
 * and every error of {@link index.loadSafetensors | loadSafetensors}.
 * @example
 * ```ts
 * import { loadSafetensorsFile, saveSafetensorsFile } from '@gd/io/node'
 * import { tensor } from '@gd/tensor'
 * await saveSafetensorsFile('weights.safetensors', { w: tensor([1, 2]) })
 * const { tree } = await loadSafetensorsFile('weights.safetensors')
 * tree // { w: tensor([1, 2]) }
 * ```
 */
export async function loadSafetensorsFile<T extends Tree = Tree>(
  path: FilePath,
  options?: LoadSafetensorsOptions<T>,
): Promise<LoadedSafetensors<T>> {
  const fn = 'loadSafetensorsFile'
  if (!isPath(path)) fail(fn, 'path', 'a file path (a non-empty string or a file: URL)', path)
  const o = readLoadOptions(fn, options)
  if (!littleEndian()) throw new Error(`${fn}: needs a little-endian host, got big-endian`)
  let file: Awaited<ReturnType<typeof open>>
  try {
    file = await open(path, 'r')
  } catch (e) {
    throw new Error(`${fn}: cannot read ${show(String(path))}: ${(e as Error).message}`)
  }
  try {
    const total = (await file.stat()).size
    const read = async (begin: number, end: number): Promise<Uint8Array> => {
      const out = new Uint8Array(end - begin)
      let at = 0
      while (at < out.length) {
        const { bytesRead } = await file.read(out, at, out.length - at, begin + at)
        if (bytesRead === 0)
          throw new Error(
            `${fn}: ${show(String(path))} ended at byte ${begin + at} while reading up to ${end} (did it change while being read?)`,
          )
        at += bytesRead
      }
      return out
    }
    const n = headerLength(fn, await read(0, Math.min(8, total)), total)
    const header = parseHeader(fn, await read(8, 8 + n), total - 8 - n)
    checkPlan(fn, header, o)
    checkNesting(fn, header, o)
    return finish(fn, header, await read(8 + n, total), o) as LoadedSafetensors<T>
  } finally {
    await file.close()
  }
}

/**
 * Writes a tree as a safetensors file at `path` (replacing it), with {@link saveSafetensors}'s
 * names, layout, options and checks; nothing is written when a check fails.
 *
 * @example
 * ```ts
 * import { saveSafetensorsFile } from '@gd/io/node'
 * import { tensor } from '@gd/tensor'
 * await saveSafetensorsFile('weights.safetensors', { w: tensor([1, 2]) }, { metadata: { step: '100' } })
 * // in Python: safetensors.torch.load_file('weights.safetensors')['w'] → tensor([1., 2.])
 * ```
 */
export async function saveSafetensorsFile(path: FilePath, tree: Tree, options?: SaveSafetensorsOptions): Promise<void> {
  const fn = 'saveSafetensorsFile'
  if (!isPath(path)) fail(fn, 'path', 'a file path (a non-empty string or a file: URL)', path)
  let bytes: Uint8Array
  try {
    bytes = saveSafetensors(tree, options)
  } catch (e) {
    throw new Error((e as Error).message.replace(/^saveSafetensors:/, `${fn}:`))
  }
  try {
    await writeFile(path, bytes)
  } catch (e) {
    throw new Error(`${fn}: cannot write ${show(String(path))}: ${(e as Error).message}`)
  }
}
