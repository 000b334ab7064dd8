import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves, type Tree } from '@gd/tensor'
import { zeroNans } from '../index.js'

const vals = (t: Tree) => treeLeaves(t).map((l) => Array.from(l.data))
const f64 = (xs: number[]) => tensor(xs, { dtype: 'float64' })

describe('zeroNans', () => {
  it('replaces NaN with zero and records where', () => {
    const tx = zeroNans()
    const r = tx.update({ a: f64([NaN, 1]), b: f64([Infinity]) }, tx.init({}))
    expect(vals(r.updates)).toEqual([[0, 1], [Infinity]])
    expect(r.state.foundNan).toEqual([true, false])
  })
})
