import { describe, expect, it } from 'vitest'
import * as AG from '@gd/autograd'
import { prngKey, tensor } from '@gd/tensor'
import type { Observation } from './cartpole.js'
import { discountedReturns, normalize, policyLoss, reinforce, type Baseline } from './reinforce.js'

describe('returns and advantages', () => {
  it('discounts from the end: Gₜ = rₜ + γ Gₜ₊₁', () => {
    // γ = 0.5: G₂ = 1, G₁ = 1 + 0.5 · 1 = 1.5, G₀ = 1 + 0.5 · 1.5 = 1.75
    expect([...discountedReturns([1, 1, 1], 0.5)]).toEqual([1.75, 1.5, 1])
    // rewards other than 1: G₁ = 2 + 0.9 · 0 … G = [3 + 0.9 · 2, 2] = [4.8, 2] for [3, 2]
    expect([...discountedReturns([3, 2], 0.9)]).toEqual([4.8, 2])
    // γ = 0.99 on ten 1s: G₀ = (1 − 0.99¹⁰) / 0.01 = 9.5617925
    expect(discountedReturns(new Float64Array(10).fill(1), 0.99)[0]).toBeCloseTo(9.5617925, 6)
    expect([...discountedReturns([], 0.99)]).toEqual([])
  })

  it('normalizes to mean 0 and standard deviation 1, and gives zeros for constant values', () => {
    // mean 2, population std 1
    expect([...normalize([1, 3])]).toEqual([-1, 1])
    // [1, 2, 3, 6]: mean 3, variance (4 + 1 + 0 + 9) / 4 = 3.5
    const s = Math.sqrt(3.5)
    expect([...normalize([1, 2, 3, 6])]).toEqual([-2 / s, -1 / s, 0, 3 / s])
    expect([...normalize([5])]).toEqual([0])
    expect([...normalize([2, 2, 2])]).toEqual([0, 0, 0])
  })
})

