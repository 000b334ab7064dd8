// Readers for command-line flag values: each returns the parsed value or throws an Error that names
// the flag, what it must be and what it got, e.g. `--lr must be a positive number, got "-1"`.
import { didYouMean as closest } from '@gd/check'

/**
 * A mistake in the flags found only once a task has started (e.g. a schedule too long for the
 * steps the data gives): the command line prints its message like any other, without a stack.
 */
export class UsageError extends Error {}

/** `; did you mean <x>?` for a likely typo of one of `valid`, else nothing. */
export function didYouMean(word: string, valid: readonly string[], show: (w: string) => string = (w) => w): string {
  const near = closest(word, valid) // @gd/check's rule: one edit for words up to 4 letters, two for longer ones
  return near === undefined ? '' : `; did you mean ${show(near)}?`
}

/** One of the allowed words; a near miss gets a "did you mean". */
export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new Error(
      `${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}${didYouMean(value, allowed)}`,
    )
  }
  return value as T
}

/** A whole number ≥ 1; `expected` says so in the flag's own words (e.g. "full, 1 or a positive integer"). */
export function positiveInteger(flag: string, value: string, expected = 'a positive integer'): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 1)
    throw new Error(`${flag} must be ${expected}, got ${JSON.stringify(value)}`)
  return n
}

/** A whole number in [min, max]; the message gives the range and why (`because`). */
export function integerIn(flag: string, value: string, min: number, max: number, because = ''): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new Error(`${flag} must be an integer from ${min} to ${max}${because}, got ${JSON.stringify(value)}`)
  }
  return n
}

/** A whole number ≥ 0. */
export function nonNegativeInteger(flag: string, value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 0)
    throw new Error(`${flag} must be a non-negative integer, got ${JSON.stringify(value)}`)
  return n
}

/** A finite number > 0. */
export function positiveNumber(flag: string, value: string): number {
  const n = Number(value)
  if (!(n > 0) || !Number.isFinite(n))
    throw new Error(`${flag} must be a positive number, got ${JSON.stringify(value)}`)
  return n
}

/** A finite number ≥ 0. */
export function nonNegativeNumber(flag: string, value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !(n >= 0) || !Number.isFinite(n))
    throw new Error(`${flag} must be a non-negative number, got ${JSON.stringify(value)}`)
  return n
}
