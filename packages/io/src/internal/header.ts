// Private: reading and checking a safetensors header before any tensor is allocated.
import { show } from '@gd/check'
import { FILE_DTYPES, UNSUPPORTED_DTYPES } from './dtypes.js'

/** The largest header safetensors accepts (its Rust core's limit), in bytes. */
export const MAX_HEADER_BYTES = 100_000_000

/** The most elements a @gd tensor holds (@gd/tensor's MAX_ELEMENTS). */
const MAX_ELEMENTS = 2147483647

/** One tensor of a checked header. */
export interface Entry {
  readonly name: string
  readonly dtype: string
  readonly shape: readonly number[]
  readonly begin: number
  readonly end: number
}

/** A checked header: the tensors (in the order of their data) and the metadata. */
export interface Header {
  readonly entries: readonly Entry[]
  readonly metadata: Record<string, string>
}

/**
 * The length of the header from the first 8 bytes of a file of `total` bytes (a little-endian u64),
 * checked against the file's size and safetensors' limit.
 */
export function headerLength(fn: string, first: Uint8Array, total: number): number {
  if (total < 8)
    throw new Error(
      `${fn}: the file is ${total} bytes, too short for the 8-byte header length (truncated, or not safetensors)`,
    )
  const view = new DataView(first.buffer, first.byteOffset, 8)
  const low = view.getUint32(0, true)
  const high = view.getUint32(4, true)
  const n = high * 4294967296 + low
  if (n > MAX_HEADER_BYTES) {
    throw new Error(
      `${fn}: the header length is ${n} bytes, more than the ${MAX_HEADER_BYTES} safetensors allows (damaged, or not safetensors)`,
    )
  }
  if (n < 2)
    throw new Error(`${fn}: the header length is ${n} bytes, too short for a JSON object (damaged, or not safetensors)`)
  if (8 + n > total) {
    throw new Error(
      `${fn}: the header length is ${n} bytes, but only ${total - 8} bytes follow the length (truncated, or not safetensors)`,
    )
  }
  return n
}

/**
 * The first key that appears twice in one object of the JSON `text` (which JSON.parse would
 * silently keep only once), with where it is; undefined when there is none. Assumes nothing about
 * validity: JSON.parse runs after and reports bad syntax.
 */
