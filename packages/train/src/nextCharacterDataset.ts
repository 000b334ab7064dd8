import { arrayOf, boolean, complaint, optional, positiveInteger, readOptions, string, withDefault } from '@gd/check'
import { Tensor } from '@gd/tensor'
import type { CharVocabulary } from './charVocabulary.js'
import type { Dataset } from './dataset.js'
import { encodeChecked, vocabularyArg } from './internal/vocabulary.js'

/** Options of {@link nextCharacterDataset}. */
export interface NextCharacterDatasetOptions {
  /** Positions per row; by default the longest text's length in code points + 1 (room for its begin id). */
  blockSize?: number
  /**
   * Cut a text whose characters and begin id do not fit in `blockSize` to its first `blockSize`
   * positions (its end id is then never a target); `false` (default) makes such a text an error.
   */
  truncate?: boolean
}

/**
 * The training data of a character language model: one row per text, read left to right.
 * A text of L characters c₁…c_L becomes the sequence `<begin> c₁ … c_L <end>`; its row of inputs
 * `x` is that sequence without its last id and its row of targets `y` the sequence without its
 * first id, so `y[t]` is the character that follows `x[0..t]`:
 *
 * ```
 * x: <begin>  a   n   n   a   <pad> …
 * y:    a     n   n   a  <end> <pad> …
 * ```
 *
 * Both are int32 `[texts.length, blockSize]`, filled after the text with the padding id. Give the
 * loss that id as the label to ignore (`softmaxCrossEntropy(logits, y, { ignoreIndex: vocab.padId })`),
 * so its mean is the loss per character (the end counting as one), in nats.
 *
 * @throws Error when `texts` is not a non-empty array of strings, `vocab` is not a vocabulary, a
 *   text has a character the vocabulary cannot encode, or a text does not fit in `blockSize`
 *   without `truncate: true`.
 * @example
 * ```ts
 * import { charVocabulary, nextCharacterDataset } from '@gd/train'
 * const vocab = charVocabulary(['ab', 'b'])
 * const data = nextCharacterDataset(['ab', 'b'], vocab) // blockSize 3
 * data.x.toArray() // [[1, 3, 4], [1, 4, 0]]
 * data.y.toArray() // [[3, 4, 2], [4, 2, 0]]
 * ```
 */
export function nextCharacterDataset(
  texts: readonly string[],
  vocab: CharVocabulary,
  options?: NextCharacterDatasetOptions,
): Dataset {
  const fn = 'nextCharacterDataset'
  arrayOf(string)(fn, 'texts', texts)
  if (texts.length === 0) throw complaint(fn, 'texts', 'must hold at least one text', texts)
  const { padId, beginId, endId } = vocabularyArg(fn, vocab)
  const { blockSize: given, truncate } = readOptions(fn, options, {
    blockSize: optional(positiveInteger),
    truncate: withDefault(boolean, false),
  })
  const encoded = texts.map((text, i) => encodeChecked(fn, vocab, text, `texts[${i}]`))
  const blockSize = given ?? encoded.reduce((most, ids) => Math.max(most, ids.length), 0) + 1
  if (!truncate) {
    const long = encoded.findIndex((ids) => ids.length + 1 > blockSize)
    if (long >= 0) {
      const need = encoded[long]!.length + 1
      throw complaint(
        fn,
        `texts[${long}]`,
        `needs a block of ${need} (its characters and the begin id)`,
        texts[long],
        `; blockSize is ${blockSize}: raise it or pass truncate: true`,
      )
    }
  }
  const x = new Int32Array(texts.length * blockSize).fill(padId)
  const y = new Int32Array(texts.length * blockSize).fill(padId)
  encoded.forEach((ids, row) => {
    const at = row * blockSize
    const length = Math.min(ids.length + 1, blockSize)
    x[at] = beginId
    for (let t = 1; t < length; t++) x[at + t] = ids[t - 1]!
    for (let t = 0; t < length; t++) y[at + t] = t < ids.length ? ids[t]! : endId
  })
  return { x: new Tensor(x, [texts.length, blockSize], 'int32'), y: new Tensor(y, [texts.length, blockSize], 'int32') }
}
