import { describe, expect, it } from 'vitest'
import * as T from './index.js'

describe('concat, stack, split, tile', () => {
  const a = T.tensor([
    [1, 2],
    [3, 4],
  ])
  const b = T.tensor([[5, 6]])

  it('concat joins along an axis and promotes dtypes', () => {
    expect(T.concat([a, b]).toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ])
    expect(T.concat([a, b], 0).shape).toEqual([3, 2])
    expect(T.concat([a, a], -1).toArray()).toEqual([
      [1, 2, 1, 2],
      [3, 4, 3, 4],
    ])
    expect(T.concat([T.tensor([1], { dtype: 'int32' }), T.tensor([0.5], { dtype: 'float64' })]).dtype).toBe('float64')
  })

  it('stack adds an axis; split undoes concat', () => {
    expect(T.stack([T.tensor([1, 2]), T.tensor([3, 4])]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ])
    const joined = T.concat([a, b])
    const [p, q] = T.split(joined, [2, 1])
    expect(p!.toArray()).toEqual(a.toArray())
    expect(q!.toArray()).toEqual(b.toArray())
    expect(T.split(a, 2, 1).map((t) => t.toArray())).toEqual([
      [[1], [3]],
      [[2], [4]],
    ])
  })

  it('tile repeats along each axis, padding reps or rank', () => {
    expect(T.tile(T.tensor([1, 2]), [2]).toArray()).toEqual([1, 2, 1, 2])
    expect(T.tile(T.tensor([1, 2]), [2, 1]).toArray()).toEqual([
      [1, 2],
      [1, 2],
    ])
    expect(T.tile(a, [1, 2]).toArray()).toEqual([
      [1, 2, 1, 2],
      [3, 4, 3, 4],
    ])
  })

  it('names the problem on bad input', () => {
    expect(() => T.concat([])).toThrow('concat: tensors must be a non-empty array of Tensors, got []')
    expect(() => T.concat([a, 1 as never])).toThrow('concat: tensors[1] must be a Tensor, got 1')
    expect(() => T.stack(a as never)).toThrow(
      'stack: tensors must be a non-empty array of Tensors, got a float32 Tensor of shape [2,2]',
    )
    expect(() => T.split(a, '2' as never)).toThrow(
      'split: sections must be a positive integer or an array of sizes, got "2"',
    )
    expect(() => T.tile(a, 2 as never)).toThrow('tile: reps must be an array of non-negative integers, got 2')
    expect(() => T.tile(a, [65536, 16384])).toThrow(
      'tile: result shape [131072,32768] has 4294967296 elements, more than the limit of 2147483647',
    )
    expect(() => T.concat([a, T.zeros([1, 3])])).toThrow(
      'concat: shapes must match except on axis 0, got [2,2] and [1,3]',
    )
    expect(() => T.stack([a, b])).toThrow('stack: all shapes must be equal, got [2,2] and [1,2]')
    expect(() => T.split(a, 3)).toThrow('split: cannot split axis 0 of size 2 into 3 equal sections')
    expect(() => T.split(a, [1, 2])).toThrow('split: sizes [1,2] must be non-negative integers adding up to 2 (axis 0)')
    expect(() => T.tile(a, [-1])).toThrow('tile: reps must be an array of non-negative integers, got [-1]')
  })
})
