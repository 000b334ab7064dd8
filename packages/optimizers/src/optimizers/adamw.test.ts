import { describe, expect, it } from 'vitest'
import { tensor } from '@gd/tensor'
import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { adamw, applyUpdates } from '../index.js'

// PyTorch's documented AdamW: θ ← θ(1 − ηλ), then the Adam step.
type O = { learningRate: number; beta1: number; beta2: number; eps: number; weightDecay: number }
const reference = (o: O) =>
  perElement(
    () => ({ m: 0, v: 0 }),
    (g, p, s, t) => {
      p = p * (1 - o.learningRate * o.weightDecay)
      s.m = o.beta1 * s.m + (1 - o.beta1) * g
      s.v = o.beta2 * s.v + (1 - o.beta2) * g * g
      const mHat = s.m / (1 - o.beta1 ** t)
      const vHat = s.v / (1 - o.beta2 ** t)
      return p - (o.learningRate * mHat) / (Math.sqrt(vHat) + o.eps)
    },
  )

optimizerConformance({
  name: 'adamw',
  make: adamw,
  kit,
  quadratic: { options: { learningRate: 0.1, weightDecay: 0 }, steps: 500, tolerance: 1e-6 },
  rosenbrock: { options: { learningRate: 0.02, weightDecay: 0 }, steps: 5000, tolerance: 1e-6 },
  reference: { options: { learningRate: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.2 }, make: reference },
  options: { learningRate: 0.01 },
  schedule: true,
  zeroGradient: 'shrinks',
  invalid: [
    [{ weightDecay: -0.1 }, 'adamw: weightDecay must be >= 0 (or a schedule), got -0.1'],
    [{ beta1: 1 }, 'adamw: beta1 must be in [0, 1), got 1'],
  ],
})

describe('adamw mask', () => {
  it('decays only the masked-in leaves', () => {
    const opt = adamw({ learningRate: 0.1, weightDecay: 0.5, mask: { w: true, b: false } })
    const params = { w: tensor([2], { dtype: 'float64' }), b: tensor([2], { dtype: 'float64' }) }
    const zero = { w: tensor([0], { dtype: 'float64' }), b: tensor([0], { dtype: 'float64' }) }
    const r = opt.update(zero, opt.init(params), params)
    const next = applyUpdates(params, r.updates)
    // w: 2 − 0.1 · 0.5 · 2 = 1.9; b: unchanged
    expect(next.w.item()).toBeCloseTo(1.9, 12)
    expect(next.b.item()).toBe(2)
  })

  it('rejects a mask that does not fit the parameters', () => {
    const opt = adamw({ mask: { w: true } })
    expect(() => opt.init({ w: tensor([1]), b: tensor([1]) })).toThrow(
      'addDecayedWeights: mask does not match the parameters at .b: expected a boolean or a subtree, got undefined',
    )
  })
})
