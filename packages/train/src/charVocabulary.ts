import { arrayOf, boolean, complaint, fail, oneOf, readOptions, string, withDefault } from '@gd/check'
import { Tensor } from '@gd/tensor'

/** Options of {@link charVocabulary}. */
export interface CharVocabularyOptions {
  /**
   * Reserve an id for characters the texts did not have, so `encode` maps them to it instead of
   * throwing; `false` unless said otherwise.
   */
  unknown?: boolean
}

/** Options of {@link CharVocabulary.decode}. */
export interface DecodeOptions {
  /**
   * `'skip'` (default) leaves out the padding, begin and end ids and writes the unknown id as U+FFFD
   * (�); `'show'` writes every special id as its token (`<pad>`, `<begin>`, `<end>`, `<unknown>`).
   */
  specials?: 'skip' | 'show'
}

/**
 * A character vocabulary: ids for the Unicode code points of some texts, after four reserved ids.
 *
 * | id | token | use |
 * |---|---|---|
 * | 0 | `<pad>` | fills rows to a common length; give it to a loss as `ignoreIndex: vocab.padId` |
 * | 1 | `<begin>` | starts every text |
 * | 2 | `<end>` | ends every text; a sampler stops when it draws it |
 * | 3 | `<unknown>` | only with `unknown: true`: any character not in `characters` |
 * | then | each character | sorted by code point |
 */
export interface CharVocabulary {
  /** How many ids there are: the specials and the characters. A model's output width. */
  readonly size: number
  /** The token of each id: the specials' names, then the characters. */
  readonly tokens: readonly string[]
  /** The characters, one code point each, sorted by code point. `charVocabulary(characters)` rebuilds the same ids. */
  readonly characters: readonly string[]
  /** The padding id, 0: what the loss ignores (`ignoreIndex`). */
  readonly padId: number
  /** The begin-of-text id, 1. */
  readonly beginId: number
  /** The end-of-text id, 2. */
  readonly endId: number
  /** The unknown-character id (3) when the vocabulary has one, else `undefined`. */
  readonly unknownId: number | undefined
  /**
   * The ids of the characters of `text`, one per code point, without begin or end ids.
   * @throws Error naming the character and its position (in code points) when it is not in the
   *   vocabulary and there is no unknown id.
   */
  encode(text: string): number[]
  /** The text of `ids` (an array of integers or a rank-1 tensor); see {@link DecodeOptions} for the special ids. */
  decode(ids: readonly number[] | Tensor, options?: DecodeOptions): string
}

const SPECIALS = ['<pad>', '<begin>', '<end>'] as const
const UNKNOWN = '<unknown>'

/**
 * Builds the character vocabulary of `texts`: every distinct Unicode code point they hold (a
 * character outside the Basic Multilingual Plane is one character, not two UTF-16 halves), sorted by
 * code point after the reserved ids, so the same texts give the same ids on every machine, whatever
 * their order. See {@link CharVocabulary} for the ids.
 *
 * For a language model's loss, give the padding id to the loss as the label to ignore:
 * `softmaxCrossEntropy(logits, targets, { ignoreIndex: vocab.padId })`.
 *
 * @throws Error when `texts` is not an array of strings, or for bad options.
 * @example
 * ```ts
 * import { charVocabulary } from '@gd/train'
 * const vocab = charVocabulary(['anna', 'bob'])
 * vocab.size // 7: <pad>, <begin>, <end>, then a, b, n, o
 * vocab.encode('nab') // [5, 3, 4]
 * vocab.decode([1, 5, 3, 4, 2, 0]) // 'nab'
 * ```
 */
export function charVocabulary(texts: readonly string[], options?: CharVocabularyOptions): CharVocabulary {
  const fn = 'charVocabulary'
  arrayOf(string)(fn, 'texts', texts)
  const { unknown } = readOptions(fn, options, { unknown: withDefault(boolean, false) })
  const seen = new Set<string>()
  for (const text of texts) for (const c of text) seen.add(c)
  const characters = [...seen].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)
  const specials: string[] = unknown ? [...SPECIALS, UNKNOWN] : [...SPECIALS]
  const tokens = [...specials, ...characters]
  const ids = new Map(characters.map((c, i) => [c, specials.length + i]))
  const unknownId = unknown ? 3 : undefined
  const size = tokens.length

  const encode = (text: string): number[] => {
    const where = 'charVocabulary.encode'
    string(where, 'text', text)
    const out: number[] = []
    let position = 0
    for (const c of text) {
      const id = ids.get(c) ?? unknownId
      if (id === undefined) {
        const code = `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
        throw complaint(
          where,
          'text',
          `has ${JSON.stringify(c)} (${code}) at position ${position}, which is not in the vocabulary`,
          text,
          '; build the vocabulary from texts that have it, or pass unknown: true',
        )
      }
      out.push(id)
      position++
    }
    return out
  }

  const decode = (given: readonly number[] | Tensor, decodeOptions?: DecodeOptions): string => {
    const where = 'charVocabulary.decode'
    const list = idList(where, given)
    const { specials: mode } = readOptions(where, decodeOptions, {
      specials: withDefault(oneOf(['skip', 'show'] as const), 'skip'),
    })
    let out = ''
    for (let i = 0; i < list.length; i++) {
      const id = list[i]!
      if (!(Number.isInteger(id) && id >= 0 && id < size)) fail(where, `ids[${i}]`, `an integer in [0, ${size})`, id)
      if (id >= specials.length || mode === 'show') out += tokens[id]
      else if (id === unknownId) out += '\uFFFD'
    }
    return out
  }

  return { size, tokens, characters, padId: 0, beginId: 1, endId: 2, unknownId, encode, decode }
}

/** The ids given to `decode`: an array, or the values of a rank-1 tensor. */
function idList(fn: string, ids: unknown): ArrayLike<number> {
  if (ids instanceof Tensor) {
    if (ids.rank !== 1) fail(fn, 'ids', 'an array of ids or a rank-1 tensor', ids)
    return ids.data as ArrayLike<number>
  }
  if (!Array.isArray(ids)) fail(fn, 'ids', 'an array of ids or a rank-1 tensor', ids)
  return ids as number[]
}
