import { optimizerConformance } from '@gd/testing'
import { kit } from '../../test/kit.js'
import { lamb } from '../index.js'

// The paper's Algorithm 2 for one layer (the whole vector): r = m̂/(√v̂ + ε) + λθ,
// θ ← θ − η ‖θ‖/‖r‖ · r (ratio 1 when a norm is 0).
type O = { learningRate: number; beta1: number; beta2: number; eps: number; weightDecay: number }
const reference = (o: O) => {
  let m: number[] = []
  let v: number[] = []
  let t = 0
  return (g: readonly number[], p: readonly number[]): number[] => {
    t++
    if (t === 1) [m, v] = [g.map(() => 0), g.map(() => 0)]
    m = m.map((mi, i) => o.beta1 * mi + (1 - o.beta1) * g[i]!)
    v = v.map((vi, i) => o.beta2 * vi + (1 - o.beta2) * g[i]! ** 2)
    const r = p.map(
      (pi, i) => m[i]! / (1 - o.beta1 ** t) / (Math.sqrt(v[i]! / (1 - o.beta2 ** t)) + o.eps) + o.weightDecay * pi,
    )
    const norm = (xs: readonly number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0))
    const ratio = norm(p) === 0 || norm(r) === 0 ? 1 : norm(p) / norm(r)
    return p.map((pi, i) => pi - o.learningRate * ratio * r[i]!)
  }
}

const decay = (lr: number, k: number) => (s: number) => lr * k ** s

optimizerConformance({
  name: 'lamb',
  make: lamb,
  kit,
  // the trust ratio makes every step about η‖θ‖ long, so η decays to settle
  quadratic: { options: { learningRate: decay(0.1, 0.995) }, steps: 2000, tolerance: 1e-6 },
  rosenbrock: { options: { learningRate: decay(0.02, 0.9997) }, steps: 20000, tolerance: 1e-3 },
  reference: { options: { learningRate: 0.05, beta1: 0.9, beta2: 0.99, eps: 1e-6, weightDecay: 0.1 }, make: reference },
  options: { learningRate: 0.01 },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [[{ eps: -1 }, 'lamb: eps must be > 0, got -1']],
})
