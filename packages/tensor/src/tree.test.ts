import { describe, expect, it } from 'vitest'
import { tensor } from './tensor.js'
import { treeLeaves, treeMap } from './tree.js'

describe('trees', () => {
  const params = { w: tensor([1, 2]), layers: [tensor([3]), { b: tensor([4, 5]) }] }

  it('lists leaves depth first in key order', () => {
    expect(treeLeaves(params).map((t) => [...t.data])).toEqual([[1, 2], [3], [4, 5]])
  })

  it('maps leaves of several trees together, keeping the structure', () => {
    const sum = treeMap((a, b) => tensor(a.data.map((x, i) => x + b!.data[i]!)), params, params) as typeof params
    expect([...sum.w.data]).toEqual([2, 4])
    expect([...(sum.layers[1] as { b: typeof sum.w }).b.data]).toEqual([8, 10])
  })

  it('names the path where structures differ or a leaf is not a tensor', () => {
    expect(() => treeMap((a) => a, params, { w: tensor([1]), layers: [tensor([1])] })).toThrow(
      'treeMap: tree structures differ at .layers: expected an array of length 2 in tree 1',
    )
    expect(() => treeLeaves({ w: 3 } as never)).toThrow('treeLeaves: leaf at .w is not a tensor: number')
    expect(() => treeMap(undefined as never, { w: tensor([1]) })).toThrow(
      'treeMap: fn must be a function, got undefined',
    )
  })
})
