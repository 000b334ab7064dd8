import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves, type Tree } from '@gd/tensor'
import { scale, scaleByLearningRate, scaleBySchedule } from '../index.js'

const vals = (t: Tree) => Array.from(treeLeaves(t)[0]!.data)
const g = { w: tensor([2, -4], { dtype: 'float64' }) }

describe('scaleByLearningRate', () => {
  it('scaleByLearningRate descends by η(k), reading a schedule at the step count', () => {
    const tx = scaleByLearningRate((k) => 0.1 * (k + 1))
    const r1 = tx.update(g, tx.init(g))
    const r2 = tx.update(g, r1.state)
    // k = 0: −0.1·g; k = 1: −0.2·g
    expect(vals(r1.updates)).toEqual([-0.2, 0.4])
    expect(vals(r2.updates)).toEqual([-0.4, 0.8])
    expect(r2.state).toEqual({ count: 2 })
    const ascend = scaleByLearningRate(0.5, { flipSign: false })
    expect(vals(ascend.update(g, ascend.init(g)).updates)).toEqual([1, -2])
    expect(() => scaleByLearningRate(-1)).toThrow(
      'scaleByLearningRate: learningRate must be >= 0 (or a schedule), got -1',
    )
  })
})
