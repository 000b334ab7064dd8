import { describe, expect, it } from 'vitest'
import { tensor } from '@gd/tensor'
import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { adam, applyUpdates } from '../index.js'

// PyTorch's documented Adam, one coordinate at a time (amsgrad keeps the running max of v).
const reference = (o: {
  learningRate: number
  beta1: number
  beta2: number
  eps: number
  amsgrad?: boolean
  weightDecay?: number
}) =>
  perElement(
    () => ({ m: 0, v: 0, vmax: 0 }),
    (g, p, s, t) => {
      g = g + (o.weightDecay ?? 0) * p
      s.m = o.beta1 * s.m + (1 - o.beta1) * g
      s.v = o.beta2 * s.v + (1 - o.beta2) * g * g
      s.vmax = Math.max(s.vmax, s.v)
      const mHat = s.m / (1 - o.beta1 ** t)
      const vHat = (o.amsgrad ? s.vmax : s.v) / (1 - o.beta2 ** t)
      return p - (o.learningRate * mHat) / (Math.sqrt(vHat) + o.eps)
    },
  )

const invalid = [
  [{ beta1: 1.2 }, 'adam: beta1 must be in [0, 1), got 1.2'],
  [{ beta2: -0.1 }, 'adam: beta2 must be in [0, 1), got -0.1'],
  [{ eps: 0 }, 'adam: eps must be > 0, got 0'],
  [{ learningRate: -1 }, 'adam: learningRate must be >= 0 (or a schedule), got -1'],
  [{ amsgrad: 1 }, 'adam: amsgrad must be a boolean, got 1'],
] as const

optimizerConformance({
  name: 'adam',
  make: adam,
  kit,
  quadratic: { options: { learningRate: 0.1 }, steps: 500, tolerance: 1e-3 },
  rosenbrock: { options: { learningRate: 0.02 }, steps: 5000, tolerance: 1e-3 },
  reference: { options: { learningRate: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, make: reference },
  options: { learningRate: 0.01 },
  schedule: true,
  zeroGradient: 'stays',
  invalid,
})

describe('adam options', () => {
  it('amsgrad and coupled weight decay follow PyTorch', () => {
    const o = { learningRate: 0.05, beta1: 0.8, beta2: 0.9, eps: 1e-8, amsgrad: true, weightDecay: 0.1 }
    const ref = reference(o)
    const opt = adam(o)
    let params = { w: tensor([1, -2, 3], { dtype: 'float64' }) }
    let state = opt.init(params)
    let expected = [1, -2, 3]
    // gradients that shrink so v falls and the running max matters
    for (const scaleG of [4, 1, 0.25]) {
      const g = [scaleG, -scaleG, 2 * scaleG]
      expected = ref(g, expected)
      const r = opt.update({ w: tensor(g, { dtype: 'float64' }) }, state, params)
      params = applyUpdates(params, r.updates)
      state = r.state
    }
    Array.from(params.w.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12))
  })

  it('names a leaf that is no float tensor', () => {
    const opt = adam()
    expect(() => opt.init({ w: 3 } as never)).toThrow('scaleByAdam: expected float32 or float64 tensors, got number')
    const params = { w: tensor([1, 2]) }
    expect(() => opt.update({ w: [null] } as never, opt.init(params), params)).toThrow(
      'scaleByAdam: expected float32 or float64 tensors, got null',
    )
  })

  it('a hand-worked first step moves each coordinate by the learning rate', () => {
    // t = 1: m̂ = g, v̂ = g², so the step is η g / (|g| + ε) ≈ η sign(g)
    const opt = adam({ learningRate: 0.1 })
    const params = { w: tensor([1, 2], { dtype: 'float64' }) }
    const r = opt.update({ w: tensor([0.5, -3], { dtype: 'float64' }) }, opt.init(params), params)
    const u = Array.from(applyUpdates(params, r.updates).w.data)
    expect(u[0]).toBeCloseTo(0.9, 7)
    expect(u[1]).toBeCloseTo(2.1, 7)
  })
})
