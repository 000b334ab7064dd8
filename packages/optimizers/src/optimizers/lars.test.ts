import { optimizerConformance } from '@gd/testing'
import { kit } from '../../test/kit.js'
import { lars } from '../index.js'

// The paper's Algorithm 1 for one layer: r = g + βθ, λ = c‖θ‖/(‖r‖ + eps), b ← μb + λr, θ ← θ − ηb.
type O = { learningRate: number; weightDecay: number; trustCoefficient: number; eps: number; momentum: number }
const reference = (o: O) => {
  let b: number[] = []
  return (g: readonly number[], p: readonly number[]): number[] => {
    if (b.length === 0) b = g.map(() => 0)
    const r = g.map((gi, i) => gi + o.weightDecay * p[i]!)
    const norm = (xs: readonly number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0))
    const local = norm(p) === 0 || norm(r) === 0 ? 1 : (o.trustCoefficient * norm(p)) / (norm(r) + o.eps)
    b = b.map((bi, i) => o.momentum * bi + local * r[i]!)
    return p.map((pi, i) => pi - o.learningRate * b[i]!)
  }
}

const decay = (lr: number, k: number) => (s: number) => lr * k ** s

optimizerConformance({
  name: 'lars',
  make: lars,
  kit,
  quadratic: { options: { learningRate: decay(50, 0.995) }, steps: 2000, tolerance: 1e-6 },
  rosenbrock: { options: { learningRate: decay(5, 0.9997) }, steps: 20000, tolerance: 1e-4 },
  reference: {
    options: { learningRate: 10, weightDecay: 0.01, trustCoefficient: 0.001, eps: 1e-9, momentum: 0.9 },
    make: reference,
  },
  options: { learningRate: 1 },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [
    [{ trustCoefficient: 0 }, 'lars: trustCoefficient must be > 0, got 0'],
    [{ momentum: 1 }, 'lars: momentum must be in [0, 1), got 1'],
  ],
})
