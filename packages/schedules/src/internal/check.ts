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

export function finite(fn: string, key: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(fn, key, 'a finite number', value)
  return value
}

export function positive(fn: string, key: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(fn, key, 'a positive finite number', value)
  }
  return value
}

export function nonNegative(fn: string, key: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(fn, key, 'a non-negative finite number', value)
  }
  return value
}

export function positiveInteger(fn: string, key: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) fail(fn, key, 'a positive integer', value)
  return value
}

export function nonNegativeInteger(fn: string, key: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) fail(fn, key, 'a non-negative integer', value)
  return value
}

/** `value` in the interval `(low, high]` (or `[low, high]` etc., as `interval` says). */
export function inInterval(
  fn: string,
  key: string,
  value: number,
  interval: '(0, 1)' | '(0, 1]' | '[0, 1]',
): number {
  const ok =
    typeof value === 'number' &&
    value <= 1 &&
    (interval === '[0, 1]' ? value >= 0 : value > 0) &&
    (interval !== '(0, 1)' || value < 1)
  if (!ok) fail(fn, key, `in ${interval}`, value)
  return value
}

export function oneOf<T extends string>(fn: string, key: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    const list = allowed.map(show)
    const words = list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : `${list[0]}`
    fail(fn, key, words, value)
  }
  return value
}

export function isBoolean(fn: string, key: string, value: boolean): boolean {
  if (typeof value !== 'boolean') fail(fn, key, 'a boolean', value)
  return value
}

export function isSchedule<F>(fn: string, key: string, value: F): F {
  if (typeof value !== 'function') fail(fn, key, 'a schedule (a function of the step)', value)
  return value
}

/** A list of strictly increasing positive integer steps (may be empty unless `nonEmpty`). */
export function increasingSteps(
  fn: string,
  key: string,
  value: readonly number[],
  nonEmpty = false,
): readonly number[] {
  const ok =
    Array.isArray(value) &&
    (!nonEmpty || value.length > 0) &&
    value.every((b, i) => Number.isSafeInteger(b) && b > 0 && (i === 0 || b > (value[i - 1] ?? 0)))
  if (!ok) {
    const what = `${nonEmpty ? 'a non-empty list of' : ''} strictly increasing positive integers`
    fail(fn, key, what.trim(), value)
  }
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
export function checkOptions<T extends object>(fn: string, options: T, keys: readonly (keyof T & string)[]): T {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new Error(`${fn}: options must be an object, got ${show(options)}`)
  }
  for (const key of Object.keys(options)) {
    if (!(keys as readonly string[]).includes(key)) {
      throw new Error(`${fn}: unknown option ${key}, expected one of ${keys.join(', ')}`)
    }
  }
  return options
}
