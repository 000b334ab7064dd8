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
 * `options` holds all the options given; those read before this one have passed their checks.
 */
export type Check<T = any> = (fn: string, key: string, value: T, options?: any) => T

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
export function oneOf<const T extends string>(allowed: readonly T[]): Check<T> {
  const list = allowed.map(show)
  return rule(`${list.slice(0, -1).join(', ')} or ${list.at(-1)}`, (v) => allowed.includes(v))
}

/** A list (possibly empty) of strictly increasing positive integer steps, copied. */
export function increasingSteps(fn: string, key: string, value: readonly number[]): readonly number[] {
  const ok = Array.isArray(value) && value.every((b, i) => Number.isSafeInteger(b) && b > (value[i - 1] ?? 0))
  return ok ? [...value] : fail(fn, key, 'strictly increasing positive integers', value)
}

/**
 * A list with one item per piece, that is one more than the `boundaries` checked before it, each
 * passing `item`; copied. `noun` names one item in the message.
 */
export function onePerPiece<T>(noun: string, item: Check<T>): Check<readonly T[]> {
  return (fn, key, value, { boundaries }) => {
    const length = boundaries.length + 1
    if (!Array.isArray(value) || value.length !== length) {
      fail(fn, key, `a list of ${noun}s of length ${length} (one more than boundaries)`, value)
    }
    return value.map((v, i) => item(fn, `${key}[${i}]`, v))
  }
}

/**
 * How {@link readOptions} reads option `K`: `[K, check]` (required), `[K, check, default]` (the
 * default replaces a missing value) or `[K, check, undefined]` (optional: a missing value stays
 * undefined).
 */
export type Entry<T> = {
  [K in keyof T]-?:
    | readonly [K, Check<Exclude<T[K], undefined>>]
    | readonly [K, Check<Exclude<T[K], undefined>>, T[K]]
}[keyof T]

/** The value an entry reads: its check's type, or undefined too for an optional entry. */
type Value<E> = E extends readonly [unknown, Check<infer V>, undefined]
  ? V | undefined
  : E extends readonly [unknown, Check<infer V>, ...unknown[]]
    ? V
    : never

/**
 * `F` when its entries name every option of `T`; otherwise `never`, so a forgotten option is a
 * type error ("not assignable to parameter of type 'never'").
 */
type Complete<T, F extends readonly Entry<T>[]> = [Exclude<keyof T, F[number][0]>] extends [never] ? F : never

/**
 * Checks that `options` is a plain object whose keys all have an entry, so a misspelt option
 * fails loudly instead of silently taking its default (same message as @gd/optimizers). Then reads
 * the options in the order of `entries` and returns their values in that order, so the bundle
 * spells each option name once: the given value or the default (`??`), passed through the check.
 *
 * @example
 * ```ts
 * const [init, exponent] = readOptions('f', options, [['init', finite], ['exponent', positive, 1]])
 * ```
 */
export function readOptions<T extends object, const F extends readonly Entry<T>[]>(
  fn: string,
  options: T,
  entries: Complete<T, F>,
): { -readonly [I in keyof F]: Value<F[I]> } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail(fn, 'options', 'an object', options)
  }
  const keys: string[] = entries.map(([key]) => key as string)
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) throw new Error(`${fn}: unknown option ${key}, expected one of ${keys.join(', ')}`)
  }
  return entries.map(([key, check, ...fallback]) => {
    const value = (options as Record<string, unknown>)[key as string] ?? fallback[0]
    // A missing value stays undefined when the entry's default is `undefined` (optional).
    return value === undefined && fallback.length ? value : check(fn, key as string, value as never, options)
  }) as never
}
