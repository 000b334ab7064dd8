// Private: the steps every loader shares: options, a plan checked against the header, then the tensors.
import { boolean, didYouMean, optional, readOptions, withDefault, type Check } from '@gd/check'
import type { Tensor } from '@gd/tensor'
import { FILE_DTYPES } from './dtypes.js'
import { decodeEntry } from './decode.js'
import { quote, type Entry, type Header } from './header.js'
import { fill, flatRecord, flatten, nest, put } from './tree.js'

/** A template tree, checked as {@link flatten} does. */
const template: Check<unknown> = (fn, key, value) => {
  flatten(fn, `options.${key}`, value)
  return value
}

/** The options every loader reads. */
export interface ReadOptions {
  like: unknown
  flat: boolean
}

export function readLoadOptions(fn: string, options: unknown): ReadOptions {
  const o = readOptions(fn, options, { like: optional(template), flat: withDefault(boolean, false) })
  if (o.like !== undefined && o.flat)
    throw new Error(`${fn}: options.like and options.flat cannot both be given (like decides the tree's shape)`)
  return o
}

/** What a load returns. */
export interface Loaded {
  tree: unknown
  metadata: Record<string, string>
  dtypes: Record<string, string>
}

/**
 * Every difference between a file's tensors (from its header, before any is read) and a template's,
 * one line each: names missing from the file, names the template lacks, shapes and dtypes that differ.
 */
export function differences(
  entries: readonly Entry[],
  want: ReadonlyMap<string, Tensor>,
  other = 'the template',
): string[] {
  const out: string[] = []
  const byName = new Map(entries.map((e) => [e.name, e]))
  for (const [name, t] of want) {
    const e = byName.get(name)
    if (e === undefined) out.push(`${name}: missing from the file (${other} has ${t.dtype} [${t.shape.join(',')}])`)
    else if (e.shape.length !== t.shape.length || e.shape.some((d, i) => d !== t.shape[i])) {
      out.push(`${name}: shape [${e.shape.join(',')}] in the file, [${t.shape.join(',')}] in ${other}`)
    } else if (FILE_DTYPES[e.dtype]!.loadsAs !== t.dtype) {
      out.push(
        `${name}: dtype ${e.dtype} (loads as ${FILE_DTYPES[e.dtype]!.loadsAs}) in the file, ${t.dtype} in ${other}`,
      )
    }
  }
  for (const e of entries)
    if (!want.has(e.name)) out.push(`${e.name}: in the file (${e.dtype} [${e.shape.join(',')}]), not in ${other}`)
  return out
}

/** Checks the header against the options (the template, or that the names nest) before any tensor is read. */
export function checkPlan(fn: string, header: Header, options: ReadOptions): void {
  if (options.like !== undefined) {
    const diff = differences(header.entries, flatten(fn, 'options.like', options.like))
    if (diff.length > 0)
      throw new Error(
        `${fn}: the file does not match options.like (${diff.length} difference${diff.length > 1 ? 's' : ''}): ${diff.join('; ')}`,
      )
  }
}

/** Code-point order of two names (the byte order of their UTF-8, as the reference writer sorts). */
export const byCodePoint = (a: string, b: string): number => {
  const x = [...a]
  const y = [...b]
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!
    if (d !== 0) return d
  }
  return x.length - y.length
}

/** Every tensor of a checked header from `data` (the bytes after the header), by name in code-point order, and their file dtypes. */
export function decodeAll(
  fn: string,
  header: Header,
  data: Uint8Array,
): { tensors: Map<string, Tensor>; dtypes: Record<string, string> } {
  const entries = [...header.entries].sort((a, b) => byCodePoint(a.name, b.name))
  const tensors = new Map<string, Tensor>()
  const dtypes: Record<string, string> = {}
  for (const e of entries) {
    tensors.set(e.name, decodeEntry(fn, e, data.subarray(e.begin, e.end)))
    put(dtypes, e.name, e.dtype)
  }
  return { tensors, dtypes }
}

/** The tensors of a checked header from `data` (the bytes after the header), in the tree the options ask for. */
export function finish(fn: string, header: Header, data: Uint8Array, options: ReadOptions): Loaded {
  const { tensors, dtypes } = decodeAll(fn, header, data)
  const tree =
    options.like !== undefined ? fill(options.like, tensors) : options.flat ? flatRecord(tensors) : nest(fn, tensors)
  return { tree, metadata: header.metadata, dtypes }
}

/** Checks, before anything is read, that the names nest (only when neither like nor flat is given). */
export function checkNesting(fn: string, header: Header, options: ReadOptions): void {
  if (options.like !== undefined || options.flat) return
  const names = new Set(header.entries.map((e) => e.name))
  for (const name of names) {
    const parts = name.split('.')
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('.')
      if (names.has(prefix)) {
        throw new Error(
          `${fn}: the names ${quote(prefix)} and ${quote(name)} cannot both be in a nested tree (one is a tensor, the other inside it); pass { flat: true } or { like }`,
        )
      }
    }
  }
}

/** `key` of the `dtypes` option names no tensor of the tree: the message names the closest. */
export function unknownName(fn: string, key: string, names: readonly string[]): Error {
  const near = didYouMean(key, names)
  return new Error(
    `${fn}: options.dtypes names ${quote(key)}, which is no tensor of the tree${near === undefined ? '' : `; did you mean ${quote(near)}?`}`,
  )
}

/** The bytes of a buffer-like input, or undefined. */
export function asBytes(source: unknown): Uint8Array | undefined {
  // a plain Uint8Array view, also of a Node Buffer (whose slice() would not copy)
  if (source instanceof ArrayBuffer) return new Uint8Array(source)
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
  return undefined
}
