import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { adamax } from '../index.js'

// PyTorch's documented Adamax: u = max(β₂u, |g| + ε), θ −= η/(1 − β₁ᵗ) · m/u.
type O = { learningRate: number; beta1: number; beta2: number; eps: number; weightDecay: number }
const reference = (o: O) =>
  perElement(
    () => ({ m: 0, u: 0 }),
    (g, p, s, t) => {
      g += o.weightDecay * p
      s.m = o.beta1 * s.m + (1 - o.beta1) * g
      s.u = Math.max(o.beta2 * s.u, Math.abs(g) + o.eps)
      return p - (o.learningRate / (1 - o.beta1 ** t)) * (s.m / s.u)
    },
  )

optimizerConformance({
  name: 'adamax',
  make: adamax,
  kit,
  quadratic: { options: { learningRate: 0.1 }, steps: 1000, tolerance: 1e-6 },
  rosenbrock: { options: { learningRate: 0.02 }, steps: 10000, tolerance: 1e-4 },
  reference: { options: { learningRate: 0.1, beta1: 0.9, beta2: 0.9, eps: 1e-8, weightDecay: 0.1 }, make: reference },
  options: { learningRate: 0.01 },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [
    [{ beta2: 1 }, 'adamax: beta2 must be in [0, 1), got 1'],
    [{ eps: 0 }, 'adamax: eps must be > 0, got 0'],
  ],
})
