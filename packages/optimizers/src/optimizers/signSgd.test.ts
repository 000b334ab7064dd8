import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { describe, expect, it } from 'vitest'
import { tensor } from '@gd/tensor'
import { applyUpdates, signSgd } from '../index.js'

// Signum (Algorithm 2): m₀ = 0, m ← β m + (1 − β) g, θ ← θ − η sign(m).
type O = { learningRate: number; momentum: number }
const reference = (o: O) =>
  perElement(
    () => ({ m: 0 }),
    (g, p, s, t) => {
      s.m = o.momentum * s.m + (1 - o.momentum) * g
      return p - o.learningRate * Math.sign(s.m)
    },
  )

const decay = (lr: number, r: number) => (k: number) => lr * r ** k

optimizerConformance({
  name: 'signSgd',
  make: signSgd,
  kit,
  // fixed-length steps: η decays so the iterate settles
  quadratic: { options: { learningRate: decay(0.05, 0.99) }, steps: 1000, tolerance: 1e-5 },
  rosenbrock: { options: { learningRate: decay(0.01, 0.9995), momentum: 0.9 }, steps: 20000, tolerance: 1e-5 },
  reference: { options: { learningRate: 0.01, momentum: 0.9 }, make: reference },
  options: { learningRate: 0.01, momentum: 0.5 },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [[{ momentum: 1 }, 'signSgd: momentum must be in [0, 1), got 1']],
})

describe('signSgd with momentum is Signum (Bernstein et al. 2018, Algorithm 2)', () => {
  it('starts its momentum at 0, m ← β m + (1 − β) g, so a reversed gradient flips the step at once', () => {
    // β = 0.9, η = 1, g₁ = 1, g₂ = −1:
    // m₁ = 0.1, θ₁ = 0 − sign(0.1) = −1; m₂ = 0.9·0.1 + 0.1·(−1) = −0.01, θ₂ = −1 + 1 = 0.
    // (Started at m₁ = g₁ = 1 instead, m₂ = 0.9 − 0.1 = 0.8 and θ₂ would be −2.)
    const opt = signSgd({ learningRate: 1, momentum: 0.9 })
    let params = { w: tensor([0], { dtype: 'float64' }) }
    let state = opt.init(params)
    for (const g of [1, -1]) {
      const r = opt.update({ w: tensor([g], { dtype: 'float64' }) }, state, params)
      params = applyUpdates(params, r.updates)
      state = r.state
    }
    expect(Array.from(params.w.data)).toEqual([0])
  })
})
