import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { yogi } from '../index.js'

// The paper's Algorithm 2: v ← v − (1 − β₂) sign(v − g²) g², θ ← θ − η m / (√v + ε).
type O = { learningRate: number; beta1: number; beta2: number; eps: number; initialAccumulatorValue: number }
const reference = (o: O) =>
  perElement(
    () => ({ m: 0, v: o.initialAccumulatorValue }),
    (g, p, s) => {
      s.m = o.beta1 * s.m + (1 - o.beta1) * g
      s.v = s.v - (1 - o.beta2) * Math.sign(s.v - g * g) * g * g
      return p - (o.learningRate * s.m) / (Math.sqrt(s.v) + o.eps)
    },
  )

optimizerConformance({
  name: 'yogi',
  make: yogi,
  kit,
  quadratic: { options: { learningRate: 0.1 }, steps: 1000, tolerance: 1e-6 },
  rosenbrock: { options: { learningRate: 0.02 }, steps: 10000, tolerance: 1e-4 },
  reference: {
    options: { learningRate: 0.05, beta1: 0.9, beta2: 0.9, eps: 1e-3, initialAccumulatorValue: 1e-6 },
    make: reference,
  },
  options: { learningRate: 0.01 },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [[{ eps: 0 }, 'yogi: eps must be > 0, got 0']],
})
