// Readers for command-line flag values: each returns the parsed value or throws an Error that names
// the flag, what it must be and what it got, e.g. `--lr must be a positive number, got "-1"`.

/** One of the allowed words. */
export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new Error(`${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`)
  return value as T
}

/** A whole number ≥ 1; `expected` says so in the flag's own words (e.g. "full, 1 or a positive integer"). */
export function positiveInteger(flag: string, value: string, expected = 'a positive integer'): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} must be ${expected}, got ${JSON.stringify(value)}`)
  return n
}

/** A whole number ≥ 0. */
export function nonNegativeInteger(flag: string, value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, got ${JSON.stringify(value)}`)
  return n
}

/** A finite number > 0. */
export function positiveNumber(flag: string, value: string): number {
  const n = Number(value)
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`${flag} must be a positive number, got ${JSON.stringify(value)}`)
  return n
}

/** A finite number ≥ 0. */
export function nonNegativeNumber(flag: string, value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !(n >= 0) || !Number.isFinite(n)) throw new Error(`${flag} must be a non-negative number, got ${JSON.stringify(value)}`)
  return n
}
