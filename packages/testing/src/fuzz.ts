/**
 * The project's own fuzz: from a valid call of every export, change one argument (or one option) at
 * a time and classify what happens. Every package runs it over its whole namespace in
 * `src/fuzz.test.ts` (see {@link fuzzSuite}).
 * @module
 */
import { isPlainObject, show } from '@gd/check'
import { full, Tensor } from '@gd/tensor'
import {
  basicBad,
  canonical,
  changed,
  hash,
  hasNaN,
  nearMisses,
  numberArrayBad,
  optionValueBad,
  sample,
  seeded,
  snapshot,
  tensorBad,
  type Bad,
} from './internal/fuzzValues.js'

/** One valid way to call an export, which the fuzz then spoils one argument at a time. */
export interface FuzzCall {
  /** Builds fresh valid arguments (called once per fuzzed call, so calls never share inputs). */
  readonly args: () => readonly unknown[]
  /** The positions of `args` that are options objects (tried with misspelt and unknown keys too). */
  readonly options?: readonly number[]
  /** Calls something other than the export itself, e.g. `(g, s) => adam().update(g, s)`. */
  readonly call?: (...args: any[]) => unknown
  /**
   * Uses what the call returned, e.g. `(schedule) => schedule(3)` or an optimizer's first update;
   * a throw here is classified like the call's own, and its result is checked for NaN.
   */
  readonly then?: (result: any) => unknown
  /** Positions never spoiled (say a callback whose garbage the call cannot detect), each with why. */
  readonly keep?: Readonly<Record<number, string>>
  /**
   * Spoilings not run because they hang or exhaust memory, by label (`arg 1 = 2**40`), each with why;
   * each counts as a crash until the export is fixed and the entry removed.
   */
  readonly avoid?: Readonly<Record<string, string>>
  /** Names the row in reports when an export has several (`sum(x, { axis })`). */
  readonly label?: string
  /** Cap on fuzzed calls of this row (default 400), drawn by a seed from the row's label. */
  readonly maxCalls?: number
}

/** An export left out of the fuzz, with the reason (a constant, a type-only helper, …). */
export interface FuzzExempt {
  readonly exempt: string
}

/** The fuzz table of a package: one entry per runtime export. */
export type FuzzTable = Readonly<Record<string, FuzzCall | readonly FuzzCall[] | FuzzExempt>>

/** How one call ended. */
export type FuzzClass = 'ok' | 'clear' | 'crash' | 'silent'

/** The counts of one package's fuzz. */
export interface FuzzCounts {
  calls: number
  ok: number
  clear: number
  crash: number
  silent: number
  mutated: number
}

/** One classified call, kept as an example in a report. */
export interface FuzzExample {
  /** The call, e.g. `sum(arg 0 = null)` or `fit({ epoch })`. */
  readonly call: string
  /** The message, or what was wrong (`returned NaN`, `accepted option epoch`). */
  readonly detail: string
}

/** What {@link fuzzExports} found for one package. */
export interface FuzzReport {
  readonly name: string
  readonly counts: FuzzCounts
  /** The first few examples of each bad class. */
  readonly examples: { readonly crash: FuzzExample[]; readonly silent: FuzzExample[]; readonly mutated: FuzzExample[] }
  /** Runtime exports without a row or exemption. */
  readonly missing: string[]
  /** Rows whose export no longer exists. */
  readonly stale: string[]
  /** Valid calls that did not succeed (the row or the export is wrong). */
  readonly broken: FuzzExample[]
  /** Milliseconds the whole run took. */
  readonly ms: number
}

/** Options of {@link fuzzExports}. */
export interface FuzzOptions {
  /** Examples kept per bad class (default 8). */
  readonly examples?: number
  /** A call taking longer than this many milliseconds is a crash (default 2000). */
  readonly slowMs?: number
  /** Told each call before it runs (to find a call that hangs or exhausts memory). */
  readonly trace?: (call: string) => void
}

/** `fn: …` (or `Class.method: …`, `adam(…).update: …`): the one shape of a @gd error message. */
const MESSAGE = /^[A-Za-z_$@][^\s:]*: \S/

/**
 * Classifies a throw: `clear` for an Error in the `fn: …` shape, `crash` for anything else.
 * @example
 * ```ts
 * classifyThrow(new Error('sum: axis must be an integer, got 1.5')).cls // 'clear'
 * classifyThrow(new TypeError("Cannot read properties of undefined (reading 'shape')")).cls // 'crash'
 * ```
 */
export function classifyThrow(error: unknown): { cls: 'clear' | 'crash'; detail: string } {
  if (!(error instanceof Error)) return { cls: 'crash', detail: `threw a non-Error: ${show(error)}` }
  const message = String(error.message)
  if (MESSAGE.test(message)) return { cls: 'clear', detail: message }
  return { cls: 'crash', detail: `${error.name}: ${message}` }
}

type Outcome = { threw: true; error: unknown; ms: number } | { threw: false; value: unknown; ms: number }

