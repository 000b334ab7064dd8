import { describe, expect, it } from 'vitest'
import { tensor, type Tensor } from '../index.js'
import { tensorsIn } from './tensorsIn.js'

const firsts = (tree: unknown, open?: (node: object) => unknown): number[] => {
  const out: number[] = []
  tensorsIn(tree, (t) => out.push(t.data[0]!), open)
  return out
}

describe('tensorsIn', () => {
  it('visits each tensor once, depth first in key order, through plain objects and arrays only', () => {
    const w = tensor([1, 2])
    const b = tensor([2])
    const shared = { w }
    const tree = { a: [w, { b }], c: shared, d: shared, n: 4, s: 'x', f: new Float32Array([9]), m: new Map([[1, w]]) }
    expect(firsts(tree)).toEqual([1, 2]) // w once (listed three times), then b; the rest skipped
    expect(firsts(w)).toEqual([1]) // a tensor alone is a tree
    expect(firsts([null, undefined, 3, [[]]])).toEqual([])
  })

  it('is safe on cycles', () => {
    const loop: { t: Tensor; self?: unknown } = { t: tensor([5]) }
    loop.self = [loop]
    expect(firsts(loop)).toEqual([5])
  })

  it('walks what open gives for other objects in their place (undefined skips them)', () => {
    class Box {
      constructor(readonly value: Tensor) {}
    }
    const open = (node: object) => (node instanceof Box ? node.value : undefined)
    expect(firsts({ a: new Box(tensor([7])), b: [new Box(tensor([8]))], c: new Map() }, open)).toEqual([7, 8])
    expect(firsts({ a: new Box(tensor([7])) })).toEqual([]) // without open a Box is skipped
  })

  it('skips typed arrays, and asks open about them when given', () => {
    const state = { count: 3, mu: [new Float32Array(4), new Float64Array(2)], t: tensor([9]) }
    expect(firsts(state)).toEqual([9])
    const asked: string[] = []
    const open = (node: object) => {
      asked.push(node.constructor.name)
      return node instanceof Float32Array ? tensor([1]) : undefined
    }
    expect(firsts(state, open)).toEqual([1, 9])
    expect(asked).toEqual(['Float32Array', 'Float64Array'])
  })

  it('checks its functions before walking', () => {
    expect(() => tensorsIn({}, 3 as never)).toThrow('tensorsIn: visit must be a function, got 3')
    expect(() => tensorsIn({}, () => {}, 'x' as never)).toThrow(
      'tensorsIn: open must be a function or undefined, got "x"',
    )
  })
})
