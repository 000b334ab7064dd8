import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { rprop } from '../index.js'

// PyTorch's documented Rprop (iRprop−).
type O = { learningRate: number; etaMinus: number; etaPlus: number; stepSizeMin: number; stepSizeMax: number }
const reference = (o: O) =>
  perElement(
    () => ({ prev: 0, step: o.learningRate }),
    (g, p, s) => {
      const sign = g * s.prev
      if (sign > 0) s.step = Math.min(s.step * o.etaPlus, o.stepSizeMax)
      else if (sign < 0) {
        s.step = Math.max(s.step * o.etaMinus, o.stepSizeMin)
        g = 0
      }
      s.prev = g
      return p - Math.sign(g) * s.step
    },
  )

optimizerConformance({
  name: 'rprop',
  make: rprop,
  kit,
  quadratic: { options: { learningRate: 0.01 }, steps: 500, tolerance: 1e-6 },
  // Rprop's per-element steps shrink to the valley's width and crawl along it
  rosenbrock: { options: { learningRate: 0.01 }, steps: 20000, tolerance: 5e-3 },
  // a large initial step so the sign flips (and the step shrinks) within the first steps
  reference: {
    options: { learningRate: 0.8, etaMinus: 0.5, etaPlus: 1.2, stepSizeMin: 1e-6, stepSizeMax: 50 },
    make: reference,
    steps: 8,
  },
  options: { learningRate: 0.01 },
  schedule: false,
  zeroGradient: 'stays',
  invalid: [
    [{ etaPlus: 0.9 }, 'rprop: etaPlus must be > 1, got 0.9'],
    [{ etaMinus: 1 }, 'rprop: etaMinus must be in (0, 1), got 1'],
    [{ stepSizeMin: 2, stepSizeMax: 1 }, 'rprop: stepSizeMin must be <= stepSizeMax, got 2 > 1'],
  ],
})
