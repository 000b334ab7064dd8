import { toVar } from '@gd/autograd'
import { categorical, foldIn, prngKey, tensor, type PRNGKey, type Tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { charVocabulary } from './charVocabulary.js'
import { sampleText } from './sampleText.js'

// <pad> 0, <begin> 1, <end> 2, a 3, b 4
const vocab = charVocabulary(['ab'])
/** Logits that give pad and begin the most weight (they must never be drawn), then end : a : b = 1 : 2 : 1. */
const fixed = () => tensor([50, 50, 0, Math.log(2), 0], { dtype: 'float64' })

/** The draw of step t: categorical over (logits − max) / T, −Infinity for padding and begin. */
function expected(key: PRNGKey, t: number, temperature: number): number {
  const z = [0, Math.log(2), 0]
  const row = [-Infinity, -Infinity, ...z.map((v) => (v - Math.log(2)) / temperature)]
  return categorical(foldIn(key, t), tensor(row, { dtype: 'float64' })).data[0]!
}

describe('sampleText', () => {
  it('draws step t with categorical(foldIn(key, t), (logits − max) / T) over the characters and the end', () => {
    for (let seed = 0; seed < 20; seed++) {
      let want = ''
      for (let t = 0; t < 8; t++) {
        const id = expected(prngKey(seed), t, 1)
        if (id === 2) break
        want += id === 3 ? 'a' : 'b'
      }
      expect(sampleText(fixed, vocab, { key: prngKey(seed), maxLength: 8 })).toBe(want)
    }
  })

  it('draws end, a and b at rates 1/4, 1/2, 1/4, never the padding or begin ids', () => {
    const counts = { '': 0, a: 0, b: 0 } as Record<string, number>
    const n = 4000
    for (let seed = 0; seed < n; seed++) counts[sampleText(fixed, vocab, { key: prngKey(seed), maxLength: 1 })]! += 1
    // binomial standard deviations: sqrt(4000 · 1/4 · 3/4) ≈ 27, sqrt(4000 · 1/4) ≈ 32; allow 4σ
    expect(Math.abs(counts['']! - 1000)).toBeLessThan(110)
    expect(Math.abs(counts.a! - 2000)).toBeLessThan(130)
    expect(Math.abs(counts.b! - 1000)).toBeLessThan(110)
  })

  it('divides the logits by the temperature; 0 takes the most likely id', () => {
    // T = 2: weights exp(z / 2) = 1, √2, 1
    for (let seed = 0; seed < 10; seed++) {
      const id = expected(prngKey(seed), 0, 2)
      expect(sampleText(fixed, vocab, { key: prngKey(seed), maxLength: 1, temperature: 2 })).toBe(
        ['', 'a', 'b'][id - 2],
      )
    }
    // and at those rates: 1/(2+√2) = 0.293 for the end
    let ends = 0
    for (let seed = 0; seed < 4000; seed++)
      if (sampleText(fixed, vocab, { key: prngKey(seed), maxLength: 1, temperature: 2 }) === '') ends++
    // σ = sqrt(4000 · 0.293 · 0.707) ≈ 29; allow 4σ
    expect(Math.abs(ends - 4000 / (2 + Math.SQRT2))).toBeLessThan(116)
    expect(sampleText(fixed, vocab, { key: prngKey(0), maxLength: 5, temperature: 0 })).toBe('aaaaa')
    // a tie goes to the lowest id: end
    const tie = () => tensor([0, 0, 1, 1, 1])
    expect(sampleText(tie, vocab, { key: prngKey(0), temperature: 0 })).toBe('')
  })

  it('stops at the end id or after maxLength characters, and starts from the prefix', () => {
    const seen: number[][] = []
    const next = (ids: number[]): Tensor => {
      seen.push(ids)
      return tensor(ids.length < 5 ? [0, 0, -9, 0, 9] : [0, 0, 9, 0, -9])
    }
    expect(sampleText(next, vocab, { key: prngKey(1), temperature: 0, prefix: 'a' })).toBe('abbb')
    expect(seen).toEqual([
      [1, 3],
      [1, 3, 4],
      [1, 3, 4, 4],
      [1, 3, 4, 4, 4],
    ])
    expect(sampleText(next, vocab, { key: prngKey(1), temperature: 0, maxLength: 2 })).toBe('bb')
    expect(sampleText(next, vocab, { key: prngKey(1), maxLength: 0, prefix: 'ab' })).toBe('ab')
  })

  it('gives next at most blockSize ids, and reads the last row of a [1, T, size] output or a Var', () => {
    const seen: number[][] = []
    const next = (ids: number[]) => {
      seen.push(ids)
      // rows for each position; the last one prefers 'a'
      const rows = ids.map((_, t) => (t === ids.length - 1 ? [0, 0, -9, 9, 0] : [0, 0, 9, -9, 9]))
      return toVar('test', tensor([rows]))
    }
    expect(sampleText(next, vocab, { key: prngKey(0), temperature: 0, maxLength: 4, blockSize: 2 })).toBe('aaaa')
    expect(seen).toEqual([[1], [1, 3], [3, 3], [3, 3]])
  })

  it('is the same text for the same key', () => {
    const a = sampleText(fixed, vocab, { key: prngKey(9), maxLength: 20 })
    expect(sampleText(fixed, vocab, { key: prngKey(9), maxLength: 20 })).toBe(a)
  })

  it('rejects bad arguments and bad logits with messages that say what was wrong', () => {
    const key = prngKey(0)
    expect(() => sampleText(3 as never, vocab, { key })).toThrow('sampleText: next must be a function, got 3')
    expect(() => sampleText(fixed, {} as never, { key })).toThrow(
      'sampleText: vocab must be a vocabulary from charVocabulary, got {}',
    )
    expect(() => sampleText(fixed, vocab, undefined as never)).toThrow(
      'sampleText: key must be a pair of uint32 (from prngKey or splitKey), got undefined',
    )
    expect(() => sampleText(fixed, vocab, { key, temperature: -1 })).toThrow(
      'sampleText: temperature must be a non-negative finite number, got -1',
    )
    expect(() => sampleText(fixed, vocab, { key, maxLenght: 3 } as never)).toThrow(
      'sampleText: unknown option maxLenght, expected one of key, maxLength, temperature, prefix, blockSize; did you mean maxLength?',
    )
    expect(() => sampleText(fixed, vocab, { key, prefix: 'abc' })).toThrow(
      'sampleText: prefix cannot be encoded by vocab, got "abc" (charVocabulary.encode: text has "c" (U+0063) at position 2',
    )
    expect(() => sampleText(fixed, { ...vocab, encode: () => 'ab' } as never, { key, prefix: 'ab' })).toThrow(
      'sampleText: vocab.encode(prefix) must be an array of ids in [0, 5), got "ab"',
    )
    expect(() => sampleText(() => tensor([0, 0, 0]), vocab, { key })).toThrow(
      "sampleText: next must return float logits whose last axis has the vocabulary's 5 entries (a Tensor or a Var), got a float32 Tensor of shape [3] at step 0",
    )
    expect(() => sampleText(() => tensor([0, 0, 0, 0, 0], { dtype: 'int32' }), vocab, { key })).toThrow(
      'got an int32 Tensor of shape [5] at step 0',
    )
    expect(() => sampleText(() => [0, 0, 0, 0, 0] as never, vocab, { key })).toThrow('got [0,0,0,0,0] at step 0')
    expect(() => sampleText(() => tensor([0, 0, NaN, 0, 0]), vocab, { key })).toThrow(
      'sampleText: next returned a logit of NaN for id 2 at step 0',
    )
    expect(() => sampleText(() => tensor([0, 0, NaN, 0, 0]), vocab, { key, temperature: 0 })).toThrow(
      'sampleText: next returned a NaN logit for id 2 at step 0',
    )
    expect(() => sampleText(() => tensor([0, 0, -Infinity, -Infinity, -Infinity]), vocab, { key })).toThrow(
      'sampleText: next gave every id it may draw a logit of -Infinity at step 0',
    )
  })
})
