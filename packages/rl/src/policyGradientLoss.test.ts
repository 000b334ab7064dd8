import { describe, expect, it } from 'vitest'
import { grad, gradcheck, gradgradcheck, type Var } from '@gd/autograd'
import { tensor, type Tensor } from '@gd/tensor'
import { recordTrace } from '@gd/tensor/internal'
import { policyGradientLoss } from './policyGradientLoss.js'

const f64 = (values: number[], shape: number[]): Tensor => tensor(values, { dtype: 'float64', shape })
const int32 = (values: number[]): Tensor => tensor(values, { dtype: 'int32' })

describe('policyGradientLoss', () => {
  it('is −mean(Â log π(a)) and has the sign of the advantage: dL/dz = −(Â / T)(onehot(a) − π)', () => {
    // z = [0, 0]: π = [0.5, 0.5], L = −Â log 0.5; for Â = 1 the gradient is −([0, 1] − [0.5, 0.5]) = [0.5, −0.5]
    expect(policyGradientLoss(tensor([[0, 0]]), int32([1]), tensor([1])).item()).toBeCloseTo(Math.LN2, 6)
    expect(grad((z: Var) => policyGradientLoss(z, int32([1]), tensor([1])))(tensor([[0, 0]])).toArray()).toEqual([
      [0.5, -0.5],
    ])
    // a negative advantage pushes the other way, twice as hard for Â = −2
    expect(grad((z: Var) => policyGradientLoss(z, [1], [-2]))(tensor([[0, 0]])).toArray()).toEqual([[-1, 1]])
    // averaged over steps: two steps, actions 0 and 1, Â = [1, 1], z = [0, ln 3] twice (π = [0.25, 0.75]):
    // L = −(ln 0.25 + ln 0.75) / 2 = 0.8369882; step 0: −(e₀ − π) / 2 = [−0.375, 0.375]; step 1: −(e₁ − π) / 2 = [0.125, −0.125]
    const z = f64([0, Math.log(3), 0, Math.log(3)], [2, 2])
    expect(policyGradientLoss(z, [0, 1], f64([1, 1], [2])).item()).toBeCloseTo(0.8369882, 6)
    const rows = grad((v: Var) => policyGradientLoss(v, int32([0, 1]), f64([1, 1], [2])))(z).toArray() as number[][]
    expect(rows[0]![0]).toBeCloseTo(-0.375, 12)
    expect(rows[0]![1]).toBeCloseTo(0.375, 12)
    expect(rows[1]![0]).toBeCloseTo(0.125, 12)
    expect(rows[1]![1]).toBeCloseTo(-0.125, 12)
  })

  it('takes the advantages as a list of the logits’ dtype, a Tensor, or a Var', () => {
    // three actions, z = [1, 2, 3]: log π(2) = 3 − log(e + e² + e³) = −0.4076059644
    const z = f64([1, 2, 3, 1, 2, 3], [2, 3])
    const expected = -(0.5 * -0.4076059644 + -1 * (1 - Math.log(Math.E + Math.E ** 2 + Math.E ** 3))) / 2
    expect(policyGradientLoss(z, [2, 0], [0.5, -1]).item()).toBeCloseTo(expected, 9)
    expect(policyGradientLoss(z, [2, 0], [0.5, -1]).dtype).toBe('float64')
    expect(policyGradientLoss(z, Int32Array.from([2, 0]), f64([0.5, -1], [2])).item()).toBeCloseTo(expected, 9)
    // with respect to the advantages the gradient is −log π(aₜ) / T
    const gA = grad((a: Var) => policyGradientLoss(z, [2, 0], a))(f64([0.5, -1], [2])).toArray() as number[]
    expect(gA[0]).toBeCloseTo(0.4076059644 / 2, 9)
  })

  it('makes an action with a positive advantage more likely after a gradient step, one with a negative advantage less', () => {
    // Two steps from the same logits [0.2, −0.1]: right (1) with Â = +1, left (0) with Â = −1. A step of
    // gradient descent on the logits moves both rows towards action 1.
    const z = f64([0.2, -0.1, 0.2, -0.1], [2, 2])
    const g = grad((v: Var) => policyGradientLoss(v, [1, 0], [1, -1]))(z)
    const stepped = (z.toArray() as number[][]).map((row, i) =>
      row.map((x, j) => x - 0.5 * (g.toArray() as number[][])[i]![j]!),
    )
    const right = (row: number[]): number => 1 / (1 + Math.exp(row[0]! - row[1]!))
    expect(right(stepped[0]!)).toBeGreaterThan(right([0.2, -0.1]))
    expect(right(stepped[1]!)).toBeGreaterThan(right([0.2, -0.1]))
    // and with the advantages' signs swapped, towards action 0
    const h = grad((v: Var) => policyGradientLoss(v, [1, 0], [-1, 1]))(z).toArray() as number[][]
    expect(right([0.2 - 0.5 * h[0]![0]!, -0.1 - 0.5 * h[0]![1]!])).toBeLessThan(right([0.2, -0.1]))
  })

  it('passes gradcheck and gradgradcheck in float64, in the logits and in the advantages', () => {
    const logits = f64([0.3, -1.2, 0.8, 0.1, 2.0, -0.5, -0.7, 0.4, 0.9, 1.5, -0.2, 0.0], [4, 3])
    const advantages = f64([1.3, -0.4, 0.7, -1.6], [4])
    const actions = int32([2, 0, 1, 2])
    const f = (z: Var, a: Var): Var => policyGradientLoss(z, actions, a)
    expect(gradcheck(f, [logits, advantages])).toBe(true)
    expect(gradgradcheck(f, [logits, advantages])).toBe(true)
    // a single action (A = 1) is certain: log π = 0 and the loss is 0 whatever the logits
    expect(policyGradientLoss(f64([5, -3], [2, 1]), [0, 0], [1, 2]).item()).toBe(-0)
  })

  it('rejects bad logits, actions and advantages with what it expected', () => {
    const z = tensor([
      [0, 0],
      [1, 2],
    ])
    const ok = (): number => policyGradientLoss(z, [0, 1], [1, 1]).item()
    expect(ok()).toBeCloseTo(-(Math.log(0.5) + Math.log(1 / (1 + Math.exp(-1)))) / 2, 6)
    expect(() => policyGradientLoss([[0, 0]] as never, [0], [1])).toThrow(
      'policyGradientLoss: logits must be a Tensor or a Var of shape [steps, actions], got an array of length 1',
    )
    expect(() => policyGradientLoss(3, [0], [1])).toThrow(
      'policyGradientLoss: logits must be a Tensor or a Var of shape [steps, actions], got 3',
    )
    expect(() => policyGradientLoss(tensor([0, 0]), [0], [1])).toThrow(
      'policyGradientLoss: logits must have shape [steps, actions] with at least one of each, got a float32 Tensor of shape [2]',
    )
    expect(() => policyGradientLoss(tensor([], { shape: [0, 2] }), [], [])).toThrow(
      'policyGradientLoss: logits must have shape [steps, actions] with at least one of each, got a float32 Tensor of shape [0,2]',
    )
    expect(() => policyGradientLoss(tensor([[0, 1]], { dtype: 'int32' }), [0], [1])).toThrow(
      'policyGradientLoss: logits must be float32 or float64, got an int32 Tensor of shape [1,2]',
    )
    expect(() => policyGradientLoss(z, [0, 2], [1, 1])).toThrow(
      'policyGradientLoss: actions[1] must be an integer in [0, 2) (logits have 2 actions), got 2',
    )
    expect(() => policyGradientLoss(z, [0, 0.5], [1, 1])).toThrow(
      'policyGradientLoss: actions[1] must be an integer in [0, 2) (logits have 2 actions), got 0.5',
    )
    expect(() => policyGradientLoss(z, [0], [1, 1])).toThrow(
      'policyGradientLoss: actions must hold one action per step (2, the rows of logits), got [0]',
    )
    expect(() => policyGradientLoss(z, tensor([0, 1]), [1, 1])).toThrow(
      'policyGradientLoss: actions must be an int32 Tensor of shape [steps] or a list of integers, got a float32 Tensor of shape [2]',
    )
    expect(() => policyGradientLoss(z, 1 as never, [1, 1])).toThrow(
      'policyGradientLoss: actions must be an int32 Tensor of shape [steps] or a list of integers, got 1',
    )
    expect(() => policyGradientLoss(z, [0, 1], [1])).toThrow(
      'policyGradientLoss: advantages must be a Tensor or a Var of shape [2], or a list of 2 finite numbers, got [1]',
    )
    expect(() => policyGradientLoss(z, [0, 1], [1, NaN])).toThrow(
      'policyGradientLoss: advantages[1] must be a finite number, got NaN',
    )
    expect(() => policyGradientLoss(z, [0, 1], tensor([[1, 1]]))).toThrow(
      'policyGradientLoss: advantages must be a Tensor or a Var of shape [2], or a list of 2 finite numbers (float32 or float64), got a float32 Tensor of shape [1,2]',
    )
    expect(() => policyGradientLoss(z, [0, 1], 1 as never)).toThrow(
      'policyGradientLoss: advantages must be a Tensor or a Var of shape [2], or a list of 2 finite numbers, got 1',
    )
  })

  it('replays in a recorded step on new actions and advantages, checking the actions at each replay', () => {
    const z = f64([0.3, -1, 2, 0.5, 0.1, -0.4], [2, 3])
    const actions = int32([2, 0])
    const advantages = f64([0.5, -1], [2])
    const step = () => grad((v: Var) => policyGradientLoss(v, actions, advantages))(z)
    const r = recordTrace(step, [z.storage, actions.storage, advantages.storage], (g) => [g])
    for (const [a, adv] of [
      [
        [1, 1],
        [2, 0.25],
      ],
      [
        [0, 2],
        [-1, 3],
      ],
    ] as const) {
      actions.storage.set(a)
      advantages.storage.set(adv)
      r.replay()
      expect(r.outputs[0]!.toArray()).toEqual(step().toArray())
    }
    actions.storage.set([0, 3])
    expect(() => r.replay()).toThrow(
      'policyGradientLoss: actions[1] must be an integer in [0, 3) (logits have 3 actions), got 3',
    )
  })
})
