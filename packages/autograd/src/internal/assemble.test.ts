// The engine's boxes: slice sends its cotangent back as a box of its input, and the engine lays out
// all the boxes of an input in one pass (overlapping boxes add; a full cotangent adds on top).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import { sizeOf } from '@gd/tensor/internal'
import * as AG from '../index.js'
import type { Var } from '../variable.js'

const f64 = (v: T.NestedArray) => T.tensor(v, { dtype: 'float64' })

describe('slice cotangents laid out as boxes', () => {
  it('overlapping slices add, and a full use of the same input adds on top', () => {
    // f = Σ x[0:2]·[1, 2] + Σ x[1:3]·[10, 20] + Σ x·[100, 100, 100]
    const f = (x: Var) =>
      AG.add(
        AG.add(
          AG.sum(AG.mul(AG.slice(x, [0], [2]), f64([1, 2]))),
          AG.sum(AG.mul(AG.slice(x, [1], [2]), f64([10, 20]))),
        ),
        AG.sum(AG.mul(x, 100)),
      )
    expect(AG.grad(f)(f64([5, 6, 7])).toArray()).toEqual([101, 112, 120])
  })

  it('a split on a middle axis and a box of a scalar', () => {
    const x = f64([[[1, 2, 3, 4]], [[5, 6, 7, 8]]]) // [2, 1, 4]
    const f = (v: Var) => {
      const [a, b] = AG.split(v, [1, 3], 2)
      return AG.add(AG.sum(AG.mul(a!, 2)), AG.sum(AG.mul(b!, b!)))
    }
    expect(AG.grad(f)(x).toArray()).toEqual([[[2, 4, 6, 8]], [[2, 12, 14, 16]]])
    expect(AG.grad((s: Var) => AG.mul(AG.slice(s, [], []), 3))(f64(2)).toArray()).toEqual(3)
  })

  it('matches padding each cotangent to full size, for random boxes (overlapping or not) of random shapes', () => {
    const boxArb = (shape: number[]) =>
      fc.tuple(
        ...shape.map((d) =>
          fc.integer({ min: 0, max: d - 1 }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 1, max: d - b }))),
        ),
      )
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
          .chain((shape) => fc.tuple(fc.constant(shape), fc.array(boxArb(shape), { minLength: 1, maxLength: 5 }))),
        ([shape, boxes]) => {
          const x = T.tensor(
            Float64Array.from({ length: sizeOf(shape) }, (_, i) => Math.sin(i)),
            { shape },
          )
          const weights = boxes.map((box, k) =>
            T.tensor(
              Float64Array.from({ length: sizeOf(box.map((b) => b[1])) }, (_, i) => k + 1 + i / 7),
              { shape: box.map((b) => b[1]) },
            ),
          )
          const f = (v: Var) =>
            boxes.reduce<Var>(
              (acc, box, k) =>
                AG.add(
                  acc,
                  AG.sum(
                    AG.mul(
                      AG.slice(
                        v,
                        box.map((b) => b[0]),
                        box.map((b) => b[1]),
                      ),
                      weights[k]!,
                    ),
                  ),
                ),
              AG.toVar('f', T.scalar(0, { dtype: 'float64' })),
            )
          // reference: each weight padded to x's shape, summed
          const expected = boxes.reduce<T.Tensor>(
            (acc, box, k) =>
              T.add(
                acc,
                T.pad(
                  weights[k]!,
                  box.map(([b, n], d) => [b, shape[d]! - b - n] as [number, number]),
                ),
              ),
            T.zeros(shape, { dtype: 'float64' }),
          )
          // overlapping boxes add in another order than the reference: equal to rounding
          const got = AG.grad(f)(x).data
          expected.data.forEach((e, i) => expect(got[i]).toBeCloseTo(e, 12))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('gradients of any order through boxes: gradcheck, gradgradcheck and a Hessian', () => {
    const f = (v: Var) => {
      const [a, b, c] = AG.split(v, 3, 1)
      return AG.add(AG.mul(AG.sin(a!), b!), AG.mul(AG.slice(v, [0, 1], [2, 2]), c!))
    }
    const x = f64([
      [0.5, -1, 2, 0.25, 1.5, -0.75],
      [1, 2, -0.5, 0.3, -2, 0.1],
    ])
    expect(AG.gradcheck(f, [x])).toBe(true)
    expect(AG.gradgradcheck(f, [x])).toBe(true)
    // h(v) = Σ v[0:1]·v[1:2]: the Hessian pairs element i with element i + 1 of a [2] vector
    const h = AG.hessian((v: Var) => AG.sum(AG.mul(AG.slice(v, [0], [1]), AG.slice(v, [1], [1]))))(f64([3, 4]))
    expect(h.toArray()).toEqual([
      [0, 1],
      [1, 0],
    ])
  })
})
