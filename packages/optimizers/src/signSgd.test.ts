import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../test/kit.js'
import { signSgd } from './index.js'

// Signum (Algorithm 2) with the momentum started at g: θ ← θ − η sign(m).
type O = { learningRate: number; momentum: number }
const reference = (o: O) =>
  perElement(
    () => ({ m: 0 }),
    (g, p, s, t) => {
      s.m = t === 1 ? g : o.momentum * s.m + (1 - o.momentum) * g
      return p - o.learningRate * Math.sign(s.m)
    },
  )

const decay = (lr: number, r: number) => (k: number) => lr * r ** k

optimizerConformance({
  name: 'signSgd',
  make: signSgd,
  kit,
  // fixed-length steps: η decays so the iterate settles
  quadratic: { options: { learningRate: decay(0.05, 0.99) }, steps: 1000, tolerance: 1e-5 },
  rosenbrock: { options: { learningRate: decay(0.01, 0.9995), momentum: 0.9 }, steps: 20000, tolerance: 1e-5 },
  reference: { options: { learningRate: 0.01, momentum: 0.9 }, make: reference },
  options: { learningRate: 0.01, momentum: 0.5 },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [[{ momentum: 1 }, 'signSgd: momentum must be in [0, 1), got 1']],
})
