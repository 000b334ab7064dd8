/**
 * The fuzz harness's spoilings: each replaces one argument, one option or one leaf of a valid call,
 * and says what the call must then do.
 * @module
 */
import { isPlainObject } from '@gd/check'
import { full, Tensor } from '@gd/tensor'
import { basicBad, nearMisses, numberArrayBad, optionValueBad, tensorBad, type Bad } from './fuzzValues.js'

/** What {@link spoils} reads of a fuzz row: its options positions and the positions it keeps. */
export interface SpoiledRow {
  readonly options?: readonly number[]
  readonly keep?: Readonly<Record<number, string>>
}

/** One planned spoiling of a valid call. */
export interface Spoil {
  readonly label: string
  readonly apply: (args: unknown[]) => void
  /** A misspelt or unknown option name, or a non-object where options go: must be rejected. */
  readonly mustThrow: boolean
  /** A NaN in the result counts as silent (a non-number argument, or any bad option value). */
  readonly nanIsSilent: boolean
  /** The call must return what the valid call returned (the same tree with its keys in another order). */
  readonly sameResult?: boolean
}

function badFor(value: unknown): Bad[] {
  if (value instanceof Tensor) return [...basicBad, ...tensorBad(value)]
  const inner = value !== null && typeof value === 'object' ? (value as { value?: unknown }).value : undefined
  if (inner instanceof Tensor) return [...basicBad, ...tensorBad(inner)]
  if (Array.isArray(value) && value.length < 8 && value.every((v) => typeof v === 'number')) {
    return [...basicBad, ...numberArrayBad(value)]
  }
  if (typeof value === 'string') return [...basicBad, { label: "'bogus'", make: () => 'bogus' }]
  return [...basicBad]
}

/** Every spoiling of a row's valid arguments, in a fixed order. */
export function spoils(row: SpoiledRow, valid: readonly unknown[]): Spoil[] {
  const out: Spoil[] = []
  const optionPositions = new Set(row.options ?? [])
  const trees = valid.filter((v, i) => !optionPositions.has(i) && isTree(v)).length
  valid.forEach((value, i) => {
    if (row.keep && i in row.keep) return
    const isOptions = optionPositions.has(i)
    for (const b of badFor(value)) {
      const made = b.make()
      // undefined, null and {} mean no options; a number is some exports' shorthand (constantSchedule(0.1))
      const harmless = made === undefined || made === null || typeof made === 'number' || b.label === '{}'
      out.push({
        label: `arg ${i} = ${b.label}`,
        apply: (args) => {
          args[i] = b.make()
        },
        mustThrow: isOptions && !harmless,
        nanIsSilent: typeof made !== 'number',
      })
    }
    if (!isOptions) out.push(...treeSpoils(value, i, trees >= 2), ...payloadSpoils(value, i))
    if (!isOptions || value === null || typeof value !== 'object') return
    const keys = Object.keys(value)
    const replaceKey = (from: string, to: string) => (args: unknown[]) => {
      const o = { ...(args[i] as Record<string, unknown>) }
      const v = o[from]
      delete o[from]
      o[to] = v
      args[i] = o
    }
    // trees held by options (fit's params and data) are spoiled leaf by leaf too
    const optionTrees = keys.filter((k) => isTree((value as Record<string, unknown>)[k]))
    for (const key of optionTrees) {
      for (const inner of treeSpoils((value as Record<string, unknown>)[key], 0, optionTrees.length >= 2)) {
        out.push({
          ...inner,
          label: `option ${key}: ${inner.label}`,
          apply: (args) => {
            const o = { ...(args[i] as Record<string, unknown>) }
            const held = [o[key]]
            inner.apply(held)
            o[key] = held[0]
            args[i] = o
          },
        })
      }
    }
    for (const key of keys) {
      for (const miss of nearMisses(key)) {
        if (keys.includes(miss)) continue
        out.push({
          label: `option ${key} spelt ${miss}`,
          apply: replaceKey(key, miss),
          mustThrow: true,
          nanIsSilent: true,
        })
      }
      for (const b of optionValueBad) {
        out.push({
          label: `option ${key} = ${b.label}`,
          apply: (args) => {
            args[i] = { ...(args[i] as Record<string, unknown>), [key]: b.make() }
          },
          mustThrow: false,
          nanIsSilent: true,
        })
      }
    }
    out.push({
      label: 'unknown option fuzzBogus',
      apply: (args) => {
        args[i] = { ...(args[i] as Record<string, unknown>), fuzzBogus: 1 }
      },
      mustThrow: true,
      nanIsSilent: true,
    })
  })
  return out
}

