// Readers for command-line flag values: each returns the parsed value or throws an Error that names
// the flag, what it must be and what it got, e.g. `--lr must be a positive number, got "-1"`.

/**
 * A mistake in the flags found only once a task has started (e.g. a schedule too long for the
 * steps the data gives): the command line prints its message like any other, without a stack.
 */
export class UsageError extends Error {}

/**
 * Edit distance between `a` and `b` without case: insertions, deletions, substitutions and swaps of
 * neighbours each cost 1.
 */
function distance(a: string, b: string): number {
  a = a.toLowerCase()
  b = b.toLowerCase()
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)]
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const up = rows[i - 1]!
      let d = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1)
      row.push(d)
    }
    rows.push(row)
  }
  return rows[a.length]![b.length]!
}

/**
 * The word of `valid` closest to a misspelt `word`, when it is a likely typo: one edit away for
 * words up to 4 letters, two for longer ones; ties go to the first. The same rule as `didYouMean`
 * of @gd/check, which the demo does not depend on yet (it needs a `pnpm install`).
 */
export function closest(word: string, valid: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = word.length <= 4 ? 1 : 2
  for (const candidate of valid) {
    const d = distance(word, candidate)
    if (d === 0) return candidate
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

/** `; did you mean <x>?` for a likely typo of one of `valid`, else nothing. */
export function didYouMean(word: string, valid: readonly string[], show: (w: string) => string = (w) => w): string {
  const near = closest(word, valid)
  return near === undefined ? '' : `; did you mean ${show(near)}?`
}

/** One of the allowed words; a near miss gets a "did you mean". */
export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new Error(`${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}${didYouMean(value, allowed)}`)
  }
  return value as T
}

/** A whole number ≥ 1; `expected` says so in the flag's own words (e.g. "full, 1 or a positive integer"). */
export function positiveInteger(flag: string, value: string, expected = 'a positive integer'): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} must be ${expected}, got ${JSON.stringify(value)}`)
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
