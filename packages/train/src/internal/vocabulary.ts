// Private: the check of a vocabulary argument, shared by nextCharacterDataset and sampleText.
import { complaint, fail, show } from '@gd/check'
import type { CharVocabulary } from '../charVocabulary.js'

/**
 * Checks that `vocab` looks like a {@link CharVocabulary}: an object with a positive integer `size`,
 * `padId`, `beginId` and `endId` in [0, size), an `unknownId` that is undefined or in [0, size), and
 * `encode` and `decode` functions. Reads every field once, before any use.
 */
export function vocabularyArg(fn: string, vocab: unknown): CharVocabulary {
  const expected = 'a vocabulary from charVocabulary'
  if (typeof vocab !== 'object' || vocab === null) fail(fn, 'vocab', expected, vocab)
  const v = vocab as Record<string, unknown>
  const { size } = v
  if (!(Number.isSafeInteger(size) && (size as number) > 0))
    fail(fn, 'vocab', expected, vocab, ` (its size must be a positive integer, got ${show(size)})`)
  const id = (key: string, value: unknown): void => {
    if (!(Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) < (size as number))) {
      fail(
        fn,
        'vocab',
        expected,
        vocab,
        ` (its ${key} must be an integer in [0, ${size as number}), got ${show(value)})`,
      )
    }
  }
  for (const key of ['padId', 'beginId', 'endId']) id(key, v[key])
  if (v.unknownId !== undefined) id('unknownId', v.unknownId)
  for (const key of ['encode', 'decode']) {
    if (typeof v[key] !== 'function') fail(fn, 'vocab', expected, vocab, ` (its ${key} must be a function)`)
  }
  return vocab as CharVocabulary
}

/**
 * `vocab.encode(text)`, checked: an error from encode is rethrown as `<fn>: <what> cannot be encoded
 * by vocab, got <text> (<its message>)`, and what encode returns must be an array of ids in [0, size).
 */
export function encodeChecked(fn: string, vocab: CharVocabulary, text: string, what: string): number[] {
  let ids: unknown
  try {
    ids = vocab.encode(text)
  } catch (error) {
    throw complaint(
      fn,
      what,
      'cannot be encoded by vocab',
      text,
      ` (${error instanceof Error ? error.message : show(error)})`,
    )
  }
  const size = vocab.size
  const ok = Array.isArray(ids) && ids.every((id) => Number.isSafeInteger(id) && id >= 0 && id < size)
  if (!ok) fail(fn, `vocab.encode(${what})`, `an array of ids in [0, ${size})`, ids)
  return ids as number[]
}
