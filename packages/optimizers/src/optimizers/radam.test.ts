import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { radam } from '../index.js'

// PyTorch's documented RAdam.
type O = { learningRate: number; beta1: number; beta2: number; eps: number; weightDecay: number }
const reference = (o: O) => {
  const rhoInf = 2 / (1 - o.beta2) - 1
  return perElement(
    () => ({ m: 0, v: 0 }),
    (g, p, s, t) => {
      g += o.weightDecay * p
      s.m = o.beta1 * s.m + (1 - o.beta1) * g
      s.v = o.beta2 * s.v + (1 - o.beta2) * g * g
      const mHat = s.m / (1 - o.beta1 ** t)
      const rho = rhoInf - (2 * t * o.beta2 ** t) / (1 - o.beta2 ** t)
      if (rho <= 5) return p - o.learningRate * mHat
      const l = Math.sqrt(1 - o.beta2 ** t) / (Math.sqrt(s.v) + o.eps)
      const r = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho))
      return p - o.learningRate * mHat * l * r
    },
  )
}

optimizerConformance({
  name: 'radam',
  make: radam,
  kit,
  quadratic: { options: { learningRate: 0.1 }, steps: 1000, tolerance: 1e-6 },
  // the first (unrectified) steps are plain momentum SGD, so η must be small for Rosenbrock's slopes
  rosenbrock: { options: { learningRate: 1e-3 }, steps: 20000, tolerance: 1e-6 },
  // β₂ = 0.9 gives ρ∞ = 19, so the rectified branch starts at t = 6 (ρ₆ ≈ 5.5) inside 8 steps
  reference: {
    options: { learningRate: 0.01, beta1: 0.9, beta2: 0.9, eps: 1e-8, weightDecay: 0.1 },
    make: reference,
    steps: 8,
  },
  options: { learningRate: 0.01 },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [[{ eps: 0 }, 'radam: eps must be > 0, got 0']],
})
