import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves } from '@gd/tensor'
import { addDecayedWeights, addL2 } from '../index.js'

const f64 = (xs: number[]) => tensor(xs, { dtype: 'float64' })

describe('addDecayedWeights and addL2', () => {
  it('add λθ on masked leaves, with λ a number or a schedule', () => {
    const tx = addDecayedWeights({ weightDecay: (k) => 0.1 * (k + 1), mask: { w: true, b: false } })
    const params = { w: f64([2]), b: f64([2]) }
    const g = { w: f64([1]), b: f64([1]) }
    const r1 = tx.update(g, tx.init(params), params)
    const r2 = tx.update(g, r1.state, params)
    // step 0: 1 + 0.1·2 = 1.2; step 1: 1 + 0.2·2 = 1.4; b untouched
    expect(treeLeaves(r1.updates).map((t) => t.item())).toEqual([1.2, 1])
    expect(treeLeaves(r2.updates).map((t) => t.item())).toEqual([1.4, 1])
  })

  it('addL2 is the same arithmetic, named for its place first in a chain', () => {
    const tx = addL2({ weightDecay: 0.5 })
    const params = { w: f64([4]) }
    expect(treeLeaves(tx.update({ w: f64([1]) }, tx.init(params), params).updates)[0]!.item()).toBe(3)
  })

  it('reject bad options and missing params', () => {
    expect(() => addDecayedWeights({ weightDecay: -1 })).toThrow(
      'addDecayedWeights: weightDecay must be >= 0 (or a schedule), got -1',
    )
    expect(() => addL2({ weightDecay: -1 })).toThrow('addL2: weightDecay must be >= 0 (or a schedule), got -1')
    expect(() => addL2({ decay: 1 } as never)).toThrow('addL2: unknown option decay, expected one of weightDecay, mask')
    const tx = addL2({ weightDecay: 1 })
    expect(() => tx.init(undefined as never)).toThrow('addL2: needs params, got undefined')
    expect(() => tx.update({ w: f64([1]) }, { count: 0, decays: [true] })).toThrow('addL2: needs params, got undefined')
  })
})
