import { tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { charVocabulary } from './charVocabulary.js'

describe('charVocabulary', () => {
  it('gives the specials 0, 1, 2 and the characters sorted by code point after them', () => {
    const vocab = charVocabulary(['bob', 'anna'])
    expect(vocab.tokens).toEqual(['<pad>', '<begin>', '<end>', 'a', 'b', 'n', 'o'])
    expect(vocab.characters).toEqual(['a', 'b', 'n', 'o'])
    expect([vocab.size, vocab.padId, vocab.beginId, vocab.endId, vocab.unknownId]).toEqual([7, 0, 1, 2, undefined])
    expect(vocab.encode('nab')).toEqual([5, 3, 4])
    expect(vocab.encode('')).toEqual([])
  })

  it('does not depend on the order or repetition of the texts', () => {
    const a = charVocabulary(['Zoë', 'ann-marie', 'Ann'])
    const b = charVocabulary(['Ann', 'Zoë', 'Zoë', 'ann-marie'])
    expect(a.tokens).toEqual(b.tokens)
    // code point order: '-' 0x2D < 'A' 0x41 < 'Z' 0x5A < 'a' 0x61 < … < 'ë' 0xEB
    expect(a.characters).toEqual(['-', 'A', 'Z', 'a', 'e', 'i', 'm', 'n', 'o', 'r', 'ë'])
    // rebuilt from its characters, a vocabulary has the same ids
    expect(charVocabulary(a.characters).tokens).toEqual(a.tokens)
  })

  it('treats a code point outside the BMP as one character, sorted by code point, not by UTF-16 unit', () => {
    // 😀 is U+1F600 (two UTF-16 units, the first 0xD83D); ﬀ is U+FB00, a single unit above 0xD83D
    const vocab = charVocabulary(['😀ﬀa'])
    expect(vocab.characters).toEqual(['a', 'ﬀ', '😀'])
    expect(vocab.encode('a😀ﬀ')).toEqual([3, 5, 4])
    expect(vocab.decode([5, 4])).toBe('😀ﬀ')
  })

  it('keeps a lone UTF-16 surrogate as the one code point it is', () => {
    const vocab = charVocabulary(['a\uD800'])
    expect(vocab.characters).toEqual(['a', '\uD800'])
    expect(vocab.decode(vocab.encode('\uD800a'))).toBe('\uD800a')
  })

  it('round-trips text through encode and decode', () => {
    const names = ['Ann-Marie', 'José', 'Øyvind', '李', 'Zoë']
    const vocab = charVocabulary(names)
    for (const name of names) expect(vocab.decode(vocab.encode(name))).toBe(name)
  })

  it('decodes arrays and rank-1 tensors, skipping or showing the specials', () => {
    const vocab = charVocabulary(['ab'], { unknown: true })
    expect(vocab.tokens).toEqual(['<pad>', '<begin>', '<end>', '<unknown>', 'a', 'b'])
    expect(vocab.unknownId).toBe(3)
    expect(vocab.decode([1, 4, 3, 5, 2, 0, 0])).toBe('a\uFFFDb')
    expect(vocab.decode([1, 4, 3, 5, 2, 0], { specials: 'show' })).toBe('<begin>a<unknown>b<end><pad>')
    expect(vocab.decode(tensor([1, 5, 4, 2], { dtype: 'int32' }))).toBe('ba')
    expect(vocab.decode(tensor([5, 4]))).toBe('ba')
  })

  it('maps unknown characters to the unknown id only when asked to', () => {
    expect(charVocabulary(['ab'], { unknown: true }).encode('abc')).toEqual([4, 5, 3])
    const vocab = charVocabulary(['ab'])
    expect(() => vocab.encode('abé')).toThrow(
      'charVocabulary.encode: text has "é" (U+00E9) at position 2, which is not in the vocabulary, got "abé"; build the vocabulary from texts that have it, or pass unknown: true',
    )
    // the position counts code points: the emoji before the 'c' is one character
    expect(() => vocab.encode('😀c')).toThrow('charVocabulary.encode: text has "😀" (U+1F600) at position 0, which')
    expect(() => vocab.encode('a😀c')).toThrow('at position 1,')
  })

  it('rejects bad arguments with messages that say what was expected', () => {
    expect(() => charVocabulary('abc' as never)).toThrow('charVocabulary: texts must be an array, got "abc"')
    expect(() => charVocabulary(['a', 3] as never)).toThrow('charVocabulary: texts[1] must be a string, got 3')
    expect(() => charVocabulary(['a'], { unknwon: true } as never)).toThrow(
      'charVocabulary: unknown option unknwon, expected one of unknown; did you mean unknown?',
    )
    expect(() => charVocabulary(['a'], { unknown: 1 } as never)).toThrow(
      'charVocabulary: unknown must be a boolean, got 1',
    )
    const vocab = charVocabulary(['ab'])
    expect(() => vocab.encode(['a'] as never)).toThrow('charVocabulary.encode: text must be a string, got ["a"]')
    expect(() => vocab.decode([3, 5])).toThrow('charVocabulary.decode: ids[1] must be an integer in [0, 5), got 5')
    expect(() => vocab.decode([1.5])).toThrow('charVocabulary.decode: ids[0] must be an integer in [0, 5), got 1.5')
    expect(() => vocab.decode('ab' as never)).toThrow(
      'charVocabulary.decode: ids must be an array of ids or a rank-1 tensor, got "ab"',
    )
    expect(() => vocab.decode(tensor([[3]]))).toThrow(
      'charVocabulary.decode: ids must be an array of ids or a rank-1 tensor, got a float32 Tensor of shape [1,1]',
    )
    expect(() => vocab.decode([3], { specials: 'hide' } as never)).toThrow(
      'charVocabulary.decode: specials must be "skip" or "show", got "hide"',
    )
  })
})
