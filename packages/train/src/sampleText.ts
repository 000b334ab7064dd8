import {
  complaint,
  func,
  nonNegative,
  nonNegativeInteger,
  optional,
  positiveInteger,
  readOptions,
  string,
  withDefault,
} from '@gd/check'
import { categorical, foldIn, Tensor, type PRNGKey } from '@gd/tensor'
import { checkKey } from '@gd/tensor/internal'
import type { CharVocabulary } from './charVocabulary.js'
import { encodeChecked, vocabularyArg } from './internal/vocabulary.js'

/** Options of {@link sampleText}. */
export interface SampleTextOptions {
  /** The random key of the draw (from `prngKey`); the same key gives the same text. Required. */
  key: PRNGKey
  /** The most characters drawn (the prefix not counted); 100 by default. */
  maxLength?: number
  /**
   * Divides the logits before the softmax: below 1 sharper, above 1 flatter; 1 by default. 0 takes
   * the most likely id at each step (the lowest id on a tie), with no randomness.
   */
  temperature?: number
  /** Text the sample starts with, after the begin id; it is part of the result. Empty by default. */
  prefix?: string
  /** Give `next` at most the last `blockSize` ids (a model with a fixed context); all of them by default. */
  blockSize?: number
}

/** What {@link sampleText}'s model returns: logits as a tensor, or a traced value holding one (a `Var`). */
export type NextLogits = Tensor | { readonly value: Tensor }

/**
 * Draws a text from a character language model, one character at a time. `next(ids)` gets the ids
 * so far (the begin id, then the prefix and the characters drawn) and returns logits whose last
 * axis has `vocab.size` entries; the last row is used (so a model's `[1, T, size]` output can be
 * returned as it is). The next id is drawn from softmax(logits / temperature) over the characters
 * and the end id (the padding, begin and unknown ids are never drawn); drawing the end id, or
 * `maxLength` characters, ends the text.
 *
 * Draw t is `categorical(foldIn(key, t), (logits − max) / temperature)` from @gd/tensor, in float64,
 * with −Infinity for the ids never drawn (max is the largest logit of an id that may be drawn), so a
 * key gives the same text on every machine.
 *
 * @returns The prefix and the characters drawn, without the begin and end ids.
 * @throws Error for bad arguments or options, and when `next` returns something other than float
 *   logits of the vocabulary's size, or NaN or +Infinity logits, or no finite logit for any id it may draw.
 * @example
 * ```ts
 * import { charVocabulary, sampleText } from '@gd/train'
 * import { prngKey, tensor } from '@gd/tensor'
 * const vocab = charVocabulary(['ab']) // <pad> 0, <begin> 1, <end> 2, a 3, b 4
 * // a model that always prefers 'a', and the end once it has three characters
 * const next = (ids: number[]) => tensor(ids.length < 4 ? [0, 0, 0, 5, 0] : [0, 0, 5, 0, 0])
 * sampleText(next, vocab, { key: prngKey(0), temperature: 0 }) // 'aaa'
 * ```
 */
export function sampleText(
  next: (ids: number[]) => NextLogits,
  vocab: CharVocabulary,
  options: SampleTextOptions,
): string {
  const fn = 'sampleText'
  func(fn, 'next', next)
  const { size, padId, beginId, endId, unknownId, decode } = vocabularyArg(fn, vocab)
  const { key, maxLength, temperature, prefix, blockSize } = readOptions(fn, options, {
    key: (where, _name, value) => checkKey(where, value as PRNGKey),
    maxLength: withDefault(nonNegativeInteger, 100),
    temperature: withDefault(nonNegative, 1),
    prefix: withDefault(string, ''),
    blockSize: optional(positiveInteger),
  })
  const ids = [beginId, ...encodeChecked(fn, vocab, prefix, 'prefix')]
  // the ids a draw may give: the characters and the end
  const drawable = new Uint8Array(size).fill(1)
  for (const id of [padId, beginId, unknownId]) if (id !== undefined && id !== endId) drawable[id] = 0
  const drawn: number[] = []
  for (let step = 0; step < maxLength; step++) {
    const logits = lastRow(fn, step, next(blockSize === undefined ? [...ids] : ids.slice(-blockSize)), size)
    const id =
      temperature === 0
        ? mostLikely(fn, step, logits, drawable)
        : draw(fn, step, logits, drawable, temperature, foldIn(key, step))
    if (id === endId) break
    ids.push(id)
    drawn.push(id)
  }
  return prefix + decode(drawn)
}

/** The last `size` logits of what `next` returned at `step`, after checking it. */
function lastRow(fn: string, step: number, out: unknown, size: number): ArrayLike<number> {
  const t = out instanceof Tensor ? out : (out as { value?: unknown } | null)?.value
  if (
    !(t instanceof Tensor) ||
    (t.dtype !== 'float32' && t.dtype !== 'float64') ||
    t.rank === 0 ||
    t.shape[t.rank - 1] !== size
  ) {
    throw complaint(
      fn,
      `next`,
      `must return float logits whose last axis has the vocabulary's ${size} entries (a Tensor or a Var)`,
      out,
      ` at step ${step}`,
    )
  }
  const data = t.data
  return data.subarray(data.length - size)
}

/** The drawable id with the largest logit, the lowest on a tie. */
function mostLikely(fn: string, step: number, logits: ArrayLike<number>, drawable: Uint8Array): number {
  let best = -1
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i]!
    if (Number.isNaN(z)) throw new Error(`${fn}: next returned a NaN logit for id ${i} at step ${step}`)
    if (drawable[i] && z > -Infinity && (best < 0 || z > logits[best]!)) best = i
  }
  if (best < 0) throw new Error(`${fn}: next gave every id it may draw a logit of -Infinity at step ${step}`)
  return best
}

/** Draws from softmax(logits / temperature) over the drawable ids with @gd/tensor's categorical. */
function draw(
  fn: string,
  step: number,
  logits: ArrayLike<number>,
  drawable: Uint8Array,
  temperature: number,
  key: PRNGKey,
): number {
  let max = -Infinity
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i]!
    if (Number.isNaN(z) || z === Infinity)
      throw new Error(`${fn}: next returned a logit of ${z} for id ${i} at step ${step}`)
    if (drawable[i] && z > max) max = z
  }
  if (max === -Infinity) throw new Error(`${fn}: next gave every id it may draw a logit of -Infinity at step ${step}`)
  // (z - max) / T ≤ 0: no overflow for a small temperature, and the most likely id's logit is 0
  const row = new Float64Array(logits.length)
  for (let i = 0; i < logits.length; i++) row[i] = drawable[i] ? (logits[i]! - max) / temperature : -Infinity
  return categorical(key, new Tensor(row, [row.length], 'float64')).data[0]!
}
