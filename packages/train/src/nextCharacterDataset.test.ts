import { softmaxCrossEntropy } from '@gd/losses'
import { zeros } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { charVocabulary } from './charVocabulary.js'
import { nextCharacterDataset } from './nextCharacterDataset.js'

describe('nextCharacterDataset', () => {
  // ids: <pad> 0, <begin> 1, <end> 2, a 3, b 4, n 5, o 6
  const vocab = charVocabulary(['anna', 'bob'])

  it('makes inputs from <begin> and the text, targets from the text and <end>, padded', () => {
    const data = nextCharacterDataset(['anna', 'bob', ''], vocab)
    expect(data.x.dtype).toBe('int32')
    expect(data.y.dtype).toBe('int32')
    // blockSize = longest (4) + 1
    expect(data.x.toArray()).toEqual([
      [1, 3, 5, 5, 3],
      [1, 4, 6, 4, 0],
      [1, 0, 0, 0, 0],
    ])
    expect(data.y.toArray()).toEqual([
      [3, 5, 5, 3, 2],
      [4, 6, 4, 2, 0],
      [2, 0, 0, 0, 0],
    ])
  })

  it('pads to a given block size and cuts long texts only when asked to', () => {
    expect(nextCharacterDataset(['bob'], vocab, { blockSize: 6 }).y.toArray()).toEqual([[4, 6, 4, 2, 0, 0]])
    const cut = nextCharacterDataset(['anna', 'bob'], vocab, { blockSize: 3, truncate: true })
    expect(cut.x.toArray()).toEqual([
      [1, 3, 5],
      [1, 4, 6],
    ])
    expect(cut.y.toArray()).toEqual([
      [3, 5, 5],
      [4, 6, 4],
    ])
    // 'bob' needs exactly 4 positions: its end is the last target
    expect(nextCharacterDataset(['bob'], vocab, { blockSize: 4 }).y.toArray()).toEqual([[4, 6, 4, 2]])
    expect(() => nextCharacterDataset(['bob', 'anna'], vocab, { blockSize: 4 })).toThrow(
      'nextCharacterDataset: texts[1] needs a block of 5 (its characters and the begin id), got "anna"; blockSize is 4: raise it or pass truncate: true',
    )
  })

  it('gives a loss that ignores the padding: the mean is per character, the end counted', () => {
    const data = nextCharacterDataset(['anna', 'bob'], vocab)
    // uniform logits: every real target costs log 7; 5 + 4 targets, 1 padded one ignored
    const logits = zeros([2, 5, 7])
    const loss = softmaxCrossEntropy(logits, data.y, { ignoreIndex: vocab.padId })
    expect(loss.item()).toBeCloseTo(Math.log(7), 6)
    const summed = softmaxCrossEntropy(logits, data.y, { ignoreIndex: vocab.padId, reduction: 'sum' })
    expect(summed.item()).toBeCloseTo(9 * Math.log(7), 5)
  })

  it('rejects bad arguments with messages that say what was expected', () => {
    expect(() => nextCharacterDataset([], vocab)).toThrow(
      'nextCharacterDataset: texts must hold at least one text, got []',
    )
    expect(() => nextCharacterDataset('bob' as never, vocab)).toThrow(
      'nextCharacterDataset: texts must be an array, got "bob"',
    )
    expect(() => nextCharacterDataset([3] as never, vocab)).toThrow(
      'nextCharacterDataset: texts[0] must be a string, got 3',
    )
    expect(() => nextCharacterDataset(['bob'], {} as never)).toThrow(
      'nextCharacterDataset: vocab must be a vocabulary from charVocabulary, got {} (its size must be a positive integer, got undefined)',
    )
    expect(() => nextCharacterDataset(['bob'], { ...vocab, endId: 7 })).toThrow(
      '(its endId must be an integer in [0, 7), got 7)',
    )
    expect(() => nextCharacterDataset(['bob'], { ...vocab, encode: 1 } as never)).toThrow(
      '(its encode must be a function)',
    )
    expect(() => nextCharacterDataset(['bob', 'bé'], vocab)).toThrow(
      'nextCharacterDataset: texts[1] cannot be encoded by vocab, got "bé" (charVocabulary.encode: text has "é" (U+00E9) at position 1',
    )
    expect(() => nextCharacterDataset(['bob'], { ...vocab, encode: () => [3, 7] })).toThrow(
      'nextCharacterDataset: vocab.encode(texts[0]) must be an array of ids in [0, 7), got [3,7]',
    )
    expect(() => nextCharacterDataset(['bob'], vocab, { blockSize: 0 })).toThrow(
      'nextCharacterDataset: blockSize must be a positive integer, got 0',
    )
    expect(() => nextCharacterDataset(['bob'], vocab, { truncated: true } as never)).toThrow(
      'nextCharacterDataset: unknown option truncated, expected one of blockSize, truncate; did you mean truncate?',
    )
  })
})
