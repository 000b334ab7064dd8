import { charVocabulary, nextCharacterDataset } from '@gd/train'
import { firstNames } from '@gd/train/names'

/** The first names the examples' names task trains on: both lists, lower-cased, each name once, sorted (8,422 names). */
export function lowerCaseNames(): string[] {
  return firstNames({ lowercase: true })
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
 * `batch` names spread evenly over the sorted list (names i·⌊8422/batch⌋), encoded by
 * `@gd/train`'s `charVocabulary` and `nextCharacterDataset`: ids 0 pad, 1 begin, 2 end, then
 * the characters by code point ('-', 'a'…'z'); a row of x is `<begin> c₁ … c_L` and its row of y
 * `c₁ … c_L <end>`, padded to `time` positions (a name that does not fit is cut, as with
 * `truncate: true`). With time 16 every name fits (the longest has 15 characters).
 */
export function namesBatch(batch: number, time: number): NamesBatch {
  const names = lowerCaseNames()
  const stride = Math.floor(names.length / batch)
  const picked = Array.from({ length: batch }, (_, r) => names[r * stride]!)
  const vocab = charVocabulary(names)
  const data = nextCharacterDataset(picked, vocab, { blockSize: time, truncate: true })
  const x = data.x.data as Int32Array
  const y = data.y.data as Int32Array
  return { x, y, vocab: vocab.size, padId: vocab.padId, counted: y.filter((id) => id !== vocab.padId).length }
}
