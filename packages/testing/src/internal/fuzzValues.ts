/**
 * The fuzz harness's value helpers: a seeded generator, deep snapshots of inputs (to see whether a
 * failing call wrote into them), NaN search in results, and the catalogue of bad values.
 * @module
 */
import { full, Tensor, type DType } from '@gd/tensor'

/** A small seeded generator (mulberry32): the same seed gives the same sequence on every machine. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A 32-bit hash of a string (FNV-1a), to seed each row from its label. */
export function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** At most `n` items of `list`, drawn without replacement by `random`, in their original order. */
export function sample<T>(list: readonly T[], n: number, random: () => number): T[] {
  if (list.length <= n) return [...list]
  const picked = list.map((item, i) => ({ item, i, key: random() }))
  picked.sort((a, b) => a.key - b.key)
  return picked
    .slice(0, n)
    .sort((a, b) => a.i - b.i)
    .map((p) => p.item)
}

/** What a snapshot records of a value: enough to tell whether anything reachable from it changed. */
export type Snap =
  | { kind: 'same'; value: unknown }
  | { kind: 'typed'; ref: unknown; values: number[] }
  | { kind: 'object'; ref: object; entries: [PropertyKey, Snap][] }
  | { kind: 'cycle'; ref: object }

const MAX_NODES = 20_000

/**
 * A deep snapshot of `value`: typed arrays by their elements, tensors by their public fields (dtype,
 * shape, strides, offset, storage), arrays, plain objects and other class instances (Vars, optimizer
 * state) by their own data properties, Maps by their entries.
 * Functions and primitives are kept by identity. Getters are never called.
 */
export function snapshot(value: unknown): Snap {
  const seen = new Set<object>()
  let nodes = 0
  const walk = (v: unknown, depth: number): Snap => {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function') || typeof v === 'function')
      return { kind: 'same', value: v }
    if (seen.has(v) || depth > 12 || ++nodes > MAX_NODES) return { kind: 'cycle', ref: v }
    seen.add(v)
    if (ArrayBuffer.isView(v)) {
      const values = v instanceof DataView ? [] : Array.from(v as unknown as ArrayLike<number>, Number)
      return { kind: 'typed', ref: v, values }
    }
    const entries: [PropertyKey, Snap][] = []
    if (v instanceof Tensor) {
      // a tensor by its public fields; its storage read without the getter, which throws on a released one
      const storage = (v as unknown as { _storage: unknown })._storage
      for (const [key, x] of [
        ['dtype', v.dtype],
        ['shape', v.shape],
        ['strides', v.strides],
        ['offset', v.offset],
        ['storage', storage],
      ] as const)
        entries.push([key, walk(x, depth + 1)])
      return { kind: 'object', ref: v, entries }
    }
    if (v instanceof Map) {
      let i = 0
      for (const [k, x] of v) entries.push([`key ${i}`, walk(k, depth + 1)], [`value ${i++}`, walk(x, depth + 1)])
    }
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key)
      if (d && 'value' in d) entries.push([key, walk(d.value, depth + 1)])
    }
    return { kind: 'object', ref: v, entries }
  }
  return walk(value, 0)
}

/** The path of the first difference between `before` and the value now, or undefined when nothing changed. */
export function changed(before: Snap, now: unknown, path = 'argument'): string | undefined {
  return differ(before, snapshot(now), path)
}

function differ(a: Snap, b: Snap, path: string): string | undefined {
  if (a.kind !== b.kind) return path
  switch (a.kind) {
    case 'same':
      return Object.is(a.value, (b as typeof a).value) ? undefined : path
    case 'cycle':
      return a.ref === (b as typeof a).ref ? undefined : path
    case 'typed': {
      const t = b as typeof a
      if (a.ref !== t.ref || a.values.length !== t.values.length) return path
      const i = a.values.findIndex((x, j) => !Object.is(x, t.values[j]))
      return i < 0 ? undefined : `${path}[${i}]`
    }
    case 'object': {
      const o = b as typeof a
      if (a.ref !== o.ref) return path
      if (a.entries.length !== o.entries.length) return `${path} (its keys)`
      for (let i = 0; i < a.entries.length; i++) {
        const [key, snap] = a.entries[i]!
        const [otherKey, other] = o.entries[i]!
        if (key !== otherKey) return `${path} (its keys)`
        const diff = differ(snap, other, `${path}.${String(key)}`)
        if (diff !== undefined) return diff
      }
      return undefined
    }
  }
}

/**
 * A text that two results share when they hold the same numbers in the same structure, whatever the
 * order of their objects' keys: tensors by dtype, shape and elements, plain objects with sorted keys.
 * Class instances other than tensors and functions print by kind only.
 */
export function canonical(value: unknown): string {
  const seen = new Set<object>()
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'number') return Object.is(v, -0) ? 0 : Number.isNaN(v) ? 'NaN' : v
    if (v === null || typeof v !== 'object')
      return typeof v === 'function' ? 'function' : typeof v === 'symbol' ? 'symbol' : v
    if (seen.has(v) || depth > 8) return 'cycle'
    seen.add(v)
    if (v instanceof Tensor)
      return { tensor: v.dtype, shape: v.shape, data: Array.from(v.data as ArrayLike<number>, Number) }
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, Number)
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1))
    const proto = Object.getPrototypeOf(v)
    if (proto !== Object.prototype && proto !== null) return `a ${(v as object).constructor?.name ?? 'object'}`
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, walk((v as Record<string, unknown>)[k], depth + 1)]),
    )
  }
  return JSON.stringify(walk(value, 0)) ?? 'undefined'
}

