import { describe, expect, it } from 'vitest'
import { tensor } from '@gd/tensor'
import { applyUpdates, lookahead, scale, sgd } from '../index.js'

const f64 = (xs: number[]) => tensor(xs, { dtype: 'float64' })

describe('lookahead', () => {
  it('pulls the fast weights back toward the slow ones every k steps', () => {
    const tx = lookahead(sgd({ learningRate: 1 }), { syncPeriod: 2, alpha: 0.5 })
    let p = { w: f64([0]) }
    let s = tx.init(p)
    const seen: number[] = []
    for (let k = 0; k < 4; k++) {
      const r = tx.update({ w: f64([-1]) }, s, p)
      p = applyUpdates(p, r.updates)
      s = r.state
      seen.push(p.w.item())
    }
    // fast: 1, 2 → sync: slow = 0 + 0.5(2 − 0) = 1 → θ = 1; then 2, 3 → slow = 1 + 0.5(3 − 1) = 2
    expect(seen).toEqual([1, 1, 2, 2])
    expect(() => lookahead(scale(1), { syncPeriod: 0 })).toThrow('lookahead: syncPeriod must be an integer >= 1, got 0')
  })
})
