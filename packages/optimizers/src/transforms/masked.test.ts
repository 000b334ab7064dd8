import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves, type Tree } from '@gd/tensor'
import { masked, scale } from '../index.js'

const vals = (t: Tree) => treeLeaves(t).map((l) => Array.from(l.data))
const f64 = (xs: number[]) => tensor(xs, { dtype: 'float64' })

describe('masked', () => {
  it('masked applies the inner transform to selected leaves only (given as a function too)', () => {
    const tx = masked(scale(10), (params) => ({ w: true, b: treeLeaves(params).length > 5 }))
    const g = { w: f64([1]), b: f64([2]) }
    const r = tx.update(g, tx.init(g))
    expect(vals(r.updates)).toEqual([[10], [2]])
    expect(treeLeaves(r.updates)[1]).not.toBe(g.b)
  })
})
