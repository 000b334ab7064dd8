import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves } from '@gd/tensor'
import { chain, elementwise, scaleByLearningRate, stepInPlace, type FloatArray } from './index.js'

function cubeLoop(g: FloatArray, out: FloatArray, base: FloatArray | null, factor: number): void {
  for (let i = 0; i < g.length; i++) {
    const u = g[i]! ** 3
    out[i] = base === null ? u : base[i]! + factor * u
  }
}
const cube = elementwise('cube', () => ({ calls: 0 }), (state) => ({
  state: { calls: state.calls + 1 },
  kernel: (k, g, out, base, factor) => cubeLoop(g, out, base, factor),
}), { sizes: () => [2] })

describe('elementwise', () => {
  it('runs the kernel per leaf and threads the state', () => {
    const r = cube.update({ w: tensor([2, -1]) }, cube.init({}))
    expect(Array.from(treeLeaves(r.updates)[0]!.data)).toEqual([8, -1])
    expect(r.state).toEqual({ calls: 1 })
  })

  it('fuses with a following learning rate in stepInPlace', () => {
    const tx = chain(cube, scaleByLearningRate(0.5))
    const params = { w: tensor([1, 1]) }
    stepInPlace(tx, { w: tensor([2, -1]) }, tx.init(params), params)
    // 1 − 0.5·8 = −3, 1 − 0.5·(−1) = 1.5
    expect(Array.from(params.w.data)).toEqual([-3, 1.5])
  })

  it('checks leaf sizes against the state and needs float tensors', () => {
    expect(() => cube.update({ w: tensor([1, 2, 3]) }, { calls: 0 })).toThrow('cube: leaf 0 has 3 elements but the state was built for 2')
    expect(() => cube.update({ a: tensor([1, 2]), b: tensor([1, 2]) }, { calls: 0 })).toThrow(
      'cube: expected 1 gradient leaves (as at init), got 2',
    )
    expect(() => cube.update({ w: tensor([1, 2], { dtype: 'int32' }) }, { calls: 0 })).toThrow(
      'cube: expected float32 or float64 tensors, got int32',
    )
    expect(() => cube.update({ w: tensor([1, 2]) }, { calls: 0 }, { a: tensor([1]), b: tensor([1]) })).toThrow(
      'cube: expected 1 parameter leaves (one per gradient), got 2',
    )
    const needs = elementwise('needsP', () => ({}), (s) => ({ state: s, kernel: () => {} }), { needsParams: true })
    expect(() => needs.update({ w: tensor([1]) }, {})).toThrow('needsP: needs params, got undefined')
    expect(() => cube.update({ w: tensor([1, 2]) }, { calls: 0 }, { w: tensor([1, 2, 3]) })).toThrow(
      'cube: leaf 0 has 3 parameters but 2 gradients',
    )
    // the fused step writes the parameters, so it always needs them, and of the gradients' sizes
    expect(() => cube.applyScaledInPlace!({ w: tensor([1, 2]) }, { calls: 0 }, undefined as never, 1)).toThrow('cube: needs params, got undefined')
    expect(() => cube.applyScaledInPlace!({ w: tensor([1, 2]) }, { calls: 0 }, { w: tensor([1, 2, 3]) }, 1)).toThrow(
      'cube: leaf 0 has 3 parameters but 2 gradients',
    )
  })
})