describe('the policy gradient', () => {
  it('has the sign of the advantage: d(−Â log π(a))/dz = −Â (onehot(a) − π)', () => {
    const actions = tensor([1], { dtype: 'int32' })
    // z = [0, 0]: π = [0.5, 0.5], loss = −Â log 0.5; for Â = 1 the gradient is −([0, 1] − [0.5, 0.5]) = [0.5, −0.5]
    expect(policyLoss(tensor([[0, 0]]), actions, tensor([1])).item()).toBeCloseTo(Math.LN2, 6)
    const g = AG.grad((z: AG.Var) => policyLoss(z, actions, tensor([1])))(tensor([[0, 0]]))
    expect(g.toArray()).toEqual([[0.5, -0.5]])
    // a negative advantage pushes the other way
    const h = AG.grad((z: AG.Var) => policyLoss(z, actions, tensor([-2])))(tensor([[0, 0]]))
    expect(h.toArray()).toEqual([[-1, 1]])
    // averaged over steps: two steps, actions 0 and 1, Â = [1, 1], z = [[0, ln 3]] twice (π = [0.25, 0.75]):
    // step 0: −(e₀ − π) = [−0.75, 0.75]; step 1: −(e₁ − π) = [0.25, −0.25]; each divided by T = 2
    const z = tensor([[0, Math.log(3)], [0, Math.log(3)]], { dtype: 'float64' })
    const two = AG.grad((v: AG.Var) => policyLoss(v, tensor([0, 1], { dtype: 'int32' }), tensor([1, 1], { dtype: 'float64' })))(z)
    const rows = two.toArray() as number[][]
    expect(rows[0]![0]).toBeCloseTo(-0.375, 12)
    expect(rows[0]![1]).toBeCloseTo(0.375, 12)
    expect(rows[1]![0]).toBeCloseTo(0.125, 12)
    expect(rows[1]![1]).toBeCloseTo(-0.125, 12)
  })

  for (const baseline of ['value', 'mean'] as Baseline[]) {
    it(`makes the better action more likely after one step (${baseline} baseline)`, () => {
      // Two steps from the same state: pushing right first and left second. The first step's return
      // is larger (1 + 0.99 vs 1), and either baseline is the same for both steps (V sees the same
      // state; the running mean starts at 0), so the normalized advantages are [1, −1]: right is
      // reinforced and left discouraged, and π(right | s) must rise.
      const s: Observation = [0.01, -0.02, 0.03, 0.04]
      const agent = reinforce({ learningRate: 0.01, gamma: 0.99, hidden: 8, baseline, seed: 3 })
      const before = agent.probabilityRight(s)
      const episode = { observations: Float32Array.from([...s, ...s]), actions: Int32Array.from([1, 0]), rewards: Float64Array.from([1, 1]) }
      const r = agent.learn(episode)
      // −mean(Â log π(a)) = −(log π(1) − log π(0)) / 2
      expect(r.policyLoss).toBeCloseTo(-(Math.log(before) - Math.log(1 - before)) / 2, 5)
      expect(agent.probabilityRight(s)).toBeGreaterThan(before)
      // and on a fresh agent the reverse episode pushes the other way
      const other = reinforce({ learningRate: 0.01, gamma: 0.99, hidden: 8, baseline, seed: 3 })
      other.learn({ ...episode, actions: Int32Array.from([0, 1]) })
      expect(other.probabilityRight(s)).toBeLessThan(before)
    })
  }

  it('rejects a malformed episode before learning anything', () => {
    const agent = reinforce({ learningRate: 0.01, gamma: 0.99, hidden: 8, baseline: 'value', seed: 0 })
    const s: Observation = [0, 0, 0.02, 0]
    const before = agent.probabilityRight(s)
    const ok = { observations: new Float32Array(8), actions: Int32Array.from([1, 0]), rewards: Float64Array.from([1, 1]) }
    expect(() => agent.learn({ ...ok, actions: new Int32Array(0), observations: new Float32Array(0), rewards: new Float64Array(0) })).toThrow(
      'reinforce: learn needs an episode of at least one step, got none',
    )
    expect(() => agent.learn({ ...ok, observations: new Float32Array(7) })).toThrow('reinforce: an episode of 2 actions needs 8 observation values and 2 rewards, got 7 and 2')
    expect(() => agent.learn({ ...ok, rewards: Float64Array.from([1]) })).toThrow('reinforce: an episode of 2 actions needs 8 observation values and 2 rewards, got 8 and 1')
    expect(() => agent.learn({ ...ok, actions: Int32Array.from([1, 2]) })).toThrow('reinforce: actions must be 0 or 1, got 2 at step 1')
    expect(agent.probabilityRight(s)).toBe(before)
    // the value loss is reported: mean((V(s) − 0.01 Gₜ)²) ≥ 0, and 0 without a value network
    expect(agent.learn(ok).valueLoss).toBeGreaterThan(0)
    expect(reinforce({ learningRate: 0.01, gamma: 0.99, hidden: 8, baseline: 'mean', seed: 0 }).learn(ok).valueLoss).toBe(0)
  })

  it('samples actions with the policy probabilities, deterministically for a key', () => {
    const agent = reinforce({ learningRate: 0.01, gamma: 0.99, hidden: 8, baseline: 'value', seed: 0 })
    const s: Observation = [0, 0, 0.02, 0]
    const p = agent.probabilityRight(s)
    let rights = 0
    for (let i = 0; i < 1000; i++) rights += agent.act(s, [0, i])
    // binomial(1000, p): standard deviation at most √(1000 / 4) ≈ 15.8, so 5σ is 0.079 of the count
    expect(Math.abs(rights / 1000 - p)).toBeLessThan(0.079)
    expect(agent.act(s, prngKey(9))).toBe(agent.act(s, prngKey(9)))
  })
})
