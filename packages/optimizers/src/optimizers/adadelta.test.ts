import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { adadelta } from '../index.js'

// Zeiler's Algorithm 1 (PyTorch's documented form), with the learning rate scaling Δ.
type O = { learningRate: number; rho: number; eps: number; weightDecay: number }
const reference = (o: O) =>
  perElement(
    () => ({ v: 0, a: 0 }),
    (g, p, m) => {
      g += o.weightDecay * p
      m.v = o.rho * m.v + (1 - o.rho) * g * g
      const delta = (Math.sqrt(m.a + o.eps) / Math.sqrt(m.v + o.eps)) * g
      m.a = o.rho * m.a + (1 - o.rho) * delta * delta
      return p - o.learningRate * delta
    },
  )

optimizerConformance({
  name: 'adadelta',
  make: adadelta,
  kit,
  // Adadelta's first steps are ~√eps long and its step near a minimum is about η·RMS(Δ)/RMS(g), so η
  // must suit the curvature (10 on the quadratic, ~1000 along Rosenbrock's valley).
  quadratic: { options: { learningRate: 0.1 }, steps: 5000, tolerance: 1e-6 },
  rosenbrock: { options: { learningRate: 0.02 }, steps: 30000, tolerance: 1e-2 },
  reference: { options: { learningRate: 1, rho: 0.9, eps: 1e-6, weightDecay: 0.1 }, make: reference },
  options: { learningRate: 1 },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [
    [{ rho: 2 }, 'adadelta: rho must be in [0, 1], got 2'],
    [{ eps: -1 }, 'adadelta: eps must be > 0, got -1'],
  ],
})
