import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { rmsprop } from '../index.js'

// PyTorch's documented RMSprop.
type O = { learningRate: number; alpha: number; eps: number; weightDecay: number; momentum: number; centered: boolean }
const reference = (o: O) =>
  perElement(
    () => ({ v: 0, gAvg: 0, b: 0 }),
    (g, p, m) => {
      g += o.weightDecay * p
      m.v = o.alpha * m.v + (1 - o.alpha) * g * g
      let ms = m.v
      if (o.centered) {
        m.gAvg = o.alpha * m.gAvg + (1 - o.alpha) * g
        ms -= m.gAvg * m.gAvg
      }
      const step = g / (Math.sqrt(ms) + o.eps)
      if (o.momentum > 0) {
        m.b = o.momentum * m.b + step
        return p - o.learningRate * m.b
      }
      return p - o.learningRate * step
    },
  )

const decay = (lr: number, r: number) => (k: number) => lr * r ** k

optimizerConformance({
  name: 'rmsprop',
  make: rmsprop,
  kit,
  // RMSprop's steps stay about η long at any distance, so η decays to let it settle
  quadratic: { options: { learningRate: decay(0.01, 0.995) }, steps: 2000, tolerance: 1e-6 },
  rosenbrock: { options: { learningRate: decay(0.01, 0.9995), momentum: 0.5 }, steps: 20000, tolerance: 1e-6 },
  reference: {
    options: { learningRate: 0.01, alpha: 0.9, eps: 1e-8, weightDecay: 0.1, momentum: 0.8, centered: true },
    make: reference,
  },
  options: { learningRate: 0.01, momentum: 0.9 },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [
    [{ alpha: 1 }, 'rmsprop: alpha must be in [0, 1), got 1'],
    [{ momentum: -0.5 }, 'rmsprop: momentum must be in [0, 1), got -0.5'],
    [{ centered: 'yes' }, 'rmsprop: centered must be a boolean, got "yes"'],
  ],
})
