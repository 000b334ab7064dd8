import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { lion } from '../index.js'

// The paper's Program 1, with decoupled decay θ ← θ − η λ θ.
type O = { learningRate: number; beta1: number; beta2: number; weightDecay: number }
const reference = (o: O) =>
  perElement(
    () => ({ m: 0 }),
    (g, p, s) => {
      const u = Math.sign(o.beta1 * s.m + (1 - o.beta1) * g)
      s.m = o.beta2 * s.m + (1 - o.beta2) * g
      return p - o.learningRate * (u + o.weightDecay * p)
    },
  )

const decay = (lr: number, r: number) => (k: number) => lr * r ** k

optimizerConformance({
  name: 'lion',
  make: lion,
  kit,
  // every step is ±η per coordinate, so η must decay for the iterate to settle
  quadratic: { options: { learningRate: decay(0.05, 0.99) }, steps: 1000, tolerance: 1e-5 },
  rosenbrock: { options: { learningRate: decay(0.01, 0.9995) }, steps: 20000, tolerance: 1e-5 },
  reference: { options: { learningRate: 0.01, beta1: 0.9, beta2: 0.99, weightDecay: 0.5 }, make: reference },
  options: { learningRate: 0.01 },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [
    [{ beta2: 1 }, 'lion: beta2 must be in [0, 1), got 1'],
    [{ learningRate: -1e-4 }, 'lion: learningRate must be >= 0 (or a schedule), got -0.0001'],
  ],
})
