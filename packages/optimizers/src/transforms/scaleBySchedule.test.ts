import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves, type Tree } from '@gd/tensor'
import { scale, scaleByLearningRate, scaleBySchedule } from '../index.js'

const vals = (t: Tree) => Array.from(treeLeaves(t)[0]!.data)
const g = { w: tensor([2, -4], { dtype: 'float64' }) }

describe('scaleBySchedule', () => {
  it('scaleBySchedule multiplies by s(k) without flipping the sign', () => {
    const tx = scaleBySchedule((k) => (k === 0 ? -1 : 3))
    const r1 = tx.update(g, tx.init(g))
    const r2 = tx.update(g, r1.state)
    expect(vals(r1.updates)).toEqual([-2, 4])
    expect(vals(r2.updates)).toEqual([6, -12])
    expect(() => scaleBySchedule(3 as never)).toThrow('scaleBySchedule: schedule must be a function, got 3')
    const bad = scaleBySchedule(() => NaN)
    expect(() => bad.update(g, bad.init(g))).toThrow('scaleBySchedule: schedule must be in [')
  })
})
