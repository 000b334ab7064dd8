import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { sgd } from '../index.js'

// PyTorch's documented SGD, per coordinate.
type O = { learningRate: number; momentum: number; dampening: number; nesterov: boolean; weightDecay: number }
const reference = (o: O) =>
  perElement(
    () => ({ b: 0 }),
    (g, p, s, t) => {
      g = g + o.weightDecay * p
      if (o.momentum !== 0) {
        s.b = t === 1 ? g : o.momentum * s.b + (1 - o.dampening) * g
        g = o.nesterov ? g + o.momentum * s.b : s.b
      }
      return p - o.learningRate * g
    },
  )

optimizerConformance({
  name: 'sgd',
  make: sgd,
  kit,
  quadratic: { options: { learningRate: 0.05, momentum: 0.9, nesterov: true }, steps: 300, tolerance: 1e-4 },
  rosenbrock: { options: { learningRate: 5e-4, momentum: 0.9 }, steps: 20000, tolerance: 1e-3 },
  reference: {
    options: { learningRate: 0.05, momentum: 0.8, dampening: 0.3, nesterov: false, weightDecay: 0.1 },
    make: reference,
  },
  options: { learningRate: 0.05, momentum: 0.9, nesterov: true },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [
    [{ momentum: 1 }, 'sgd: momentum must be in [0, 1), got 1'],
    [{ dampening: 2 }, 'sgd: dampening must be in [0, 1], got 2'],
    [{ nesterov: true }, 'sgd: nesterov needs momentum > 0 and dampening 0, got momentum 0 and dampening 0'],
    [{ weightDecay: -1 }, 'sgd: weightDecay must be >= 0 (or a schedule), got -1'],
  ],
})

// A second call with nesterov and decay in the reference, so both branches meet PyTorch's rule.
optimizerConformance({
  name: 'sgd',
  make: sgd,
  kit,
  quadratic: { options: { learningRate: 0.1 }, steps: 300, tolerance: 1e-6 },
  rosenbrock: { options: { learningRate: 1e-3, momentum: 0.95, nesterov: true }, steps: 20000, tolerance: 1e-3 },
  reference: {
    options: { learningRate: 0.05, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0.01 },
    make: reference,
  },
  options: { learningRate: 0.05, weightDecay: 0.5 },
  schedule: true,
  zeroGradient: 'shrinks',
  invalid: [],
})
