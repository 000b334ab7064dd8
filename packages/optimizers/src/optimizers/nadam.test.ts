import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { nadam } from '../index.js'

// PyTorch's documented NAdam, with the μₜ schedule and its running product.
type O = { learningRate: number; beta1: number; beta2: number; eps: number; weightDecay: number; momentumDecay: number }
const reference = (o: O) => {
  const mu = (t: number) => o.beta1 * (1 - 0.5 * 0.96 ** (t * o.momentumDecay))
  return perElement(
    () => ({ m: 0, v: 0, prod: 1 }),
    (g, p, s, t) => {
      g += o.weightDecay * p
      s.prod *= mu(t)
      s.m = o.beta1 * s.m + (1 - o.beta1) * g
      s.v = o.beta2 * s.v + (1 - o.beta2) * g * g
      const mHat = (mu(t + 1) * s.m) / (1 - s.prod * mu(t + 1)) + ((1 - mu(t)) * g) / (1 - s.prod)
      const vHat = s.v / (1 - o.beta2 ** t)
      return p - (o.learningRate * mHat) / (Math.sqrt(vHat) + o.eps)
    },
  )
}

optimizerConformance({
  name: 'nadam',
  make: nadam,
  kit,
  quadratic: { options: { learningRate: 0.1 }, steps: 500, tolerance: 1e-6 },
  rosenbrock: { options: { learningRate: 0.005 }, steps: 20000, tolerance: 1e-3 },
  reference: {
    options: { learningRate: 0.05, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, momentumDecay: 0.004 },
    make: reference,
  },
  options: { learningRate: 0.01 },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [
    [{ momentumDecay: -1 }, 'nadam: momentumDecay must be >= 0, got -1'],
    [{ beta1: 2 }, 'nadam: beta1 must be in [0, 1), got 2'],
  ],
})
