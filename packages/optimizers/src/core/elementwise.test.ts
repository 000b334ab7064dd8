import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves } from '@gd/tensor'
import { chain, scaleByLearningRate, stepInPlace } from '../index.js'
import { elementwise, type FloatArray } from '../extend.js'

function cubeLoop(g: FloatArray, out: FloatArray, base: FloatArray | null, factor: number): void {
  for (let i = 0; i < g.length; i++) {
    const u = g[i]! ** 3
    out[i] = base === null ? u : base[i]! + factor * u
  }
}
const cube = elementwise(
  'cube',
  () => ({ calls: 0 }),
  (state) => ({
    state: { calls: state.calls + 1 },
    kernel: (k, g, out, base, factor) => cubeLoop(g, out, base, factor),
  }),
  { sizes: () => [2] },
)

describe('elementwise', () => {
  it('runs the kernel per leaf and threads the state', () => {
    const r = cube.update({ w: tensor([2, -1]) }, cube.init({ w: tensor([0, 0]) }))
    expect(Array.from(treeLeaves(r.updates)[0]!.data)).toEqual([8, -1])
    // with `sizes`, the state records the params' leaf paths, to pair later trees by key
    expect(r.state).toEqual({ calls: 1, paths: ['w'] })
  })

  it('fuses with a following learning rate in stepInPlace', () => {
    const tx = chain(cube, scaleByLearningRate(0.5))
    const params = { w: tensor([1, 1]) }
    stepInPlace(tx, { w: tensor([2, -1]) }, tx.init(params), params)
    // 1 − 0.5·8 = −3, 1 − 0.5·(−1) = 1.5
    expect(Array.from(params.w.data)).toEqual([-3, 1.5])
  })

  it('checks leaf sizes against the state and needs float tensors', () => {
    const s = () => cube.init({ w: tensor([0, 0]) })
    expect(() => cube.update({ w: tensor([1, 2, 3]) }, s())).toThrow(
      'cube: grads.w has 3 elements but the state was built for 2',
    )
    expect(() => cube.update({ a: tensor([1, 2]), b: tensor([1, 2]) }, s())).toThrow(
      'cube: grads.a is not in the state',
    )
    expect(() => cube.update({}, s())).toThrow('cube: grads.w is missing, the state has a leaf there')
    // a state without paths (built by hand) pairs by leaf order and counts the leaves
    expect(() => cube.update({ a: tensor([1, 2]), b: tensor([1, 2]) }, { calls: 0 })).toThrow(
      'cube: expected 1 gradient leaves (as at init), got 2',
    )
    expect(() => cube.update({ w: tensor([1, 2], { dtype: 'int32' }) }, s())).toThrow(
      'cube: expected float32 or float64 tensors, got int32',
    )
    expect(() => cube.update({ w: tensor([1, 2]) }, s(), { w: tensor([1, 2]), b: tensor([1]) })).toThrow(
      'cube: params.b is not in grads',
    )
    const needs = elementwise(
      'needsP',
      () => ({}),
      (s) => ({ state: s, kernel: () => {} }),
      { needsParams: true },
    )
    expect(() => needs.update({ w: tensor([1]) }, {})).toThrow('needsP: needs params, got undefined')
    expect(() => cube.update({ w: tensor([1, 2]) }, s(), { w: tensor([1, 2, 3]) })).toThrow(
      'cube: params.w has 3 elements but its gradient has 2',
    )
    // the fused step writes the parameters, so it always needs them, and of the gradients' sizes
    expect(() => cube.applyScaledInPlace!({ w: tensor([1, 2]) }, s(), undefined as never, 1)).toThrow(
      'cube: needs params, got undefined',
    )
    expect(() => cube.applyScaledInPlace!({ w: tensor([1, 2]) }, s(), { w: tensor([1, 2, 3]) }, 1)).toThrow(
      'cube: params.w has 3 elements but its gradient has 2',
    )
    for (const bad of [undefined, null, 3])
      expect(() => cube.update({ w: tensor([1, 2]) }, bad as never)).toThrow(
        `cube: state must be a state from init, got ${bad}`,
      )
  })

  it('pairs grads and params with the state by key, not by leaf order', () => {
    // a per-leaf memory: out = g + (sum of earlier g of this leaf)
    const sum = elementwise(
      'sum',
      (p) => ({ acc: [new Float64Array(1), new Float64Array(2)].slice(0, Object.keys(p as object).length) }),
      (state) => ({
        state: { ...state },
        kernel: (k, g, out) => {
          const a = state.acc[k]!
          for (let i = 0; i < g.length; i++) out[i] = a[i] = a[i]! + g[i]!
        },
      }),
      { sizes: (s) => s.acc.map((a) => a.length) },
    )
    const f64 = (x: number[]) => tensor(x, { dtype: 'float64' })
    let s = sum.init({ a: f64([0]), b: f64([0, 0]) })
    s = sum.update({ a: f64([1]), b: f64([10, 20]) }, s).state
    const r = sum.update({ b: f64([1, 2]), a: f64([5]) }, s)
    expect(Object.keys(r.updates)).toEqual(['b', 'a'])
    expect(Array.from((r.updates as unknown as { a: { data: Float64Array } }).a.data)).toEqual([6])
    expect(Array.from((r.updates as unknown as { b: { data: Float64Array } }).b.data)).toEqual([11, 22])
  })

  it('consumes the state passed to update: reusing it throws, a failed call consumes nothing', () => {
    const s0 = cube.init({ w: tensor([0, 0]) })
    expect(() => cube.update({ w: tensor([1]) }, s0)).toThrow('has 1 elements')
    const s1 = cube.update({ w: tensor([1, 2]) }, s0).state
    expect(() => cube.update({ w: tensor([1, 2]) }, s0)).toThrow(
      'cube: state was already used by an update; pass the state that update returned (states are consumed)',
    )
    expect(cube.update({ w: tensor([1, 2]) }, s1).state).toEqual({ calls: 2, paths: ['w'] })
    // a JSON copy is a fresh state
    expect(cube.update({ w: tensor([1, 2]) }, JSON.parse(JSON.stringify(s0))).state).toEqual({ calls: 1, paths: ['w'] })
  })
})
