import { describe, expect, it } from 'vitest'
import { charVocabulary } from './charVocabulary.js'
import type { Dataset } from './dataset.js'
import { firstNames } from './names.js'
import { nextCharacterDataset } from './nextCharacterDataset.js'
import { validationSplit } from './validationSplit.js'

describe('firstNames', () => {
  it('has each list deduplicated, in code point order', () => {
    const female = firstNames({ sex: 'female' })
    const male = firstNames({ sex: 'male' })
    const all = firstNames()
    // 4,951 and 3,898 entries as shipped, with 7 and 1 repeated; 421 names are in both lists
    expect([female.length, male.length, all.length]).toEqual([4944, 3897, 8422])
    expect(female.slice(0, 3)).toEqual(['Aaren', 'Aarika', 'Abagael'])
    expect(male.slice(0, 3)).toEqual(['Aaron', 'Ab', 'Abba'])
    expect(all.slice(-2)).toEqual(['Zulema', 'Zuzana'])
    for (const list of [female, male, all]) {
      expect(new Set(list).size).toBe(list.length)
      expect(list.every((name, i) => i === 0 || list[i - 1]! < name)).toBe(true)
    }
    // '-' (U+002D) sorts before the letters
    expect(all.indexOf('Ann-Marie')).toBeLessThan(all.indexOf('Anna'))
  })

  it('has 53 characters (A-Z, a-z, -), or 27 lower-cased; the longest name has 15', () => {
    const all = firstNames()
    expect(charVocabulary(all).characters.join('')).toBe('-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')
    const lower = firstNames({ lowercase: true })
    expect(lower.length).toBe(8422)
    expect(charVocabulary(lower).characters.join('')).toBe('-abcdefghijklmnopqrstuvwxyz')
    expect(Math.max(...all.map((n) => n.length))).toBe(15)
    expect(all.filter((n) => n.length === 15)).toEqual(['Helen-Elizabeth'])
    expect(all.filter((n) => n.includes('-')).length).toBe(19)
  })

  it('returns a fresh array each call', () => {
    const a = firstNames({ sex: 'male' })
    a.length = 0
    expect(firstNames({ sex: 'male' }).length).toBe(3897)
  })

  it('rejects bad options', () => {
    expect(() => firstNames({ sex: 'both' } as never)).toThrow(
      'firstNames: sex must be "female", "male" or "all", got "both"',
    )
    expect(() => firstNames({ lowerCase: true } as never)).toThrow(
      'firstNames: unknown option lowerCase, expected one of sex, lowercase; did you mean lowercase?',
    )
    expect(() => firstNames('male' as never)).toThrow('firstNames: options must be a plain object, got "male"')
  })
})

/**
 * The validation loss, in nats per character (the end included), of bigram counts from `train`
 * with add-`alpha` smoothing: p(b | a) = (count(a, b) + α) / (count(a) + α·V).
 */
function bigramLoss(train: Dataset, validation: Dataset, size: number, alpha: number): number {
  const counts = new Float64Array(size * size)
  const [tx, ty] = [train.x.data, train.y.data]
  for (let i = 0; i < tx.length; i++) if (ty[i] !== 0) counts[tx[i]! * size + ty[i]!]! += 1
  const rows = new Float64Array(size)
  for (let i = 0; i < counts.length; i++) rows[Math.floor(i / size)]! += counts[i]! + alpha
  const [vx, vy] = [validation.x.data, validation.y.data]
  let total = 0
  let n = 0
  for (let i = 0; i < vx.length; i++) {
    if (vy[i] === 0) continue
    total -= Math.log((counts[vx[i]! * size + vy[i]!]! + alpha) / rows[vx[i]!]!)
    n++
  }
  return total / n
}

/** The rows of `data` as id sequences: the begin id, then the targets up to and with the end. */
function sequences(data: Dataset): number[][] {
  const [rows, block] = data.x.shape as [number, number]
  const y = data.y.data
  const out: number[][] = []
  for (let r = 0; r < rows; r++) {
    const s = [data.x.data[r * block]!]
    for (let t = 0; t < block && y[r * block + t] !== 0; t++) s.push(y[r * block + t]!)
    out.push(s)
  }
  return out
}

