import { add, grad, mean, mul, square, sub, type Var } from '@gd/autograd'
import { valuesArb } from '@gd/testing'
import { tensor, type Tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { elasticNet, l1Penalty, l2Penalty } from './penalties.js'

const all = (...ts: Tensor[]): number[] => ts.flatMap((t) => Array.from(t.data))

describe('penalties', () => {
  it('match λΣ|θ|, (λ/2)Σθ² and their sum over random trees', () => {
    const cases = fc.tuple(
      valuesArb([2, 3]),
      valuesArb([3]),
      valuesArb([]),
      fc.double({ min: 0, max: 2, noNaN: true }),
      fc.double({ min: 0, max: 2, noNaN: true }),
    )
    fc.assert(
      fc.property(cases, ([w, b, s, l1, l2]) => {
        const tree = { layers: [{ w, b }], scale: s }
        const abs = all(w, b, s).reduce((acc, x) => acc + Math.abs(x), 0)
        const sq = all(w, b, s).reduce((acc, x) => acc + x * x, 0)
        expect(l1Penalty(tree, { scale: l1 }).item()).toBeCloseTo(l1 * abs, 10)
        expect(l2Penalty(tree, { scale: l2 }).item()).toBeCloseTo((l2 / 2) * sq, 10)
        expect(elasticNet(tree, { l1, l2 }).item()).toBeCloseTo(l1 * abs + (l2 / 2) * sq, 10)
      }),
    )
  })

  it('adds to a loss: the L2 gradient is λθ, the L1 gradient λ·sign(θ)', () => {
    const x = tensor([1, 2])
    const y = tensor([2, 4])
    const objective = (p: { w: Var }): Var => add(mean(square(sub(mul(p.w, x), y))), l2Penalty(p, { scale: 0.5 }))
    // at w = 0: d/dw mean((w·x − y)²) = mean(2·(−y)·x) = (−4 − 16)/2 = −10, plus 0.5·0
    expect(grad(objective)({ w: tensor(0) }).w.item()).toBeCloseTo(-10, 5)
    expect(grad((w: Var) => l2Penalty([w], { scale: 0.5 }))(tensor([2, -4])).toArray()).toEqual([1, -2])
    expect(grad((w: Var) => l1Penalty(w, { scale: 0.5 }))(tensor([2, -4, 0])).toArray()).toEqual([0.5, -0.5, 0])
  })

  it('gives 0 for an empty tree and names bad input', () => {
    expect(l2Penalty({}).item()).toBe(0)
    expect(() => l2Penalty({ w: tensor([1]) }, { scale: -1 })).toThrow(
      'l2Penalty: scale must be a non-negative finite number, got -1',
    )
    expect(() => elasticNet({ w: tensor([1]) }, { l1: -0.1 })).toThrow(
      'elasticNet: l1 must be a non-negative finite number, got -0.1',
    )
    expect(() => l1Penalty({ w: tensor([1], { dtype: 'int32' }) })).toThrow(
      'l1Penalty: parameters must be float32 or float64, got int32',
    )
    expect(() => l1Penalty({ w: 3 } as never)).toThrow('l1Penalty: leaf at .w is not a valid leaf: number')
    expect(() => l1Penalty({ w: tensor([1]) }, { lambda: 1 } as never)).toThrow(
      'l1Penalty: unknown option lambda, expected one of scale',
    )
  })
})