/** Whether a NaN can be reached from `value` (numbers, typed arrays, arrays, objects' own data). */
export function hasNaN(value: unknown): boolean {
  const seen = new Set<object>()
  let nodes = 0
  const walk = (v: unknown, depth: number): boolean => {
    if (typeof v === 'number') return Number.isNaN(v)
    if (v === null || typeof v !== 'object' || seen.has(v) || depth > 8 || ++nodes > MAX_NODES) return false
    seen.add(v)
    if (v instanceof Tensor) {
      if (v.dtype !== 'float32' && v.dtype !== 'float64') return false
      const data = v.data
      for (let i = 0; i < data.length; i++) if (Number.isNaN(data[i])) return true
      return false
    }
    if (ArrayBuffer.isView(v)) {
      if (!(v instanceof Float32Array || v instanceof Float64Array)) return false
      for (let i = 0; i < v.length; i++) if (Number.isNaN(v[i])) return true
      return false
    }
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key)
      if (d && 'value' in d && walk(d.value, depth + 1)) return true
    }
    return false
  }
  return walk(value, 0)
}

/** One replacement value with a short label for reports. */
export interface Bad {
  readonly label: string
  readonly make: () => unknown
}

const bad = (label: string, make: () => unknown): Bad => ({ label, make })

/** The values every argument position is tried with. */
export const basicBad: readonly Bad[] = [
  bad('undefined', () => undefined),
  bad('null', () => null),
  bad('NaN', () => NaN),
  bad('Infinity', () => Infinity),
  bad('-Infinity', () => -Infinity),
  bad('-1', () => -1),
  bad('1.5', () => 1.5),
  bad('2**40', () => 2 ** 40),
  bad("'3'", () => '3'),
  bad('true', () => true),
  bad('{}', () => ({})),
  bad('[]', () => []),
  bad('[[]]', () => [[]]),
  bad('a function', () => () => 1),
  bad('a symbol', () => Symbol('fuzz')),
]

/** The values an option's value is tried with (undefined is left out: it means the default). */
export const optionValueBad: readonly Bad[] = [
  bad('null', () => null),
  bad('NaN', () => NaN),
  bad('-1', () => -1),
  bad('1.5', () => 1.5),
  bad("'3'", () => '3'),
  bad('true', () => true),
  bad('{}', () => ({})),
  bad('a function', () => () => 1),
]

const tensorOf = (shape: readonly number[], dtype: DType): Tensor => full(shape, dtype === 'bool' ? 1 : 1.25, { dtype })

/** The tensor-shaped values tried where a tensor (or a Var around one) was. */
export function tensorBad(like: Tensor): Bad[] {
  const float = like.dtype === 'float32' || like.dtype === 'float64'
  const other: DType = float ? 'int32' : 'float32'
  const shape = like.shape
  const wider = shape.map((d) => d + 1)
  const out = [
    bad(`a ${other} tensor of shape [${shape.join(',')}]`, () => tensorOf(shape, other)),
    bad(`a bool tensor of shape [${shape.join(',')}]`, () => tensorOf(shape, 'bool')),
    bad(`a ${like.dtype} tensor of rank ${shape.length + 1}`, () => tensorOf([2, ...shape], like.dtype)),
    bad('a tensor-like plain object', () => ({
      shape: [...shape],
      dtype: like.dtype,
      size: like.size,
      data: new Float32Array(like.size),
      storage: new Float32Array(like.size),
      strides: [...like.strides],
      offset: 0,
    })),
  ]
  if (shape.length > 0) {
    out.push(bad(`a ${like.dtype} tensor of shape [${wider.join(',')}]`, () => tensorOf(wider, like.dtype)))
    out.push(bad(`a ${like.dtype} scalar tensor`, () => tensorOf([], like.dtype)))
  } else {
    out.push(bad(`a ${like.dtype} tensor of shape [3]`, () => tensorOf([3], like.dtype)))
  }
  return out
}

/** Extra values tried where an array of numbers (a shape, axes, a list of sizes) was. */
export function numberArrayBad(like: readonly number[]): Bad[] {
  if (like.length === 0) return [bad('[-1]', () => [-1]), bad('[1.5]', () => [1.5])]
  return [
    bad(`[${like.map(() => -1).join(',')}]`, () => like.map(() => -1)),
    bad(`[${like.map(() => 1.5).join(',')}]`, () => like.map(() => 1.5)),
    bad(`[${like.map(() => "'3'").join(',')}]`, () => like.map(() => '3')),
  ]
}

/** The near misses of an option name: its middle letter dropped, the case of a letter swapped, a final `s` added or dropped. */
export function nearMisses(key: string): string[] {
  const out = new Set<string>()
  const mid = Math.floor(key.length / 2)
  if (key.length > 2) out.add(key.slice(0, mid) + key.slice(mid + 1))
  const i = [...key].findIndex((c, j) => j > 0 && c !== c.toLowerCase())
  if (i > 0) out.add(key.slice(0, i) + key[i]!.toLowerCase() + key.slice(i + 1))
  else out.add(key[0]!.toUpperCase() + key.slice(1))
  out.add(key.endsWith('s') ? key.slice(0, -1) : `${key}s`)
  out.delete(key)
  return [...out]
}