/**
 * The validation loss, in nats per character, of an n-gram model of `order` with Witten–Bell
 * interpolation: p(c | h) = (count(h, c) + types(h) · p(c | shorter h)) / (count(h) + types(h)),
 * down to the uniform distribution over the `drawable` ids.
 */
function ngramLoss(train: Dataset, validation: Dataset, order: number, drawable: number): number {
  const counts = new Map<string, Map<number, number>>()
  for (const s of sequences(train)) {
    for (let t = 1; t < s.length; t++) {
      for (let k = 0; k < order && k <= t; k++) {
        const h = s.slice(t - k, t).join(',')
        const row = counts.get(h) ?? new Map<number, number>()
        row.set(s[t]!, (row.get(s[t]!) ?? 0) + 1)
        counts.set(h, row)
      }
    }
  }
  const p = (s: number[], t: number, k: number): number => {
    if (k < 0) return 1 / drawable
    const shorter = p(s, t, k - 1)
    const row = counts.get(s.slice(t - k, t).join(','))
    if (row === undefined) return shorter
    let total = 0
    for (const c of row.values()) total += c
    return ((row.get(s[t]!) ?? 0) + row.size * shorter) / (total + row.size)
  }
  let loss = 0
  let n = 0
  for (const s of sequences(validation)) {
    for (let t = 1; t < s.length; t++, n++) loss -= Math.log(p(s, t, Math.min(order - 1, t)))
  }
  return loss / n
}

describe('the names task', () => {
  // The split the demo uses: all names, 10% held out with seed 0. A character model must beat the
  // bigram baseline below (the issue asks for ≤ 2.0 nats/char).
  it('has a bigram baseline of 2.437 nats/char lower-cased and 2.370 as shipped', () => {
    const lower = firstNames({ lowercase: true })
    const vocab = charVocabulary(lower)
    const data = nextCharacterDataset(lower, vocab)
    expect(data.x.shape).toEqual([8422, 16])
    const { train, validation } = validationSplit(data, { fraction: 0.1, seed: 0 })
    expect([train.x.shape[0], validation.x.shape[0]]).toEqual([7580, 842])
    // 842 names of 5,037 characters, plus 842 ends
    expect((validation.y.data as Int32Array).filter((id) => id !== vocab.padId).length).toBe(5879)
    expect(bigramLoss(train, validation, vocab.size, 0.5)).toBeCloseTo(2.4366, 3)
    expect(bigramLoss(train, validation, vocab.size, 1)).toBeCloseTo(2.4384, 3)
    // Capitals make the first letter a context of its own: a better bigram baseline
    const shipped = firstNames()
    const cased = charVocabulary(shipped)
    const split = validationSplit(nextCharacterDataset(shipped, cased), { fraction: 0.1, seed: 0 })
    expect(bigramLoss(split.train, split.validation, cased.size, 0.1)).toBeCloseTo(2.3702, 3)
  })

  // How far counting alone goes: a 4-gram is at 2.03 lower-cased and 1.99 as shipped, at the demo's target of 2.0
  it('has Witten-Bell n-gram baselines of 2.436 (2-gram), 2.184 (3-gram) and 2.029 (4-gram) nats/char lower-cased', () => {
    const lower = firstNames({ lowercase: true })
    const vocab = charVocabulary(lower)
    const { train, validation } = validationSplit(nextCharacterDataset(lower, vocab), { fraction: 0.1, seed: 0 })
    // the end and the 27 characters can follow; padding and begin cannot
    const drawable = vocab.size - 2
    expect(ngramLoss(train, validation, 2, drawable)).toBeCloseTo(2.4358, 3)
    expect(ngramLoss(train, validation, 3, drawable)).toBeCloseTo(2.184, 3)
    expect(ngramLoss(train, validation, 4, drawable)).toBeCloseTo(2.0294, 3)
    // as shipped (capitals mark the first letter): 2.370, 2.116, 1.989
    const shipped = firstNames()
    const cased = charVocabulary(shipped)
    const split = validationSplit(nextCharacterDataset(shipped, cased), { fraction: 0.1, seed: 0 })
    expect(ngramLoss(split.train, split.validation, 3, cased.size - 2)).toBeCloseTo(2.1159, 3)
    expect(ngramLoss(split.train, split.validation, 4, cased.size - 2)).toBeCloseTo(1.9889, 3)
  })
})