/**
 * Where a serialized payload was (a string of 200 characters or more, or an ArrayBuffer: saved state,
 * a checkpoint), one digit or byte near the middle is changed and the payload is cut in half: loading
 * either must fail, never give other numbers.
 */
function payloadSpoils(value: unknown, i: number): Spoil[] {
  const spoil = (label: string, make: () => unknown): Spoil => ({
    label,
    apply: (args) => {
      args[i] = make()
    },
    mustThrow: true,
    nanIsSilent: true,
  })
  if (typeof value === 'string' && value.length >= 200) {
    const at = value.slice(value.length >> 1).search(/[0-9]/) + (value.length >> 1)
    const changed =
      at < value.length >> 1
        ? []
        : [
            spoil(
              `one digit changed at ${at}`,
              () => value.slice(0, at) + ((Number(value[at]) + 1) % 10) + value.slice(at + 1),
            ),
          ]
    return [...changed, spoil('cut in half', () => value.slice(0, value.length >> 1))]
  }
  if (value instanceof ArrayBuffer && value.byteLength >= 16) {
    const flipped = () => {
      const copy = value.slice(0)
      const bytes = new Uint8Array(copy)
      bytes[bytes.length >> 1]! ^= 1
      return copy
    }
    return [
      spoil(`byte ${value.byteLength >> 1} flipped`, flipped),
      spoil('cut in half', () => value.slice(0, value.byteLength >> 1)),
    ]
  }
  return []
}

/** A plain object holding a tensor: a parameter, gradient or update tree. */
function isTree(value: unknown): boolean {
  return isPlainObject(value) && Object.values(value).some((v) => v instanceof Tensor)
}

/**
 * Where a plain object holds tensors (a parameter or gradient tree), its last tensor leaf is swapped
 * for one of another size and for an int32 one, that key is dropped, and a key is added: a step must
 * refuse each before it writes anything. Where the call pairs it with another tree, its keys are also
 * given in reverse order, and the result must not change.
 */
function treeSpoils(value: unknown, i: number, paired: boolean): Spoil[] {
  if (!isPlainObject(value)) return []
  const key = Object.keys(value)
    .filter((k) => value[k] instanceof Tensor)
    .at(-1)
  if (key === undefined) return []
  const like = value[key] as Tensor
  const edit = (label: string, change: (tree: Record<string, unknown>) => void): Spoil => ({
    label: `tree ${label}`,
    apply: (args) => {
      const tree = { ...(args[i] as Record<string, unknown>) }
      change(tree)
      args[i] = tree
    },
    mustThrow: false,
    nanIsSilent: true,
  })
  // paired with another tree (grads with params, updates with params): the same keys in another
  // order must give the same result, or leaves were paired by position, not by key
  const reorder: Spoil[] =
    !paired || Object.keys(value).length < 2
      ? []
      : [
          {
            label: 'tree keys in reverse order',
            apply: (args) => {
              const tree = args[i] as Record<string, unknown>
              args[i] = Object.fromEntries(
                Object.keys(tree)
                  .reverse()
                  .map((k) => [k, tree[k]]),
              )
            },
            mustThrow: false,
            nanIsSilent: true,
            sameResult: true,
          },
        ]
  return [
    ...reorder,
    edit(`leaf ${key} of size ${like.size + 1}`, (t) => (t[key] = full([like.size + 1], 1.25))),
    edit(`leaf ${key} as int32`, (t) => (t[key] = full(like.shape, 1, { dtype: 'int32' }))),
    edit(`without ${key}`, (t) => delete t[key]),
    edit('with an extra leaf fuzzExtra', (t) => (t.fuzzExtra = full(like.shape, 1.25))),
  ]
}
