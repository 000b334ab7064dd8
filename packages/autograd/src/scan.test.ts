import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import * as AG from './index.js'
import type { Var } from './variable.js'

const f64 = (v: T.NestedArray) => T.tensor(v, { dtype: 'float64' })

describe('scan', () => {
  it('carries a state over the leading axis and stacks the ys in the order of xs', () => {
    const [total, partial] = AG.scan(
      (c: Var, x: Var) => {
        const s = AG.add(c, x)
        return [s, AG.mul(s, 10)] as const
      },
      f64([0, 0]),
      f64([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    )
    expect(total.toArray()).toEqual([9, 12])
    expect(partial.toArray()).toEqual([
      [10, 20],
      [40, 60],
      [90, 120],
    ])
    // reverse: t = 2, 1, 0; ys still indexed like xs
    const [back, partialBack] = AG.scan(
      (c: Var, x: Var) => {
        const s = AG.add(c, x)
        return [s, s] as const
      },
      f64([0, 0]),
      f64([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      { reverse: true },
    )
    expect(back.toArray()).toEqual([9, 12])
    expect(partialBack.toArray()).toEqual([
      [9, 12],
      [8, 10],
      [5, 6],
    ])
  })

  it('takes trees: an LSTM-like carry { h, c } and xs as a pair; ys a tree', () => {
    const xs = [f64([[1], [2]]), f64([[10], [20]])]
    const [carry, ys] = AG.scan(
      (s: { h: Var; c: Var }, [a, b]: Var[]) => {
        const c = AG.add(s.c, a!)
        const h = AG.mul(c, b!)
        return [
          { h, c },
          { h, both: [c, h] },
        ] as const
      },
      { h: f64([0]), c: f64([0]) },
      xs,
    )
    // c: 1, 3; h: 10, 60
    expect(carry.c.toArray()).toEqual([3])
    expect(carry.h.toArray()).toEqual([60])
    expect(ys.h.toArray()).toEqual([[10], [60]])
    expect(ys.both[0]!.toArray()).toEqual([[1], [3]])
  })

  it('differentiates through the recurrence: closed-over parameters, init and xs', () => {
    // h_t = a·h_{t−1} + x_t from h_0; final h_2 = a²h_0 + a x_1 + x_2
    const run = (a: Var, h0: Var, xs: Var) =>
      AG.scan(
        (h: Var, x: Var) => {
          const next = AG.add(AG.mul(h, a), x)
          return [next, next] as const
        },
        h0,
        xs,
      )[0]
    const [da, dh0, dxs] = AG.grad((a: Var, h0: Var, xs: Var) => AG.sum(run(a, h0, xs)), { argnums: [0, 1, 2] })(
      f64([3]),
      f64([2]),
      f64([[5], [7]]),
    ) as unknown as T.Tensor[]
    // ∂/∂a = 2a h_0 + x_1 = 12 + 5; ∂/∂h_0 = a² = 9; ∂/∂x = [a, 1]
    expect(da!.toArray()).toEqual([17])
    expect(dh0!.toArray()).toEqual([9])
    expect(dxs!.toArray()).toEqual([[3], [1]])
    const inputs = [
      f64([0.7]),
      f64([0.3, -0.2]),
      f64([
        [0.5, 1],
        [-1, 0.25],
        [2, -0.5],
      ]),
    ]
    const f = (a: Var, h0: Var, xs: Var) => {
      const [last, all] = AG.scan(
        (h: Var, x: Var) => {
          const next = AG.tanh(AG.add(AG.mul(h, a), x))
          return [next, AG.mul(next, next)] as const
        },
        h0,
        xs,
      )
      return AG.add(all, last)
    }
    expect(AG.gradcheck(f, inputs)).toBe(true)
    expect(AG.gradgradcheck(f, inputs)).toBe(true)
  })

  it('names the step and leaf where f breaks the contract', () => {
    const xs = f64([[1], [2]])
    const h0 = f64([0])
    expect(() => AG.scan('f' as never, h0, xs)).toThrow('scan: f must be a function, got "f"')
    expect(() => AG.scan((h: Var) => [h, h] as const, h0, f64(1))).toThrow(
      'scan: xs leaf 0 must have a leading axis of size >= 1, got a float64 Tensor of shape []',
    )
    expect(() => AG.scan((h: Var) => [h, h] as const, h0, [xs, f64([1, 2, 3])])).toThrow(
      'scan: xs leaf 1 must have the leading size of the first leaf (2), got a float64 Tensor of shape [3]',
    )
    expect(() => AG.scan((h: Var) => [h, h] as const, h0, T.zeros([0, 2]))).toThrow(
      'scan: xs leaf 0 must have a leading axis of size >= 1, got a float32 Tensor of shape [0,2]',
    )
    expect(() => AG.scan((h: Var) => [h, h] as const, h0, {})).toThrow(
      'scan: xs must be a tree holding at least one Tensor or Var, got {}',
    )
    expect(() => AG.scan((h: Var) => [h, h] as const, 3 as unknown as T.Tensor, xs)).toThrow(
      'scan: init must be a Tensor or a Var (or a plain object or array of them), got 3',
    )
    expect(() => AG.scan((h: Var) => h as never, h0, xs)).toThrow(
      'scan: f must return [carry, y], at step 0 it returned, got a float64 Var of shape [1]',
    )
    expect(() => AG.scan((h: Var, x: Var) => [AG.concat([h, x]), h] as const, h0, xs)).toThrow(
      'scan: the carry f returned at step 0 differs from init at init: expected shape [1], got shape [2]',
    )
    expect(() => AG.scan((h: Var) => [T.cast(h.value, 'float32') as never, h] as const, h0, xs)).toThrow(
      'scan: the carry f returned at step 0 has a float32 leaf where init has float64 (leaf 0)',
    )
    expect(() => AG.scan((h: Var) => [h, 'y'] as const, h0, xs)).toThrow(
      'scan: y must be a Tensor or a Var (or a plain object or array of them), got "y"',
    )
    let step = 0
    expect(() => AG.scan((h: Var, x: Var) => [h, step++ === 0 ? x : [x]] as const, h0, xs)).toThrow(
      'scan: the y f returned at step 1 differs from y at y: expected a Tensor or a Var of shape [1], got an array of length 1',
    )
    expect(() => AG.scan((h: Var) => [h, h] as const, h0, xs, { revers: true } as never)).toThrow(
      'scan: unknown option revers, expected one of reverse; did you mean reverse?',
    )
  })
})
