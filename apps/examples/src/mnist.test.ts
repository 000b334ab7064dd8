import { describe, expect, it } from 'vitest'
import { PIXELS, loadDigits, splitLine } from './mnist.js'

const counts = (y: ArrayLike<number>): number[] => {
  const c = new Array<number>(10).fill(0)
  for (let i = 0; i < y.length; i++) c[y[i]!]!++
  return c
}

describe('loadDigits', () => {
  const all = loadDigits()

  it('splits the 10,000 digits of the mnist package 80/20, the same fraction of every class', () => {
    expect(splitLine(all)).toBe('MNIST digits from the mnist package: 8000 to train on, 2000 to test on')
    expect(all.train.x.shape).toEqual([8000, PIXELS])
    expect(all.test.x.dtype).toBe('float32')
    expect(all.test.y.dtype).toBe('int32')
    // The package holds MNIST's test set: 1001 zeros, 1127 ones, ...; each class gives round(0.2·count).
    const perClass = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
    expect(counts(all.test.y.data)).toEqual(perClass.map((c) => Math.round(0.2 * c)))
    expect(counts(all.train.y.data)).toEqual(perClass.map((c) => c - Math.round(0.2 * c)))
  })

  it('holds grey levels in [0, 1] and orders the test set by class', () => {
    let lo = Infinity
    let hi = -Infinity
    for (const v of all.train.x.data) {
      lo = Math.min(lo, v)
      hi = Math.max(hi, v)
    }
    expect([lo, hi]).toEqual([0, 1])
    const y = Array.from(all.test.y.data)
    expect(y).toEqual([...y].sort((a, b) => a - b))
  })

  it('keeps every class in proportion under a limit, and gives exactly the limit: 1000 digits are 800 + 200', () => {
    const some = loadDigits({ limit: 1000, seed: 1 })
    expect(counts(some.train.y.data)).toEqual([80, 90, 79, 82, 78, 69, 82, 86, 75, 79])
    expect(counts(some.test.y.data)).toEqual([20, 23, 20, 21, 20, 17, 20, 21, 19, 19])
    for (const limit of [100, 500, 600, 777, 2400]) {
      const d = loadDigits({ limit, seed: 2 })
      expect([d.train.y.size, d.test.y.size]).toEqual([limit - Math.round(limit * 0.2), Math.round(limit * 0.2)])
    }
    expect(splitLine(loadDigits({ limit: 100 }))).toBe(
      'MNIST digits from the mnist package: 80 to train on, 20 to test on',
    )
    expect(loadDigits({ limit: 100, testFraction: 0 }).test.y.size).toBe(0)
  })

  it('is reproducible from its seed, and another seed deals other digits', () => {
    const a = loadDigits({ limit: 200, seed: 3 })
    const b = loadDigits({ limit: 200, seed: 3 })
    const c = loadDigits({ limit: 200, seed: 4 })
    expect(b.test.x.data).toEqual(a.test.x.data)
    expect(b.train.y.data).toEqual(a.train.y.data)
    expect(c.test.x.data).not.toEqual(a.test.x.data)
  })

  it('rejects bad options with messages that name them', () => {
    expect(() => loadDigits({ limit: 0 })).toThrow('loadDigits: limit must be a positive integer or Infinity, got 0')
    expect(() => loadDigits({ testFraction: 1 })).toThrow('loadDigits: testFraction must be in [0, 1), got 1')
    expect(() => loadDigits({ seed: 0.5 })).toThrow('loadDigits: seed must be an integer, got 0.5')
    expect(() => loadDigits({ limits: 10 } as never)).toThrow(
      'loadDigits: unknown option limits, expected one of testFraction, seed, limit; did you mean limit?',
    )
    expect(() => loadDigits(5 as never)).toThrow('loadDigits: options must be a plain object, got 5')
  })
})
