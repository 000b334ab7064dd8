import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { adagrad } from '../index.js'

// PyTorch's documented Adagrad: clr = η / (1 + (t − 1) lrDecay), s += g², θ −= clr g / (√s + ε).
type O = { learningRate: number; lrDecay: number; weightDecay: number; initialAccumulatorValue: number; eps: number }
const reference = (o: O) =>
  perElement(
    () => ({ s: o.initialAccumulatorValue }),
    (g, p, m, t) => {
      g += o.weightDecay * p
      const clr = o.learningRate / (1 + (t - 1) * o.lrDecay)
      m.s += g * g
      return p - (clr * g) / (Math.sqrt(m.s) + o.eps)
    },
  )

optimizerConformance({
  name: 'adagrad',
  make: adagrad,
  kit,
  quadratic: { options: { learningRate: 0.5 }, steps: 500, tolerance: 1e-6 },
  rosenbrock: { options: { learningRate: 0.5 }, steps: 20000, tolerance: 1e-4 },
  reference: {
    options: { learningRate: 0.3, lrDecay: 0.1, weightDecay: 0.05, initialAccumulatorValue: 0.2, eps: 1e-10 },
    make: reference,
  },
  options: { learningRate: 0.1 },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [
    [{ lrDecay: -1 }, 'adagrad: lrDecay must be >= 0, got -1'],
    [{ eps: 0 }, 'adagrad: eps must be > 0, got 0'],
    [{ initialAccumulatorValue: -0.1 }, 'adagrad: initialAccumulatorValue must be >= 0, got -0.1'],
  ],
})
