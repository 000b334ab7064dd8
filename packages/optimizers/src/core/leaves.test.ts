import { describe, expect, it } from 'vitest'
import { Tensor, tensor, treeLeaves } from '@gd/tensor'
import { buffersLike, copiesOf, floatElements, mapGradientLeaves, outputFor, paramLeaves } from '../extend.js'

describe('leaf helpers', () => {
  it('buffersLike keeps each parameter dtype (float64 stays float64) and fills', () => {
    const b = buffersLike('f', { a: tensor([1, 2]), b: tensor([1], { dtype: 'float64' }) }, 0.5)
    expect(b[0]).toBeInstanceOf(Float32Array)
    expect(b[1]).toBeInstanceOf(Float64Array)
    expect(Array.from(b[0]!)).toEqual([0.5, 0.5])
    expect(() => buffersLike('f', { i: tensor([1], { dtype: 'int32' }) })).toThrow(
      'f: expected float32 or float64 tensors, got int32',
    )
  })

  it("copiesOf copies, outputFor never hands back the caller's tensor", () => {
    const t = tensor([1, 2])
    const c = copiesOf('f', [t])[0]!
    c[0] = 9
    expect(t.data[0]).toBe(1)
    const o = outputFor('f', t)
    expect(o).not.toBe(t)
    expect(o.shape).toEqual([2])
    expect(floatElements('f', o)).toBeInstanceOf(Float32Array)
  })

  it('mapLeaves passes leaf indices in order and checks sizes', () => {
    const seen: number[] = []
    mapGradientLeaves('f', { a: tensor([1]), b: [tensor([2, 3])] }, [1, 2], (g, i) => (seen.push(i), g))
    expect(seen).toEqual([0, 1])
    expect(() => mapGradientLeaves('f', { a: tensor([1]) }, [2], (g) => g)).toThrow(
      'f: leaf 0 has 1 elements but the state was built for 2',
    )
  })

  it("walks trees in treeLeaves' order and names a leaf that is no float tensor", () => {
    const tree = { b: [tensor([1]), { z: tensor([1, 2]), a: tensor([1, 2, 3]) }], a: tensor([1, 2, 3, 4]) }
    expect(buffersLike('f', tree).map((b) => b.length)).toEqual(treeLeaves(tree).map((t) => t.size)) // [1, 2, 3, 4]
    const r = mapGradientLeaves('f', tree, null, (g) => outputFor('f', g)) as typeof tree
    expect(r.b[1]!).toHaveProperty('a.shape', [3])
    expect(r.a).toBeInstanceOf(Tensor)
    expect(() => buffersLike('f', { w: 3 } as never)).toThrow('f: expected float32 or float64 tensors, got number')
    expect(() => buffersLike('f', { w: [null] } as never)).toThrow('f: expected float32 or float64 tensors, got null')
    expect(() => buffersLike('f', new Map() as never)).toThrow('f: expected float32 or float64 tensors, got Map')
    // looks like a tensor (as @gd/autograd's Var does) but has no typed-array storage
    class Traced {
      readonly dtype = 'float32'
      readonly size = 1
    }
    expect(() => buffersLike('f', [new Traced()] as never)).toThrow(
      'f: expected float32 or float64 tensors, got Traced',
    )
    expect(() => mapGradientLeaves('f', undefined as never, [1], (g) => g)).toThrow(
      'f: expected float32 or float64 tensors, got undefined',
    )
  })

  it('paramLeaves asks for params', () => {
    expect(paramLeaves('f', [new Tensor(new Float32Array(1), [1], 'float32')]).length).toBe(1)
    expect(() => paramLeaves('ema', undefined)).toThrow('ema: needs params, got undefined')
  })
})
