import { beforeAll, describe, expect, it } from 'vitest'
import { exp, initWasm, mul, Tensor, tensor } from '@gd/tensor'
import { adam, sgd } from '../index.js'
import { stepInPlace } from './stepInPlace.js'
import { addInPlace } from './stepInPlace.js'

beforeAll(async () => {
  // deferred elementwise results need the Wasm kernels
  await initWasm()
})

/** 65,536 values (the size from which @gd/tensor defers float32 elementwise results outside scopes). */
const N = 65536
const start = (): Float32Array => Float32Array.from({ length: N }, (_, i) => Math.sin(i))

describe('stepInPlace and deferred results of @gd/tensor', () => {
  it('a result made from a parameter before a step is computed from the parameter as it was', () => {
    const w = tensor(start())
    const params = { w }
    const y = exp(w) // deferred: computed when read
    const z = mul(y, 2) // and a chain on it
    const opt = sgd({ learningRate: 1 })
    stepInPlace(opt, { w: tensor(new Float32Array(N).fill(1)) }, opt.init(params), params)
    expect(w.data[1]).toBeCloseTo(Math.sin(1) - 1, 6) // the step wrote w: θ − 1 · 1
    // the eager values, from a copy of the parameter as it was (a user's array: ops on it run at once)
    const before = exp(new Tensor(start(), [N], 'float32')).data
    expect(Array.from(y.data.subarray(0, 4))).toEqual(Array.from(before.subarray(0, 4)))
    expect(y.data).toEqual(before)
    expect(z.data[1]).toBe(Math.fround(2 * before[1]!))
  })

  it('on the fused path (Adam) and through addInPlace too', () => {
    const w = tensor(start())
    const params = { w }
    const y = exp(w)
    const opt = adam({ learningRate: 0.1 })
    stepInPlace(opt, { w: tensor(new Float32Array(N).fill(1)) }, opt.init(params), params)
    expect(w.data[0]).toBeCloseTo(-0.1, 5) // Adam's first step moves each weight by the learning rate
    const owned = { w: tensor(start()) }
    const u = exp(owned.w)
    addInPlace('train', owned, { w: tensor(new Float32Array(N).fill(1)) })
    const before = exp(new Tensor(start(), [N], 'float32')).data
    expect(y.data).toEqual(before)
    expect(u.data).toEqual(before)
  })
})