export function duplicateKey(text: string): string | undefined {
  const stack: (Set<string> | null)[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (c === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1
      const token = text.slice(i, j + 1)
      i = j + 1
      const keys = stack.at(-1)
      if (keys) {
        let k = i
        while (k < text.length && (text[k] === ' ' || text[k] === '\n' || text[k] === '\r' || text[k] === '\t')) k++
        if (text[k] === ':') {
          let key: string
          try {
            key = JSON.parse(token) as string
          } catch {
            return undefined // bad syntax: JSON.parse says so
          }
          if (keys.has(key)) return key
          keys.add(key)
        }
      }
      continue
    }
    if (c === '{') stack.push(new Set())
    else if (c === '[') stack.push(null)
    else if (c === '}' || c === ']') stack.pop()
    i++
  }
  return undefined
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0

/** `"name"` as names print in messages. */
export const quote = (name: string): string => show(name)

/**
 * Parses and checks the header bytes of a file whose data (everything after the header) is
 * `dataLength` bytes: UTF-8 JSON of one object, no key twice, `__metadata__` a map of strings, every
 * tensor a known dtype with a shape whose size matches its `data_offsets`, and the tensors' byte
 * ranges covering the data exactly: no overlap, no hole, nothing past the end.
 */
export function parseHeader(fn: string, bytes: Uint8Array, dataLength: number): Header {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    throw new Error(`${fn}: the header is not valid UTF-8 (damaged, or not safetensors)`)
  }
  if (text[0] !== '{')
    throw new Error(
      `${fn}: the header must be a JSON object starting with "{", got ${show(text.slice(0, 20))} (not safetensors)`,
    )
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new Error(`${fn}: the header is not valid JSON (damaged or truncated)`)
  }
  const twice = duplicateKey(text)
  if (twice !== undefined) throw new Error(`${fn}: the header names ${quote(twice)} twice`)
  if (!isObject(json)) throw new Error(`${fn}: the header must be a JSON object, got ${show(json)}`)
  const metadata: Record<string, string> = {}
  const entries: Entry[] = []
  for (const name of Object.keys(json)) {
    const info = json[name]
    if (name === '__metadata__') {
      if (info === null) continue
      if (!isObject(info)) throw new Error(`${fn}: __metadata__ must map strings to strings, got ${show(info)}`)
      for (const key of Object.keys(info)) {
        if (typeof info[key] !== 'string')
          throw new Error(`${fn}: __metadata__ must map strings to strings, got ${show(info[key])} for ${quote(key)}`)
        Object.defineProperty(metadata, key, { value: info[key], enumerable: true, writable: true, configurable: true })
      }
      continue
    }
    const what = `tensor ${quote(name)}`
    if (!isObject(info))
      throw new Error(`${fn}: ${what} must be described by { dtype, shape, data_offsets }, got ${show(info)}`)
    const { dtype, shape, data_offsets: offsets } = info
    if (typeof dtype !== 'string' || !Object.hasOwn(FILE_DTYPES, dtype)) {
      const known = Object.keys(FILE_DTYPES).join(', ')
      if (typeof dtype === 'string' && UNSUPPORTED_DTYPES.includes(dtype)) {
        throw new Error(`${fn}: ${what} has dtype ${dtype}, which @gd does not read; it reads ${known}`)
      }
      throw new Error(`${fn}: ${what} has an unknown dtype ${show(dtype)}, expected one of ${known}`)
    }
    if (!Array.isArray(shape) || !shape.every(isCount))
      throw new Error(`${fn}: ${what} has shape ${show(shape)}, expected non-negative integers`)
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every(isCount) ||
      (offsets[0] as number) > (offsets[1] as number)
    ) {
      throw new Error(`${fn}: ${what} has data_offsets ${show(offsets)}, expected [begin, end] with 0 ≤ begin ≤ end`)
    }
    const [begin, end] = offsets as [number, number]
    if (end > dataLength) {
      throw new Error(
        `${fn}: ${what} has data_offsets [${begin},${end}], past the end of the ${dataLength} data bytes (truncated?)`,
      )
    }
    // a double: a hostile shape gives a huge (or infinite) size, which cannot match the byte range
    let size = 1
    for (const d of shape as number[]) size *= d
    const { bytes: width } = FILE_DTYPES[dtype]!
    if (size * width !== end - begin) {
      throw new Error(
        `${fn}: ${what} of dtype ${dtype} and shape ${show(shape)} needs ${size * width} bytes, its data_offsets [${begin},${end}] hold ${end - begin}`,
      )
    }
    if (size > MAX_ELEMENTS)
      throw new Error(`${fn}: ${what} has ${size} elements, more than a @gd tensor holds (${MAX_ELEMENTS})`)
    entries.push({ name, dtype, shape: shape as number[], begin, end })
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end)
  let at = 0
  let previous: Entry | undefined
  for (const e of entries) {
    if (e.begin < at) {
      throw new Error(
        `${fn}: tensors ${quote(previous!.name)} [${previous!.begin},${previous!.end}] and ${quote(e.name)} [${e.begin},${e.end}] overlap`,
      )
    }
    if (e.begin > at) {
      throw new Error(`${fn}: data bytes ${at}..${e.begin} belong to no tensor (a hole before ${quote(e.name)})`)
    }
    at = e.end
    previous = e
  }
  if (at !== dataLength)
    throw new Error(
      `${fn}: data bytes ${at}..${dataLength} belong to no tensor (the tensors end at byte ${at} of ${dataLength})`,
    )
  return { entries, metadata }
}
