import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { ravel, tensorArb, unravel } from '../test/reference.js'
import * as T from './index.js'

describe('views', () => {
  it('reshape shares storage when contiguous and infers -1', () => {
    const x = T.arange(6)
    const r = T.reshape(x, [2, -1])
    expect(r.shape).toEqual([2, 3])
    expect(r.storage).toBe(x.storage)
    expect(T.reshape(T.transpose(r), [6]).toArray()).toEqual([0, 3, 1, 4, 2, 5])
    expect(T.flatten(r).shape).toEqual([6])
  })

  it('reshape of a strided view splits and merges evenly strided dimensions without copying', () => {
    const data = vi.spyOn(T.Tensor.prototype, 'data', 'get')
    try {
      const x = T.reshape(T.arange(24), [4, 6])
      // columns 1..4 of each row: rows stay 6 apart, columns 1 apart
      const cols = T.slice(x, [0, 1], [4, 4])
      const split = T.reshape(cols, [2, 2, 2, 2])
      expect(split.storage).toBe(x.storage)
      expect(split.strides).toEqual([12, 6, 2, 1])
      expect(split.offset).toBe(1)
      // a [B, T, H, D] layout read as [B, H, T, D] (attention's heads), D split in two
      const heads = T.transpose(T.reshape(T.arange(2 * 3 * 2 * 4), [2, 3, 2, 4]), [0, 2, 1, 3])
      const halves = T.reshape(heads, [2, 2, 1, 3, 2, 2])
      expect(halves.storage).toBe(heads.storage)
      expect(halves.strides).toEqual([24, 4, 24, 8, 2, 1]) // the 1 takes 8 · 3, as if row-major
      expect(data).not.toHaveBeenCalled()
      expect(split.toArray()).toEqual([
        [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [7, 8],
            [9, 10],
          ],
        ],
        [
          [
            [13, 14],
            [15, 16],
          ],
          [
            [19, 20],
            [21, 22],
          ],
        ],
      ])
      // merging B with H cannot be a view: copied, as before
      const merged = T.reshape(heads, [4, 3, 4])
      expect(merged.isContiguous).toBe(true)
      expect(merged.storage).not.toBe(heads.storage)
      expect(merged.toArray()).toEqual(T.reshape(T.contiguous(heads), [4, 3, 4]).toArray())
    } finally {
      data.mockRestore()
    }
  })

  it('reshape of any view reads the elements in row-major order, view or copy', () => {
    fc.assert(
      fc.property(
        tensorArb(4, 4).chain((x) =>
          fc.tuple(
            fc.constant(x),
            fc.shuffledSubarray(
              x.shape.map((_, i) => i),
              { minLength: x.rank, maxLength: x.rank },
            ),
            fc.nat(),
            fc.nat(),
          ),
        ),
        ([x, perm, merge, one]) => {
          const v = T.transpose(x, perm)
          // merge two adjacent dimensions, split the first one greater than 3 by 2 or 3, add a 1
          const shape = [...v.shape]
          if (shape.length >= 2) {
            const at = merge % (shape.length - 1)
            shape.splice(at, 2, shape[at]! * shape[at + 1]!)
          }
          const big = shape.findIndex((d) => d > 3 && (d % 2 === 0 || d % 3 === 0))
          if (big >= 0)
            shape.splice(
              big,
              1,
              shape[big]! % 2 === 0 ? 2 : 3,
              shape[big]! % 2 === 0 ? shape[big]! / 2 : shape[big]! / 3,
            )
          shape.splice(one % (shape.length + 1), 0, 1)
          const r = T.reshape(v, shape)
          expect(r.shape).toEqual(shape)
          expect(Array.from(r.data)).toEqual(Array.from(T.contiguous(v).data))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('data of any view lists its elements in row-major order, as offset + Σ index · stride says', () => {
    fc.assert(
      fc.property(
        tensorArb(4, 4).chain((x) =>
          fc.tuple(
            fc.constant(x),
            fc.shuffledSubarray(
              x.shape.map((_, i) => i),
              { minLength: x.rank, maxLength: x.rank },
            ),
            fc.array(fc.nat(), { minLength: x.rank, maxLength: x.rank }),
            fc.nat(),
            fc.boolean(),
          ),
        ),
        ([x, perm, cuts, at, flipped]) => {
          // a transpose, a slice off the start of each axis, a flip and a size-1 axis: folded, dropped or kept
          let v: T.Tensor = T.transpose(x, perm)
          const begin = v.shape.map((d, i) => (d > 1 ? cuts[i]! % 2 : 0))
          v = T.slice(
            v,
            begin,
            v.shape.map((d, i) => d - begin[i]!),
          )
          if (flipped && v.rank > 0) v = T.flip(v, [at % v.rank])
          v = T.expandDims(v, at % (v.rank + 1))
          const expected = Array.from({ length: v.size }, (_, i) => {
            const idx = unravel(i, v.shape)
            return v.storage[idx.reduce((p, k, d) => p + k * v.strides[d]!, v.offset)]!
          })
          expect(Array.from(v.data)).toEqual(expected)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('transpose permutes like index arithmetic says, as a view', () => {
    fc.assert(
      fc.property(
        tensorArb(4, 3).chain((x) =>
          fc.tuple(
            fc.constant(x),
            fc.shuffledSubarray(
              x.shape.map((_, i) => i),
              { minLength: x.rank, maxLength: x.rank },
            ),
          ),
        ),
        ([x, perm]) => {
          const t = T.transpose(x, perm)
          expect(t.storage).toBe(x.storage)
          expect(t.shape).toEqual(perm.map((p) => x.shape[p]))
          const data = t.data
          for (let i = 0; i < t.size; i++) {
            const idx = unravel(i, t.shape)
            const src = new Array<number>(x.rank)
            perm.forEach((p, k) => (src[p] = idx[k]!))
            expect(data[i]).toBe(x.data[ravel(src, x.shape)])
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('expandDims, squeeze, matrixTranspose and broadcastTo', () => {
    const x = T.zeros([2, 3])
    expect(T.expandDims(x, 1).shape).toEqual([2, 1, 3])
    expect(T.squeeze(T.zeros([1, 2, 1])).shape).toEqual([2])
    expect(T.squeeze(T.zeros([1, 2, 1]), -1).shape).toEqual([1, 2])
    expect(T.matrixTranspose(T.zeros([4, 2, 3])).shape).toEqual([4, 3, 2])
    const b = T.broadcastTo(T.tensor([[1], [2]]), [3, 2, 2])
    expect(b.strides).toEqual([0, 1, 0])
    expect(b.toArray()).toEqual([
      [
        [1, 1],
        [2, 2],
      ],
      [
        [1, 1],
        [2, 2],
      ],
      [
        [1, 1],
        [2, 2],
      ],
    ])
    expect(
      T.contiguous(
        T.transpose(
          T.tensor([
            [1, 2],
            [3, 4],
          ]),
        ),
      ).data,
    ).toEqual(new Float32Array([1, 3, 2, 4]))
  })

  it('names the op, the shapes and what was expected on bad input', () => {
    expect(() => T.reshape(T.zeros([2, 3]), [4, 2])).toThrow('reshape: cannot reshape [2,3] (6 elements) to [4,2]')
    expect(() => T.reshape(T.zeros([2, 3]), [4, -1])).toThrow(
      'reshape: cannot infer -1 in [4,-1] for 6 elements of shape [2,3]',
    )
    expect(() => T.reshape(T.zeros([2]), [-1, -1])).toThrow(
      'reshape: shape must hold non-negative integers and at most one -1, got [-1,-1]',
    )
    expect(() => T.transpose(T.zeros([2, 3]), [0, 0])).toThrow(
      'transpose: perm must be a permutation of 0..1, got [0,0]',
    )
    expect(() => T.squeeze(T.zeros([2, 3]), 0)).toThrow('squeeze: axis 0 has size 2, expected 1 (shape [2,3])')
    expect(() => T.expandDims(T.zeros([2]), 3)).toThrow(
      'expandDims: axis must be an integer in [-2, 2) for a tensor of rank 2, got 3',
    )
    expect(() => T.broadcastTo(T.zeros([3]), [2, 2])).toThrow('broadcastTo: cannot broadcast shapes [3] and [2,2]')
    expect(() => T.broadcastTo(T.zeros([2, 2]), [2])).toThrow('broadcastTo: cannot broadcast shape [2,2] to [2]')
    expect(() => T.matrixTranspose(T.zeros([2]))).toThrow('matrixTranspose: input must have rank >= 2, got shape [2]')
    // every argument is checked before it is read
    expect(() => T.broadcastTo(T.zeros([1]), [1.5, 3])).toThrow(
      'broadcastTo: shape must hold non-negative integers, got [1.5,3]',
    )
    expect(() => T.reshape(undefined as never, [2])).toThrow('reshape: t must be a Tensor, got undefined')
    expect(() => T.reshape(T.zeros([2]), 2 as never)).toThrow(
      'reshape: shape must be an array of non-negative integers and at most one -1, got 2',
    )
    expect(() => T.reshape(T.zeros([2]), [0.5, 4])).toThrow(
      'reshape: shape must hold non-negative integers and at most one -1, got [0.5,4]',
    )
    expect(() => T.transpose(T.zeros([2, 3]), 'x' as never)).toThrow(
      'transpose: perm must be a permutation of 0..1, got "x"',
    )
    expect(() => T.squeeze(T.zeros([1, 2]), [0, 0])).toThrow('squeeze: axis must not repeat an axis, got [0,0]')
    expect(() => T.flatten(null as never)).toThrow('flatten: t must be a Tensor, got null')
    expect(() => T.contiguous({ shape: [2] } as never)).toThrow('contiguous: t must be a Tensor, got {"shape":[2]}')
  })
})
