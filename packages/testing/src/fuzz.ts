/**
 * The project's own fuzz: from a valid call of every export, change one argument (or one option) at
 * a time and classify what happens. Every package runs it over its whole namespace in
 * `src/fuzz.test.ts` (see {@link fuzzSuite}).
 * @module
 */
import { show } from '@gd/check'
import { spoils } from './internal/fuzzSpoils.js'
import { canonical, changed, hash, hasNaN, sample, seeded, snapshot } from './internal/fuzzValues.js'

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
 * import { classifyThrow } from '@gd/testing'
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
 * import { fuzzExports } from '@gd/testing'
 * const api = { twice: (x: number) => { if (typeof x !== 'number') throw new Error(`twice: x must be a number, got ${String(x)}`); return 2 * x } }
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
      const valid = await run(() => (validArgs = [...row.args()]), slowMs).then((made) =>
        made.threw ? made : invoke(validArgs)(),
      )
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
        else if (spoil.sameResult && canonical(outcome.value) !== validCanonical)
          silent = 'returned another result than the valid call'
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
 * import { formatFuzzReports, fuzzExports } from '@gd/testing'
 * formatFuzzReports([await fuzzExports('toy', { twice: (x: number) => 2 * x }, { twice: { args: () => [3] } })])
 * // → 'package  calls  ok  clear  crash  silent  mutated  ms\n…'
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
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
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
