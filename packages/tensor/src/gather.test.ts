import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { tensorArb } from '../test/reference.js'
import * as T from './index.js'

const int = (v: number[]) => T.tensor(v, { dtype: 'int32' })

describe('gather, scatterAdd, oneHot', () => {
  it('gather takes slices along an axis', () => {
    const x = T.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ])
    expect(T.gather(x, int([2, 0, 2])).toArray()).toEqual([
      [5, 6],
      [1, 2],
      [5, 6],
    ])
    expect(T.gather(x, int([1]), -1).toArray()).toEqual([[2], [4], [6]])
    expect(T.gather(x, T.tensor([[0, 1]], { dtype: 'int32' })).shape).toEqual([1, 2, 2])
  })

  it('scatterAdd is the adjoint of gather: <gather(x, i), u> = <x, scatterAdd(i, u)>', () => {
    fc.assert(
      fc.property(
        tensorArb(3, 4)
          .filter((x) => x.rank > 0)
          .chain((x) =>
            fc.tuple(
              fc.constant(x),
              fc
                .integer({ min: 0, max: x.rank - 1 })
                .chain((axis) =>
                  fc.tuple(
                    fc.constant(axis),
                    fc.array(fc.integer({ min: 0, max: x.shape[axis]! - 1 }), { minLength: 1, maxLength: 5 }),
                  ),
                ),
            ),
          ),
        ([x, [axis, idx]]) => {
          const g = T.gather(x, int(idx), axis)
          const u = T.tensor(
            Float64Array.from(g.data, (_, i) => Math.sin(i + 1)),
            { shape: g.shape },
          )
          const s = T.scatterAdd(x.shape, int(idx), u, axis)
          const lhs = T.sum(T.mul(g, u)).item()
          const rhs = T.sum(T.mul(x, s)).item()
          expect(lhs).toBeCloseTo(rhs, 8)
        },
      ),
      { numRuns: 50 },
    )
  })

  it('oneHot encodes class indices', () => {
    expect(T.oneHot(int([2, 0]), 3).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ])
    expect(T.oneHot(int([1]), 2, { dtype: 'int32' }).dtype).toBe('int32')
  })

  it('names the op, the index and the valid range', () => {
    const x = T.zeros([3, 2])
    expect(() => T.gather(x, int([3]))).toThrow('gather: index 3 is out of range for axis 0 of size 3 (expected 0..2)')
    expect(() => T.gather(x, T.tensor([0]))).toThrow('gather: indices must have dtype int32, got float32 of shape [1]')
    expect(() => T.oneHot(int([-1]), 3)).toThrow('oneHot: index -1 is out of range for depth of size 3 (expected 0..2)')
    expect(() => T.oneHot(int([0]), 0)).toThrow('oneHot: depth must be a positive integer, got 0')
    expect(() => T.oneHot(int([0]), 2, { dtyp: 'int32' } as never)).toThrow(
      'oneHot: unknown option dtyp, expected one of dtype; did you mean dtype?',
    )
    expect(() => T.oneHot(undefined as never, 2)).toThrow('oneHot: indices must be a Tensor, got undefined')
    expect(() => T.gather(x, [0] as never)).toThrow('gather: indices must be a Tensor, got [0]')
    expect(() => T.gather(x, int([0]), 1.5)).toThrow(
      'gather: axis must be an integer in [-2, 2) for a tensor of rank 2, got 1.5',
    )
    expect(() => T.scatterAdd([3], int([0]), 'u' as never)).toThrow('scatterAdd: updates must be a Tensor, got "u"')
    expect(() => T.scatterAdd([3], int([0]), T.zeros([2]))).toThrow('scatterAdd: updates must have shape [1], got [2]')
  })
})