async function run(f: () => unknown, slowMs: number): Promise<Outcome> {
  const start = performance.now()
  try {
    let value = f()
    if (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') {
      let timer: ReturnType<typeof setTimeout> | undefined
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`fuzz timeout: still running after ${slowMs} ms`)), slowMs)
      })
      try {
        value = await Promise.race([value, timeout])
      } finally {
        clearTimeout(timer)
      }
    }
    return { threw: false, value, ms: performance.now() - start }
  } catch (error) {
    return { threw: true, error, ms: performance.now() - start }
  }
}

/** One planned spoiling of a valid call. */
interface Spoil {
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

function spoils(row: FuzzCall, valid: readonly unknown[]): Spoil[] {
  const out: Spoil[] = []
  const optionPositions = new Set(row.options ?? [])
  const trees = valid.filter((v, i) => !optionPositions.has(i) && isTree(v)).length
  valid.forEach((value, i) => {
    if (row.keep && i in row.keep) return
    const isOptions = optionPositions.has(i)
    for (const b of badFor(value)) {
      const made = b.make()
      // undefined, null and {} mean no options; a number is some exports' shorthand (constant(0.1))
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
    for (const key of keys) {
      for (const miss of nearMisses(key)) {
        if (keys.includes(miss)) continue
        out.push({ label: `option ${key} spelt ${miss}`, apply: replaceKey(key, miss), mustThrow: true, nanIsSilent: true })
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
    const changed = at < value.length >> 1 ? [] : [spoil(`one digit changed at ${at}`, () => value.slice(0, at) + ((Number(value[at]) + 1) % 10) + value.slice(at + 1))]
    return [...changed, spoil('cut in half', () => value.slice(0, value.length >> 1))]
  }
  if (value instanceof ArrayBuffer && value.byteLength >= 16) {
    const flipped = () => {
      const copy = value.slice(0)
      const bytes = new Uint8Array(copy)
      bytes[bytes.length >> 1]! ^= 1
      return copy
    }
    return [spoil(`byte ${value.byteLength >> 1} flipped`, flipped), spoil('cut in half', () => value.slice(0, value.byteLength >> 1))]
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
  const reorder: Spoil[] = !paired || Object.keys(value).length < 2 ? [] : [{
    label: 'tree keys in reverse order',
    apply: (args) => {
      const tree = args[i] as Record<string, unknown>
      args[i] = Object.fromEntries(Object.keys(tree).reverse().map((k) => [k, tree[k]]))
    },
    mustThrow: false,
    nanIsSilent: true,
    sameResult: true,
  }]
  return [
    ...reorder,
    edit(`leaf ${key} of size ${like.size + 1}`, (t) => (t[key] = full([like.size + 1], 1.25))),
    edit(`leaf ${key} as int32`, (t) => (t[key] = full(like.shape, 1, { dtype: 'int32' }))),
    edit(`without ${key}`, (t) => delete t[key]),
    edit('with an extra leaf fuzzExtra', (t) => (t.fuzzExtra = full(like.shape, 1.25))),
  ]
}

function isExempt(entry: FuzzCall | readonly FuzzCall[] | FuzzExempt): entry is FuzzExempt {
  return !Array.isArray(entry) && typeof (entry as FuzzExempt).exempt === 'string'
}

/** The rows of a table entry, as a list. */
function rowsOf(entry: FuzzCall | readonly FuzzCall[]): readonly FuzzCall[] {
  return Array.isArray(entry) ? entry : [entry as FuzzCall]
}

/**
 * Fuzzes every export of `api` from the valid calls in `table`: each valid call must succeed; then,
 * one argument at a time, the argument is replaced by each value of a catalogue (undefined, null,
 * NaN, ±Infinity, -1, 1.5, 2**40, '3', true, {}, [], [[]], a function, a symbol, and where a tensor
 * was, tensors of another dtype, shape and rank and a plain object that looks like one); an options
 * argument also gets each key misspelt (a letter dropped, a case swapped, an `s` added), each value
 * spoiled, and an unknown key. Each call is classified:
 * - `ok`: returned normally;
 * - `clear`: threw an Error whose message starts `fn: `;
 * - `crash`: threw anything else (an engine TypeError, a non-Error, a message without the `fn: `
 *   shape) or took longer than `slowMs`;
 * - `silent`: accepted a misspelt or unknown option or a non-object for options, or returned
 *   undefined or NaN for garbage where the valid call returned a value without NaN.
 *
 * Every input is deep-copied before a call; a call that throws and changed one counts as `mutated`.
 * Sampling is seeded by each row's label, so runs are repeatable.
 * @example
 * ```ts
 * const api = { twice: (x: number) => { if (typeof x !== 'number') throw new Error(`twice: x must be a number, got ${x}`); return 2 * x } }
 * const report = await fuzzExports('toy', api, { twice: { args: () => [3] } })
 * report.counts.crash // 0
 * ```
 */
export async function fuzzExports(
  name: string,
  api: Readonly<Record<string, unknown>>,
  table: FuzzTable,
  options: FuzzOptions = {},
): Promise<FuzzReport> {
  const keepExamples = options.examples ?? 8
  const slowMs = options.slowMs ?? 2000
  const start = performance.now()
  const counts: FuzzCounts = { calls: 0, ok: 0, clear: 0, crash: 0, silent: 0, mutated: 0 }
  const examples = { crash: [] as FuzzExample[], silent: [] as FuzzExample[], mutated: [] as FuzzExample[] }
  const note = (kind: keyof typeof examples, call: string, detail: string) => {
    if (examples[kind].length < keepExamples) examples[kind].push({ call, detail })
  }
  const runtime = Object.keys(api).filter((k) => api[k] !== undefined)
  const missing = runtime.filter((k) => !Object.hasOwn(table, k))
  const stale = Object.keys(table).filter((k) => !Object.hasOwn(api, k))
  const broken: FuzzExample[] = []

  for (const exportName of runtime) {
    const entry = table[exportName]
    if (entry === undefined || isExempt(entry)) continue
    for (const [r, row] of rowsOf(entry).entries()) {
      const label = row.label ?? (rowsOf(entry).length > 1 ? `${exportName} #${r}` : exportName)
      const target = row.call ?? (api[exportName] as (...a: unknown[]) => unknown)
      const invoke = (args: unknown[]) => async (): Promise<Outcome> => {
        const first = await run(() => target(...args), slowMs)
        if (first.threw || row.then === undefined) return first
        const second = await run(() => row.then!(first.value), slowMs)
        return { ...second, ms: second.ms + first.ms }
      }
      let validArgs: unknown[] = []
      const valid = await run(() => (validArgs = [...row.args()]), slowMs).then((made) => (made.threw ? made : invoke(validArgs)()))
      if (valid.threw) {
        broken.push({ call: `${label}(valid call)`, detail: classifyThrow(valid.error).detail })
        continue
      }
      const validNaN = hasNaN(valid.value)
      const validCanonical = canonical(valid.value)
      const validReturns = valid.value !== undefined
      const plan = sample(spoils(row, validArgs), row.maxCalls ?? 400, seeded(hash(`${name}/${label}`)))
      for (const spoil of plan) {
        const args = [...row.args()]
        spoil.apply(args)
        const call = `${label}(${spoil.label})`
        if (row.avoid && Object.hasOwn(row.avoid, spoil.label)) {
          counts.calls++
          counts.crash++
          note('crash', call, `not run: ${row.avoid[spoil.label]}`)
          continue
        }
        const before = args.map((a) => snapshot(a))
        if (options.trace !== undefined) options.trace(call)
        const outcome = await (await invoke(args))()
        counts.calls++
        if (outcome.ms > slowMs) {
          counts.crash++
          note('crash', call, `took ${Math.round(outcome.ms)} ms`)
          continue
        }
        if (outcome.threw) {
          const { cls, detail } = classifyThrow(outcome.error)
          counts[cls]++
          if (cls === 'crash') note('crash', call, detail)
          const where = args.map((a, i) => changed(before[i]!, a, `arg ${i}`)).find((d) => d !== undefined)
          if (where !== undefined) {
            counts.mutated++
            note('mutated', call, `${where} changed, then it threw: ${detail}`)
          }
          continue
        }
        let silent: string | undefined
        if (spoil.mustThrow) silent = 'accepted it'
        else if (validReturns && outcome.value === undefined) silent = 'returned undefined'
        else if (spoil.nanIsSilent && !validNaN && hasNaN(outcome.value)) silent = 'returned NaN'
        else if (spoil.sameResult && canonical(outcome.value) !== validCanonical) silent = 'returned another result than the valid call'
        if (silent === undefined) counts.ok++
        else {
          counts.silent++
          note('silent', call, silent)
        }
      }
    }
  }
  return { name, counts, examples, missing, stale, broken, ms: performance.now() - start }
}

/**
 * A readable table of fuzz reports, one package per line, then the first examples of each bad class.
 * @example
 * ```ts
 * formatFuzzReports([await fuzzExports('toy', { twice: (x: number) => 2 * x }, { twice: { args: () => [3] } })])
 * // 'package  calls  ok  clear  crash  silent  mutated  ms\n…'
 * ```
 */
export function formatFuzzReports(reports: readonly FuzzReport[]): string {
  const head = ['package', 'calls', 'ok', 'clear', 'crash', 'silent', 'mutated', 'ms']
  const rows = reports.map((r) => [
    r.name,
    ...(['calls', 'ok', 'clear', 'crash', 'silent', 'mutated'] as const).map((k) => String(r.counts[k])),
    String(Math.round(r.ms)),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  const lines = [line(head), ...rows.map(line)]
  for (const r of reports) {
    for (const kind of ['crash', 'silent', 'mutated'] as const) {
      if (r.examples[kind].length === 0) continue
      lines.push(`${r.name}: first ${kind} examples`)
      for (const e of r.examples[kind]) lines.push(`  ${e.call}: ${e.detail}`)
    }
    for (const e of r.broken) lines.push(`${r.name}: BROKEN valid call ${e.call}: ${e.detail}`)
    if (r.missing.length) lines.push(`${r.name}: exports without a fuzz row: ${r.missing.join(', ')}`)
    if (r.stale.length) lines.push(`${r.name}: rows for exports that no longer exist: ${r.stale.join(', ')}`)
  }
  return lines.join('\n')
}
