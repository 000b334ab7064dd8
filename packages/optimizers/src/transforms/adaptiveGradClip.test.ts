import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves, type Tree } from '@gd/tensor'
import { adaptiveGradClip, clipByGlobalNorm, clipByValue, globalNorm } from '../index.js'

const vals = (t: Tree) => treeLeaves(t).map((l) => Array.from(l.data))
const f64 = (xs: number[], shape?: number[]) => tensor(xs, { dtype: 'float64', ...(shape ? { shape } : {}) })

describe('adaptiveGradClip', () => {
  it('clips each unit (last axis) against λ · max(‖θ_unit‖, eps)', () => {
    // w is [2 in, 2 out]; column 0 = (3, 4) has norm 5, column 1 = (0, 0) floors at eps = 1e-3.
    const params = { w: f64([3, 0, 4, 0], [2, 2]) }
    // grads: column 0 = (1, 0), norm 1 > 0.1·5 = 0.5 → halved; column 1 = (0.0001, 0) under 0.1·1e-3 = 1e-4? equal → kept
    const grads = { w: f64([1, 1e-4, 0, 0], [2, 2]) }
    const tx = adaptiveGradClip({ clipping: 0.1 })
    const out = vals(tx.update(grads, {}, params).updates)[0]!
    expect(out[0]).toBeCloseTo(0.5, 12)
    expect(out[1]).toBe(1e-4)
    expect(out[2]).toBe(0)
    expect(() => tx.update(grads, {})).toThrow('adaptiveGradClip: needs params, got undefined')
    expect(() => adaptiveGradClip({ clipping: 0 })).toThrow('adaptiveGradClip: clipping must be > 0, got 0')
  })

  it('treats a vector as one unit', () => {
    // ‖θ‖ = 1, λ = 0.5, ‖g‖ = 2 → g · 0.5 / 2
    const r = adaptiveGradClip({ clipping: 0.5 }).update({ b: f64([2, 0]) }, {}, { b: f64([1, 0]) })
    expect(vals(r.updates)).toEqual([[0.5, 0]])
  })
})
