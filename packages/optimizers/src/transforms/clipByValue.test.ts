import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves, type Tree } from '@gd/tensor'
import { adaptiveGradClip, clipByGlobalNorm, clipByValue, globalNorm } from '../index.js'

const vals = (t: Tree) => treeLeaves(t).map((l) => Array.from(l.data))
const f64 = (xs: number[], shape?: number[]) => tensor(xs, { dtype: 'float64', ...(shape ? { shape } : {}) })

describe('clipByValue', () => {
  it('clamps each element into [−c, c]', () => {
    const g = { w: f64([-3, 0.5, 2]) }
    expect(vals(clipByValue({ maxAbs: 1 }).update(g, {}).updates)).toEqual([[-1, 0.5, 1]])
    expect(() => clipByValue({ maxAbs: 0 })).toThrow('clipByValue: maxAbs must be > 0, got 0')
  })
})
