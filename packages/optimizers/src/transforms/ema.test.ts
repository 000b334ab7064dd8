import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves, type Tree } from '@gd/tensor'
import { applyUpdates, ema, emaParams } from '../index.js'

const vals = (t: Tree) => treeLeaves(t).map((l) => Array.from(l.data))
const f64 = (xs: number[]) => tensor(xs, { dtype: 'float64' })

describe('ema', () => {
  it('passes updates through and averages the parameters', () => {
    const tx = ema({ decay: 0.5 })
    let p = { w: f64([0]) }
    let s = tx.init(p)
    for (let k = 0; k < 2; k++) {
      const r = tx.update({ w: f64([2]) }, s, p)
      expect(vals(r.updates)).toEqual([[2]])
      p = applyUpdates(p, r.updates)
      s = r.state
    }
    // θ: 2, 4; avg: 0.5·0 + 0.5·2 = 1, 0.5·1 + 0.5·4 = 2.5
    expect(vals(emaParams(s, p))).toEqual([[2.5]])
    expect(() => ema({ decay: 2 })).toThrow('ema: decay must be in [0, 1], got 2')
  })
})
