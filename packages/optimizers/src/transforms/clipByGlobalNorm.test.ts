import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves, type Tree } from '@gd/tensor'
import { adaptiveGradClip, clipByGlobalNorm, clipByValue, globalNorm } from '../index.js'

const vals = (t: Tree) => treeLeaves(t).map((l) => Array.from(l.data))
const f64 = (xs: number[], shape?: number[]) => tensor(xs, { dtype: 'float64', ...(shape ? { shape } : {}) })

describe('clipByGlobalNorm', () => {
  it('rescales all leaves together when the global norm exceeds the limit', () => {
    // norm of (3, 4) is 5; limit 1 → (0.6, 0.8)
    const g = { a: f64([3]), b: f64([4]) }
    expect(globalNorm(g)).toBe(5)
    const r = clipByGlobalNorm({ maxNorm: 1 }).update(g, {})
    expect(
      vals(r.updates)
        .flat()
        .map((v) => Number(v.toFixed(12))),
    ).toEqual([0.6, 0.8])
    // under the limit: unchanged
    expect(vals(clipByGlobalNorm({ maxNorm: 10 }).update(g, {}).updates)).toEqual([[3], [4]])
    expect(() => clipByGlobalNorm({ maxNorm: -1 })).toThrow('clipByGlobalNorm: maxNorm must be > 0, got -1')
  })
})
