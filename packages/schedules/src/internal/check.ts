// Option validation shared by every schedule. Internal: not re-exported from the package.
// Every message reads `<fn>: <option> must be <what>, got <value>`.

/** Formats a value for an error message: arrays as `[1,2]`, strings quoted, the rest as `String`. */
export function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(',')}]`
  if (typeof value === 'string') return `'${value}'`
  if (typeof value === 'function') return 'a function'
  return String(value)
}

function fail(fn: string, key: string, what: string, value: unknown): never {
  throw new Error(`${fn}: ${key} must be ${what}, got ${show(value)}`)
}

/** Checks one option of function `fn` and returns it, or throws `<fn>: <key> must be ..., got ...`. */
export type Check<T = any> = (fn: string, key: string, value: T) => T

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
export const isSchedule = /* @__PURE__ */ rule<any>('a schedule (a function of the step)', (v) => typeof v === 'function')
/** Accepts anything: the caller checks the option itself. */
export const unchecked: Check = (_fn, _key, value) => value

/** A number in the interval `interval` (`(0, 1)`, `(0, 1]` or `[0, 1]`). */
export function inInterval(interval: '(0, 1)' | '(0, 1]' | '[0, 1]'): Check<number> {
  return rule(
    `in ${interval}`,
    (v) => typeof v === 'number' && v <= 1 && (interval === '[0, 1]' ? v >= 0 : v > 0) && (interval !== '(0, 1)' || v < 1),
  )
}

/** One of the strings `allowed`; the message lists them as `'a', 'b' or 'c'`. */
export function oneOf<T extends string>(allowed: readonly T[]): Check<T> {
  const list = allowed.map(show)
  const words = list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : `${list[0]}`
  return rule(words, (v) => allowed.includes(v))
}

/** A list (possibly empty) of strictly increasing positive integer steps, copied. */
export function increasingSteps(fn: string, key: string, value: readonly number[]): readonly number[] {
  const ok =
    Array.isArray(value) &&
    value.every((b, i) => Number.isSafeInteger(b) && b > 0 && (i === 0 || b > (value[i - 1] ?? 0)))
  if (!ok) fail(fn, key, 'strictly increasing positive integers', value)
  return [...value]
}

/** A list of exactly `length` finite numbers; `why` explains the length in the message. */
export function finiteList(
  fn: string,
  key: string,
  value: readonly number[],
  length: number,
  why: string,
): readonly number[] {
  if (!Array.isArray(value) || value.length !== length) {
    fail(fn, key, `a list of ${length} finite number${length === 1 ? '' : 's'} (${why})`, value)
  }
  value.forEach((v, i) => finite(fn, `${key}[${i}]`, v))
  return [...value]
}

/**
 * `options` must be a plain object whose keys are all in `keys`, so a misspelt option fails
 * loudly instead of silently taking its default (same message as @gd/optimizers).
 */
export function checkOptions<T extends object>(fn: string, options: T, keys: readonly string[]): T {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new Error(`${fn}: options must be an object, got ${show(options)}`)
  }
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) {
      throw new Error(`${fn}: unknown option ${key}, expected one of ${keys.join(', ')}`)
    }
  }
  return options
}

/** How {@link readOptions} reads one option: a check, or a check and the default for a missing value. */
export type Field = Check | readonly [Check, unknown]

/**
 * Checks `options` with {@link checkOptions} (the keys of `fields`, in order, are the known ones),
 * then reads every field in that order: the given value, or its default when missing (`??`), passed
 * through its check.
 */
export function readOptions<T extends object>(
  fn: string,
  options: T,
  fields: { readonly [K in keyof T]-?: Field },
): Required<T> {
  const keys = Object.keys(fields)
  checkOptions(fn, options, keys)
  const given = options as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const key of keys) {
    const field = (fields as Record<string, Field>)[key]!
    const [check, fallback] = typeof field === 'function' ? [field, undefined] : field
    out[key] = check(fn, key, given[key] ?? fallback)
  }
  return out as Required<T>
}
