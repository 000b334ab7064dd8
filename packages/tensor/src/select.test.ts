import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { broadcastPairArb, broadcastRead, unravel, valuesArb } from '../test/reference.js'
import * as T from './index.js'
import * as I from './internal.js'

/** A one-element tensor that is a view deep inside a larger storage (offset 5), holding `v`. */
const viewOfOne = (v: number): T.Tensor => T.slice(T.tensor([9, 9, 9, 9, 9, v, 9], { dtype: 'float64' }), [5], [1])

describe('where', () => {
  it('picks a or b per element, broadcasting all three (against index arithmetic)', () => {
    fc.assert(
      fc.property(
        broadcastPairArb.chain(({ a, b }) =>
          fc.tuple(valuesArb(a), valuesArb(b), fc.array(fc.boolean(), { minLength: 256, maxLength: 256 })),
        ),
        ([a, b, bits]) => {
          const shape = I.broadcastShapes('test', a.shape, b.shape)
          const condition = T.tensor(bits.slice(0, I.sizeOf(shape)), { shape, dtype: 'bool' })
          const out = T.where(condition, a, b)
          expect(out.shape).toEqual(shape)
          out.data.forEach((v, i) => {
            const idx = unravel(i, shape)
            expect(v).toBe(bits[i] ? broadcastRead(a, idx) : broadcastRead(b, idx))
          })
        },
      ),
    )
  })

  it('reads a one-element branch as a number, wherever its element sits in storage', () => {
    const c = T.tensor(
      [
        [true, false, true],
        [false, false, true],
      ],
      { dtype: 'bool' },
    )
    const x = T.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float64' },
    )
    expect(T.where(c, x, viewOfOne(-7)).toArray()).toEqual([
      [1, -7, 3],
      [-7, -7, 6],
    ])
    expect(T.where(c, viewOfOne(-7), x).toArray()).toEqual([
      [-7, 2, -7],
      [4, 5, -7],
    ])
    expect(T.where(c, 0, 1).toArray()).toEqual([
      [0, 1, 0],
      [1, 1, 0],
    ])
    // a transposed branch against a number
    expect(
      T.where(
        c,
        T.transpose(
          T.tensor([
            [1, 4],
            [2, 5],
            [3, 6],
          ]),
        ),
        0,
      ).toArray(),
    ).toEqual([
      [1, 0, 3],
      [0, 0, 6],
    ])
  })

  it('keeps -0 and NaN of the branch it picks', () => {
    const out = T.where(T.tensor([true, false, true], { dtype: 'bool' }), T.tensor([-0, 1, NaN]), 2)
    expect(Object.is(out.data[0], -0)).toBe(true)
    expect(out.data[1]).toBe(2)
    expect(out.data[2]).toBeNaN()
  })

  it('selects int32 results, converts a branch of another dtype, and treats any non-zero condition as true', () => {
    const c = new T.Tensor(new Uint8Array([2, 0, 1]), [3], 'bool') // a hand-made mask holding a 2
    expect(T.where(c, T.tensor([1, 2, 3], { dtype: 'int32' }), -1).toArray()).toEqual([1, -1, 3])
    expect(T.where(c, T.tensor([1, 2, 3], { dtype: 'int32' }), 0.5).toArray()).toEqual([1, 0.5, 3])
    expect(T.where(T.tensor([NaN, 0, -0]), 7, T.tensor([1, 2, 3])).toArray()).toEqual([7, 2, 3])
  })
})
