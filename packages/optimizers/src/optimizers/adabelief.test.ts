import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { adabelief } from '../index.js'

// The paper's Algorithm 2, with decoupled decay.
type O = { learningRate: number; beta1: number; beta2: number; eps: number; weightDecay: number }
const reference = (o: O) =>
  perElement(
    () => ({ m: 0, s: 0 }),
    (g, p, st, t) => {
      const decayed = p - o.learningRate * o.weightDecay * p
      st.m = o.beta1 * st.m + (1 - o.beta1) * g
      st.s = o.beta2 * st.s + (1 - o.beta2) * (g - st.m) ** 2 + o.eps
      const mHat = st.m / (1 - o.beta1 ** t)
      const sHat = st.s / (1 - o.beta2 ** t)
      return decayed - (o.learningRate * mHat) / (Math.sqrt(sHat) + o.eps)
    },
  )

optimizerConformance({
  name: 'adabelief',
  make: adabelief,
  kit,
  quadratic: { options: { learningRate: 0.1 }, steps: 1000, tolerance: 1e-6 },
  rosenbrock: { options: { learningRate: 0.02 }, steps: 20000, tolerance: 1e-4 },
  reference: { options: { learningRate: 0.05, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 }, make: reference },
  options: { learningRate: 0.01 },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [[{ beta1: -1 }, 'adabelief: beta1 must be in [0, 1), got -1']],
})
