import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { unravel } from '../test/reference.js'
import * as T from './index.js'
import * as I from './internal.js'

/** Naive reference: element by element, from the multi-index. */
function reference(x: T.Tensor, k: number, lower: boolean): number[] {
  return Array.from(x.data, (v, flat) => {
    const idx = unravel(flat, x.shape)
    const d = idx[idx.length - 1]! - idx[idx.length - 2]!
    return (lower ? d <= k : d >= k) ? v : 0
  })
}

describe('tril and triu', () => {
  it('keep j - i <= k (tril) and j - i >= k (triu), as NumPy does', () => {
    const x = T.tensor([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ])
    expect(T.tril(x).toArray()).toEqual([
      [1, 0, 0, 0],
      [5, 6, 0, 0],
      [9, 10, 11, 0],
    ])
    expect(T.tril(x, -1).toArray()).toEqual([
      [0, 0, 0, 0],
      [5, 0, 0, 0],
      [9, 10, 0, 0],
    ])
    expect(T.tril(x, 2).toArray()).toEqual([
      [1, 2, 3, 0],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ])
    expect(T.triu(x).toArray()).toEqual([
      [1, 2, 3, 4],
      [0, 6, 7, 8],
      [0, 0, 11, 12],
    ])
    expect(T.triu(x, 1).toArray()).toEqual([
      [0, 2, 3, 4],
      [0, 0, 7, 8],
      [0, 0, 0, 12],
    ])
    expect(T.triu(x, -1).toArray()).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [0, 10, 11, 12],
    ])
  })

  it('offsets beyond the matrix keep everything or nothing', () => {
    const x = T.ones([2, 3])
    expect(T.tril(x, 5).toArray()).toEqual(x.toArray())
    expect(T.tril(x, -2).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ])
    expect(T.triu(x, 3).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ])
    expect(T.triu(x, -9).toArray()).toEqual(x.toArray())
  })

  it('work on every dtype, on batches and on strided views', () => {
    const b = T.tril(
      T.tensor([
        [true, true],
        [true, true],
      ]),
    )
    expect(b.dtype).toBe('bool')
    expect(b.toArray()).toEqual([
      [true, false],
      [true, true],
    ])
    const i = T.triu(T.reshape(T.arange(0, 8, 1, { dtype: 'int32' }), [2, 2, 2]))
    expect(i.dtype).toBe('int32')
    expect(i.toArray()).toEqual([
      [
        [0, 1],
        [0, 3],
      ],
      [
        [4, 5],
        [0, 7],
      ],
    ])
    const t = T.transpose(
      T.tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'float64' },
      ),
    )
    expect(T.tril(t).toArray()).toEqual([
      [1, 0],
      [2, 4],
    ])
    expect(T.tril(T.zeros([0, 3])).shape).toEqual([0, 3])
    // -Infinity above the diagonal: the additive causal mask; kept elements are copied, never multiplied
    expect(T.triu(T.full([2, 2], -Infinity), 1).toArray()).toEqual([
      [0, -Infinity],
      [0, 0],
    ])
  })

  it('match the element-by-element reference on random shapes and offsets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: -5, max: 5 }),
        (shape, k) => {
          const x = T.tensor(
            Float64Array.from({ length: I.sizeOf(shape) }, (_, i) => i + 1),
            { shape },
          )
          expect([...T.tril(x, k).data]).toEqual(reference(x, k, true))
          expect([...T.triu(x, k).data]).toEqual(reference(x, k, false))
          // tril(x, k) + triu(x, k + 1) = x
          expect([...T.add(T.tril(x, k), T.triu(x, k + 1)).data]).toEqual([...x.data])
        },
      ),
      { numRuns: 100 },
    )
  })

  it('reject bad arguments with a clear message', () => {
    expect(() => T.tril(T.ones([3]))).toThrow(
      'tril: x must be a Tensor of rank >= 2, got a float32 Tensor of shape [3]',
    )
    expect(() => T.triu([[1]] as never)).toThrow('triu: x must be a Tensor, got an array of length 1')
    expect(() => T.tril(T.ones([2, 2]), 0.5)).toThrow('tril: k must be an integer, got 0.5')
    expect(() => T.triu(T.ones([2, 2]), '1' as never)).toThrow('triu: k must be an integer, got "1"')
  })
})
