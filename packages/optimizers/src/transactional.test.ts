import { describe, expect, it } from 'vitest'
import { tensor, type Tensor } from '@gd/tensor'
import { adam, adamw, applyUpdates, deserializeState, serializeState, sgd, stepInPlace } from './index.js'

const f64 = (x: number[]): Tensor => tensor(x, { dtype: 'float64' })
/** Every bit of a tree or state (typed arrays as base64 of their bytes). */
const bits = (x: unknown): string => serializeState(x)
const vals = (t: Record<string, Tensor>) =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Array.from(v.data)]))

describe('a call that throws leaves params and state exactly as they were', () => {
  it('stepInPlace with a bad second leaf writes nothing; the retry equals a clean single step', () => {
    const opt = adam({ learningRate: 0.1 })
    const params = { a: f64([1, 2]), b: f64([3, 4, 5]) }
    const clean = { a: f64([1, 2]), b: f64([3, 4, 5]) }
    const state = opt.init(params)
    const before = [bits(params), bits(state)]
    expect(() => stepInPlace(opt, { a: f64([0.5, -1]), b: f64([1, 2]) }, state, params)).toThrow(
      'stepInPlace: grads.b has 2 elements but params.b has 3',
    )
    expect([bits(params), bits(state)]).toEqual(before)
    const good = { a: f64([0.5, -1]), b: f64([1, 2, 3]) }
    stepInPlace(opt, good, state, params)
    stepInPlace(opt, good, opt.init(clean), clean)
    expect(bits(params)).toEqual(bits(clean))
  })

  it('update with a bad second leaf, or adamw without params, writes nothing', () => {
    const params = { a: f64([1, 2]), b: f64([3, 4, 5]) }
    for (const opt of [adam(), adamw()]) {
      const state = opt.init(params)
      const before = bits(state)
      expect(() => opt.update({ a: f64([1, 1]), b: f64([1]) }, state, params)).toThrow(
        'grads.b has 1 elements but the state was built for 3',
      )
      expect(bits(state)).toEqual(before)
    }
    const opt = adamw()
    const state = opt.init(params)
    const before = bits(state)
    expect(() => opt.update({ a: f64([1, 1]), b: f64([1, 1, 1]) }, state)).toThrow(
      'addDecayedWeights: needs params, got undefined',
    )
    expect(bits(state)).toEqual(before)
    // and the state is still usable: the retry equals a clean step
    const r = opt.update({ a: f64([1, 1]), b: f64([1, 1, 1]) }, state, params)
    const c = opt.update({ a: f64([1, 1]), b: f64([1, 1, 1]) }, opt.init(params), params)
    expect(bits(r)).toEqual(bits(c))
  })

  it('a schedule value out of range after the moments link throws before the moments move', () => {
    const opt = sgd({ learningRate: (k) => (k === 1 ? Number.NaN : 0.1), momentum: 0.9 })
    const params = { w: f64([1]) }
    const s1 = opt.update({ w: f64([1]) }, opt.init(params), params).state
    const before = bits(s1)
    expect(() => opt.update({ w: f64([1]) }, s1, params)).toThrow(
      'learningRate must be >= 0, got NaN from its schedule at step 1',
    )
    expect(bits(s1)).toEqual(before)
  })
})

describe('trees pair by key, never by leaf order', () => {
  it('grads with the same keys in another order update the right moments', () => {
    const opt = adam({ learningRate: 0.1 })
    let p = { a: f64([1, 2]), b: f64([3]) }
    let q = { a: f64([1, 2]), b: f64([3]) }
    let sp = opt.init(p)
    let sq = opt.init(q)
    for (let k = 0; k < 3; k++) {
      const rp = opt.update({ a: f64([k, 1]), b: f64([-k]) }, sp, p)
      const rq = opt.update({ b: f64([-k]), a: f64([k, 1]) }, sq, q)
      p = applyUpdates(p, rp.updates)
      q = applyUpdates(q, rq.updates)
      sp = rp.state
      sq = rq.state
    }
    expect(vals(q)).toEqual(vals(p))
  })

  it('a missing, extra or differently nested leaf is an error naming its path', () => {
    const opt = adam()
    const params = { layers: [{ w: f64([1]) }, { w: f64([2]) }] }
    const s = () => opt.init(params)
    expect(() => opt.update({ layers: [{ w: f64([1]) }] }, s())).toThrow(
      'scaleByAdam: grads.layers[1].w is missing, the state has a leaf there',
    )
    expect(() => opt.update({ layers: [{ w: f64([1]) }, { w: f64([1]), b: f64([1]) }] }, s())).toThrow(
      'scaleByAdam: grads.layers[1].b is not in the state',
    )
    expect(() => opt.update({ layers: { 0: { w: f64([1]) }, 1: { w: f64([1]) } } }, s())).toThrow(
      'scaleByAdam: grads.layers["0"].w is not in the state',
    )
    expect(() => applyUpdates(params, { layers: [{ w: f64([1]) }] })).toThrow(
      'applyUpdates: updates.layers[1].w is missing, params has a leaf there',
    )
  })
})

describe('a state passed to update is consumed', () => {
  it('reusing it throws; its serialized copy is a fresh valid state', () => {
    const opt = adam()
    const params = { w: f64([1]) }
    const s0 = opt.init(params)
    const copy = serializeState(s0)
    const s1 = opt.update({ w: f64([1]) }, s0, params).state
    expect(() => opt.update({ w: f64([1]) }, s0, params)).toThrow(
      'chain: state was already used by an update; pass the state that update returned (states are consumed)',
    )
    expect(() => opt.update({ w: f64([1]) }, s1, params)).not.toThrow()
    const fresh = opt.update({ w: f64([1]) }, deserializeState(copy), params).state
    expect(bits(fresh)).toEqual(bits(opt.update({ w: f64([1]) }, opt.init(params), params).state))
  })
})
