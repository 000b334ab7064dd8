import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ravel, unravel } from '../test/reference.js'
import * as T from './index.js'
import * as I from './internal.js'

const int = (values: T.NestedArray) => T.tensor(values, { dtype: 'int32' })

/** Naive reference, NumPy's definition: out[..., j, ...] = x[..., idx[..., j, ...], ...] with both broadcast. */
function reference(x: T.Tensor, idx: T.Tensor, axis: number): { shape: number[]; values: number[] } {
  const shape = x.shape.map((d, k) => (k === axis ? idx.shape[k]! : Math.max(d, idx.shape[k]!)))
  const values = Array.from({ length: I.sizeOf(shape) }, (_, flat) => {
    const at = unravel(flat, shape)
    const ia = at.map((p, k) => (idx.shape[k] === 1 ? 0 : p))
    const xa = at.map((p, k) => (k === axis ? idx.data[ravel(ia, idx.shape)]! : x.shape[k] === 1 ? 0 : p))
    return x.data[ravel(xa, x.shape)]!
  })
  return { shape, values }
}

describe('takeAlongAxis', () => {
  it('takes one value per row on the last axis (a loss picking each row’s class)', () => {
    const logp = T.tensor(
      [
        [-0.1, -2.3, -4],
        [-3, -0.2, -1.9],
      ],
      { dtype: 'float64' },
    )
    expect(T.takeAlongAxis(logp, int([[0], [2]])).toArray()).toEqual([[-0.1], [-1.9]])
    expect(
      T.takeAlongAxis(
        logp,
        int([
          [2, 2, 0],
          [1, 0, 1],
        ]),
        1,
      ).toArray(),
    ).toEqual([
      [-4, -4, -0.1],
      [-0.2, -3, -0.2],
    ])
    // axis 0: out[i][j] = x[idx[i][j]][j]
    expect(T.takeAlongAxis(logp, int([[1, 0, 1]]), 0).toArray()).toEqual([[-3, -2.3, -1.9]])
  })

  it('broadcasts x and indices against each other on the other axes, as NumPy does', () => {
    const x = T.tensor([[10, 11, 12, 13]])
    // x [1, 4] against indices [3, 2]: every row of the result reads the one row of x
    expect(
      T.takeAlongAxis(
        x,
        int([
          [0, 3],
          [1, 1],
          [2, 0],
        ]),
        1,
      ).toArray(),
    ).toEqual([
      [10, 13],
      [11, 11],
      [12, 10],
    ])
    // x [3, 4] against indices [1, 2]: the same two columns from every row
    const y = T.reshape(T.arange(0, 12), [3, 4])
    expect(T.takeAlongAxis(y, int([[3, 0]]), 1).toArray()).toEqual([
      [3, 0],
      [7, 4],
      [11, 8],
    ])
    expect(T.takeAlongAxis(y, int([[2], [0], [1]]), 1).shape).toEqual([3, 1])
  })

  it('matches NumPy’s definition on random shapes, axes and broadcasts', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 })
          .chain((shape) =>
            fc.tuple(
              fc.constant(shape),
              fc.integer({ min: 0, max: shape.length - 1 }),
              fc.array(fc.integer({ min: 0, max: 2 }), { minLength: shape.length, maxLength: shape.length }),
              fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
              fc.integer({ min: 0, max: 2 ** 31 - 1 }),
            ),
          ),
        ([shape, axis, change, xOnes, seed]) => {
          // x has 1 where xOnes says; indices have 1, the same size, or (on axis) any size
          const xShape = shape.map((d, k) => (xOnes[k] ? 1 : d))
          const iShape = shape.map((d, k) => (k === axis ? change[k]! + 1 : change[k] === 0 ? 1 : d))
          const x = T.tensor(
            Float64Array.from({ length: I.sizeOf(xShape) }, (_, i) => i * 1.5 - 3),
            { shape: xShape },
          )
          const n = xShape[axis]!
          const idx = T.tensor(
            Int32Array.from({ length: I.sizeOf(iShape) }, (_, i) => (seed + 7 * i * i) % n),
            { shape: iShape },
          )
          const got = T.takeAlongAxis(x, idx, axis - shape.length)
          const want = reference(x, idx, axis)
          expect(got.shape).toEqual(want.shape)
          expect([...got.data]).toEqual(want.values)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('scatterAddAlongAxis is its adjoint: <take(x, i), u> = <x, scatterAdd(i, u)>, broadcasts and repeats included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.nat(2),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        (shape, a, ones) => {
          const axis = a % shape.length
          const xShape = shape.map((d, k) => (ones[k] && k !== axis ? 1 : d))
          const iShape = shape.map((d, k) => (k === axis ? 3 : ones[k + 3] ? 1 : d))
          const x = T.tensor(
            Float64Array.from({ length: I.sizeOf(xShape) }, (_, i) => Math.cos(i + 0.5)),
            { shape: xShape },
          )
          const idx = T.tensor(
            Int32Array.from({ length: I.sizeOf(iShape) }, (_, i) => (i * 5) % xShape[axis]!),
            { shape: iShape },
          )
          const g = T.takeAlongAxis(x, idx, axis)
          const u = T.tensor(
            Float64Array.from({ length: g.size }, (_, i) => Math.sin(i + 1)),
            { shape: g.shape },
          )
          const s = T.scatterAddAlongAxis(x.shape, idx, u, axis)
          expect(s.shape).toEqual(x.shape)
          expect(T.sum(T.mul(g, u)).item()).toBeCloseTo(T.sum(T.mul(x, s)).item(), 10)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('scatterAddAlongAxis accumulates repeated indices', () => {
    expect(
      T.scatterAddAlongAxis(
        [2, 3],
        int([
          [1, 1, 0],
          [2, 2, 2],
        ]),
        T.tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        1,
      ).toArray(),
    ).toEqual([
      [3, 3, 0],
      [0, 0, 15],
    ])
    expect(T.scatterAddAlongAxis([2], int([1, 1]), T.tensor([true, true])).toArray()).toEqual([0, 2])
  })

  it('keeps every dtype of x and reads strided views and float indices holding integers', () => {
    expect(T.takeAlongAxis(T.tensor([[true, false]]), int([[1, 1, 0]])).toArray()).toEqual([[false, false, true]])
    expect(T.takeAlongAxis(int([[5, 6, 7]]), int([[2]])).dtype).toBe('int32')
    const t = T.transpose(
      T.tensor([
        [1, 2],
        [3, 4],
      ]),
    )
    expect(T.takeAlongAxis(t, T.tensor([[1], [0]]), 1).toArray()).toEqual([[3], [2]])
    expect(T.takeAlongAxis(T.zeros([2, 3]), T.zeros([2, 0], { dtype: 'int32' })).shape).toEqual([2, 0])
  })

  it('names the first bad index and every other mistake', () => {
    const x = T.zeros([2, 3])
    expect(() => T.takeAlongAxis(x, int([[0], [3]]))).toThrow(
      'takeAlongAxis: indices[1,0] must be an integer in [0, 3) for axis 1 of size 3, got 3',
    )
    expect(() => T.takeAlongAxis(x, int([[-1], [7]]))).toThrow(
      'takeAlongAxis: indices[0,0] must be an integer in [0, 3) for axis 1 of size 3, got -1',
    )
    expect(() =>
      T.takeAlongAxis(
        x,
        T.tensor([
          [0, 1],
          [0.5, NaN],
        ]),
      ),
    ).toThrow('takeAlongAxis: indices[1,0] must be an integer in [0, 3) for axis 1 of size 3, got 0.5')
    expect(() => T.takeAlongAxis(x, T.tensor([[NaN]]))).toThrow(
      'takeAlongAxis: indices[0,0] must be an integer in [0, 3) for axis 1 of size 3, got NaN',
    )
    expect(() => T.takeAlongAxis(x, int([[0, 1, 2]]), 0)).toThrow(
      'takeAlongAxis: indices[0,2] must be an integer in [0, 2) for axis 0 of size 2, got 2',
    )
    expect(() => T.takeAlongAxis(x, int([0, 1]))).toThrow(
      'takeAlongAxis: indices must have the rank of x (2), got an int32 Tensor of shape [2]',
    )
    expect(() => T.takeAlongAxis(x, int([[0], [1], [2]]))).toThrow(
      'takeAlongAxis: indices of shape [3,1] and x of shape [2,3] differ on axis 0 (sizes must be equal or 1 on every axis but 1)',
    )
    expect(() => T.takeAlongAxis(x, T.tensor([[true]]))).toThrow(
      'takeAlongAxis: indices must have dtype int32 or float32 or float64, got bool of shape [1,1]',
    )
    expect(() => T.takeAlongAxis(x, int([[0]]), 2)).toThrow(
      'takeAlongAxis: axis must be an integer in [-2, 2) for a tensor of rank 2, got 2',
    )
    expect(() => T.takeAlongAxis([[1]] as never, int([[0]]))).toThrow(
      'takeAlongAxis: x must be a Tensor, got an array of length 1',
    )
    expect(() => T.takeAlongAxis(T.scalar(1), int(0))).toThrow(
      'takeAlongAxis: x must be a Tensor of rank >= 1, got a float32 Tensor of shape []',
    )
    expect(() => T.scatterAddAlongAxis([2, 3], int([[0], [1]]), T.zeros([2, 2]))).toThrow(
      'scatterAddAlongAxis: updates must have shape [2,1], got [2,2]',
    )
    expect(() => T.scatterAddAlongAxis([2, 3], int([[0], [4]]), T.zeros([2, 1]))).toThrow(
      'scatterAddAlongAxis: indices[1,0] must be an integer in [0, 3) for axis 1 of size 3, got 4',
    )
    expect(() => T.scatterAddAlongAxis([], int(0), T.scalar(1))).toThrow(
      'scatterAddAlongAxis: shape must be a shape of rank >= 1, got []',
    )
    expect(() => T.scatterAddAlongAxis([2, -3], int([[0]]), T.zeros([2, 1]))).toThrow(
      'scatterAddAlongAxis: shape must hold non-negative integers, got [2,-3]',
    )
  })
})
