import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves, type Tree } from '@gd/tensor'
import { multiSteps, scale, sgd } from '../index.js'

const vals = (t: Tree) => treeLeaves(t).map((l) => Array.from(l.data))
const f64 = (xs: number[]) => tensor(xs, { dtype: 'float64' })

describe('multiSteps', () => {
  it('averages k gradients and steps once every k calls', () => {
    const tx = multiSteps(sgd({ learningRate: 1 }), { everyK: 3 })
    const p = { w: f64([0]) }
    let s = tx.init(p)
    const out: number[] = []
    for (const g of [1, 2, 6, 4]) {
      const r = tx.update({ w: f64([g]) }, s, p)
      out.push(vals(r.updates)[0]![0]!)
      s = r.state
    }
    // mean of 1, 2, 6 is 3 → −3 on the third call; the sum restarts after
    expect(out).toEqual([0, 0, -3, 0])
    expect(() => multiSteps(scale(1), { everyK: 0 })).toThrow('multiSteps: everyK must be an integer >= 1, got 0')
  })
})
