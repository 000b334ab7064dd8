import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves, type Tree } from '@gd/tensor'
import { scale, scaleByLearningRate, scaleBySchedule } from '../index.js'

const vals = (t: Tree) => Array.from(treeLeaves(t)[0]!.data)
const g = { w: tensor([2, -4], { dtype: 'float64' }) }

describe('scale', () => {
  it('scale multiplies by a constant', () => {
    expect(vals(scale(0.5).update(g, {}).updates)).toEqual([1, -2])
    expect(() => scale(NaN)).toThrow('scale: factor must be a finite number, got NaN')
  })
})
