/**
 * Edit distance between `a` and `b` (insertions, deletions, substitutions and swaps of neighbours
 * each cost 1), compared without case.
 */
function distance(a: string, b: string): number {
  a = a.toLowerCase()
  b = b.toLowerCase()
  // rows[i][j]: distance between the first i letters of a and the first j of b
  const rows: number[][] = []
  for (let i = 0; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j)
        continue
      }
      const up = rows[i - 1]!
      const same = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + same)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1)
      row.push(d)
    }
    rows.push(row)
  }
  return rows[a.length]![b.length]!
}

/**
 * The valid name closest to a misspelt `name`, when one is close enough to be a likely typo: a
 * different case, or at most one edit for names up to 4 letters, two for longer ones. Ties go to
 * the first in `valid`. Failing that, a valid name that `name` begins in whole camelCase words
 * (`mask` for `maskName`, `batch` for `batchSize`), the shortest if several.
 * @example
 * ```ts
 * import { didYouMean } from '@gd/check'
 * didYouMean('epoch', ['epochs', 'batchSize']) // 'epochs'
 * didYouMean('transposeb', ['transposeA', 'transposeB']) // 'transposeB'
 * didYouMean('mask', ['inputShape', 'maskName']) // 'maskName'
 * didYouMean('xyz', ['epochs']) // undefined
 * ```
 */
export function didYouMean(name: string, valid: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = name.length <= 4 ? 1 : 2
  for (const candidate of valid) {
    const d = distance(name, candidate)
    if (d === 0) return candidate
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = candidate
      bestDistance = d
    }
  }
  return best ?? firstWords(name, valid)
}

/** The shortest of `valid` that starts with `name` (at least 3 letters) followed by a capitalized word. */
function firstWords(name: string, valid: readonly string[]): string | undefined {
  if (name.length < 3) return undefined
  let best: string | undefined
  for (const candidate of valid) {
    const next = candidate[name.length]
    const boundary = next !== undefined && next >= 'A' && next <= 'Z'
    if (boundary && candidate.startsWith(name) && (best === undefined || candidate.length < best.length))
      best = candidate
  }
  return best
}
