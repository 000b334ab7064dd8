// Option validation shared by every schedule. Internal: not re-exported from the package.
// Every message reads `<fn>: <option> must be <what>, got <value>`.

/** Formats a value for an error message: arrays as `[1,2]`, strings quoted, the rest as `String`. */
export function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(',')}]`
  if (typeof value === 'string') return `'${value}'`
  if (typeof value === 'function') return 'a function'
  return String(value)
}

/** Throws `<fn>: <key> must be <what>, got <value>`. */
export function fail(fn: string, key: string, what: string, value: unknown): never {
  throw new Error(`${fn}: ${key} must be ${what}, got ${show(value)}`)
}

/**
 * Checks one option of function `fn` and returns it, or throws `<fn>: <key> must be ..., got ...`.
 * `read` holds the options read before this one (see {@link readOptions}).
 */
export type Check<T = any> = (fn: string, key: string, value: T, read?: any) => T

/** A check that accepts the values `ok` approves and otherwise says they must be `what`. */
function rule<T>(what: string, ok: (value: T) => boolean): Check<T> {
  return (fn, key, value) => (ok(value) ? value : fail(fn, key, what, value))
}

// Number.isFinite and Number.isSafeInteger are false for anything but a number.
export const finite = /* @__PURE__ */ rule<number>('a finite number', Number.isFinite)
export const positive = /* @__PURE__ */ rule<number>('a positive finite number', (v) => Number.isFinite(v) && v > 0)
export const nonNegative = /* @__PURE__ */ rule<number>('a non-negative finite number', (v) => Number.isFinite(v) && v >= 0)
export const positiveInteger = /* @__PURE__ */ rule<number>('a positive integer', (v) => Number.isSafeInteger(v) && v > 0)
export const nonNegativeInteger = /* @__PURE__ */ rule<number>('a non-negative integer', (v) => Number.isSafeInteger(v) && v >= 0)
export const isBoolean = /* @__PURE__ */ rule<boolean>('a boolean', (v) => typeof v === 'boolean')
export const isFunction = /* @__PURE__ */ rule<any>('a function', (v) => typeof v === 'function')
export const isSchedule = /* @__PURE__ */ rule<any>('a schedule (a function of the step)', (v) => typeof v === 'function')

/** A number in the interval `interval`: a square bracket includes its end, a round one excludes it. */
export function inInterval(interval: '(0, 1)' | '(0, 1]' | '[0, 1]'): Check<number> {
  const closedLow = interval.startsWith('[')
  const closedHigh = interval.endsWith(']')
  return rule(
    `in ${interval}`,
    (v) => Number.isFinite(v) && (closedLow ? v >= 0 : v > 0) && (closedHigh ? v <= 1 : v < 1),
  )
}

/** One of the strings `allowed`; the message lists them as `'a', 'b' or 'c'`. */
export function oneOf<T extends string>(allowed: readonly T[]): Check<T> {
  const list = allowed.map(show)
  return rule(`${list.slice(0, -1).join(', ')} or ${list.at(-1)}`, (v) => allowed.includes(v))
}

/** A list (possibly empty) of strictly increasing positive integer steps, copied. */
export function increasingSteps(fn: string, key: string, value: readonly number[]): readonly number[] {
  const ok = Array.isArray(value) && value.every((b, i) => Number.isSafeInteger(b) && b > (value[i - 1] ?? 0))
  return ok ? [...value] : fail(fn, key, 'strictly increasing positive integers', value)
}

/**
 * A list with one item per piece, that is one more than the `boundaries` read before it, each
 * passing `item`; copied. `noun` names one item in the message.
 */
export function onePerPiece<T>(noun: string, item: Check<T>): Check<readonly T[]> {
  return (fn, key, value, { boundaries }) => {
    const length = boundaries.length + 1
    if (!Array.isArray(value) || value.length !== length) {
      fail(fn, key, `a list of ${length} ${noun}${length === 1 ? '' : 's'} (one more than boundaries)`, value)
    }
    return value.map((v, i) => item(fn, `${key}[${i}]`, v))
  }
}

/**
 * How {@link readOptions} reads one option: a check (required), `[check, default]` (the default
 * replaces a missing value) or `[check]` (optional: a missing value stays undefined).
 */
export type Field = Check | readonly [Check, unknown?]

/**
 * Checks that `options` is a plain object whose keys are all in `fields`, so a misspelt option
 * fails loudly instead of silently taking its default (same message as @gd/optimizers). Then reads
 * every field in order: the given value or its default (`??`), passed through its check, which
 * also sees the fields read before it.
 */
export function readOptions<T extends object>(
  fn: string,
  options: T,
  fields: { readonly [K in keyof T]-?: Field },
): Required<T> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail(fn, 'options', 'an object', options)
  }
  const keys = Object.keys(fields)
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) throw new Error(`${fn}: unknown option ${key}, expected one of ${keys.join(', ')}`)
  }
  const out: Record<string, unknown> = {}
  for (const key of keys) {
    const field: Field = (fields as Record<string, Field>)[key]!
    const optional = typeof field !== 'function'
    const [check, fallback] = optional ? field : [field]
    const value = (options as Record<string, unknown>)[key] ?? fallback
    out[key] = value === undefined && optional ? value : check(fn, key, value, out)
  }
  return out as Required<T>
}
