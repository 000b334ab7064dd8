import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves, type Tree } from '@gd/tensor'
import { applyIfFinite, scale, sgd } from '../index.js'

const vals = (t: Tree) => treeLeaves(t).map((l) => Array.from(l.data))
const f64 = (xs: number[]) => tensor(xs, { dtype: 'float64' })

describe('applyIfFinite', () => {
  it('skips non-finite steps, counts them, and keeps the inner state', () => {
    const tx = applyIfFinite(sgd({ learningRate: 1, momentum: 0.5 }), { maxConsecutiveErrors: 1 })
    const p = { w: f64([0]) }
    let s = tx.init(p)
    let r = tx.update({ w: f64([1]) }, s, p)
    expect(vals(r.updates)).toEqual([[-1]])
    r = tx.update({ w: f64([NaN]) }, r.state, p)
    expect(vals(r.updates)).toEqual([[0]])
    expect(r.state).toMatchObject({ notFiniteCount: 1, totalNotFinite: 1, lastFinite: false })
    // momentum buffer unaffected: b = 0.5·1 + 1 = 1.5
    r = tx.update({ w: f64([1]) }, r.state, p)
    expect(vals(r.updates)).toEqual([[-1.5]])
    // after maxConsecutiveErrors skips in a row, the next bad step goes through
    r = tx.update({ w: f64([Infinity]) }, r.state, p)
    r = tx.update({ w: f64([Infinity]) }, r.state, p)
    expect(vals(r.updates)).toEqual([[-Infinity]])
    expect(r.state).toMatchObject({ notFiniteCount: 0, totalNotFinite: 3 })
    s = r.state
    expect(() => applyIfFinite(scale(1), { maxConsecutiveErrors: -1 })).toThrow(
      'applyIfFinite: maxConsecutiveErrors must be >= 0, got -1',
    )
  })
})
