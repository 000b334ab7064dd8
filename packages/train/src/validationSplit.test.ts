import { tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { validationSplit } from './validationSplit.js'

describe('validationSplit', () => {
  const rows = (n: number) => ({
    x: tensor(Array.from({ length: n }, (_, i) => [i, 10 + i])),
    y: tensor(Array.from({ length: n }, (_, i) => i)),
  })

  it('holds out round(n · fraction) examples, x and y together, each part in the original order', () => {
    // permutation(prngKey(0), 5) is [0, 3, 1, 2, 4]: the first two (0, 3) are held out
    const { train, validation } = validationSplit(rows(5), { fraction: 0.4, seed: 0 })
    expect(validation.y.toArray()).toEqual([0, 3])
    expect(validation.x.toArray()).toEqual([
      [0, 10],
      [3, 13],
    ])
    expect(train.y.toArray()).toEqual([1, 2, 4])
  })

  it('is the same for the same seed, another for another seed, and loses no example', () => {
    const data = rows(100)
    const a = validationSplit(data, { seed: 7 })
    const b = validationSplit(data, { seed: 7 })
    const c = validationSplit(data, { seed: 8 })
    expect(a.validation.y.toArray()).toEqual(b.validation.y.toArray())
    expect(a.validation.y.toArray()).not.toEqual(c.validation.y.toArray())
    expect(a.validation.y.size).toBe(10)
    const all = [...(a.train.y.toArray() as number[]), ...(a.validation.y.toArray() as number[])].sort((p, q) => p - q)
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i))
  })

  it('rejects bad arguments with messages that say what was expected', () => {
    expect(() => validationSplit(rows(5), { fraction: 1 })).toThrow(
      'validationSplit: fraction must be in (0, 1), got 1',
    )
    expect(() => validationSplit(rows(5), { fraction: 0.05 })).toThrow(
      'validationSplit: fraction leaves the validation set empty for 5 examples, got 0.05',
    )
    expect(() => validationSplit(rows(5), { fraction: 0.95 })).toThrow(
      'validationSplit: fraction leaves the training set empty for 5 examples, got 0.95',
    )
    expect(() => validationSplit(rows(5), { seed: 1.5 })).toThrow('validationSplit: seed must be an integer, got 1.5')
    expect(() => validationSplit(rows(5), { seeds: 1 } as never)).toThrow(
      'validationSplit: unknown option seeds, expected one of fraction, seed; did you mean seed?',
    )
    expect(() => validationSplit({ x: tensor([1]) } as never)).toThrow(
      'validationSplit: data must be { x: Tensor, y: Tensor }, got an object with keys x',
    )
  })
})
