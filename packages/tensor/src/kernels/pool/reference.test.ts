import { describe, expect, it } from 'vitest'
import { window2d } from '../../window2d.js'
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from './reference.js'

// two 2×3 planes; 2×2 windows, stride 1, one column of padding on the left
const x = new Float64Array([1, 6, 2, 4, 3, 5, /* plane 2 */ -1, -2, -3, -4, -5, -6])
const g = window2d('t', [2, 3], [2, 2], { stride: 1, padding: [0, 0, 1, 0] })

describe('pooling kernels', () => {
  it('max forward: padding never wins, even against negatives', () => {
    const y = new Float64Array(6)
    maxPoolForward(x, 2, g, y)
    // plane 1 windows: {1,4}, {1,6,4,3}, {6,2,3,5}; plane 2: {-1,-4}, {-1,-2,-4,-5}, {-2,-3,-5,-6}
    expect([...y]).toEqual([4, 6, 6, -1, -1, -2])
  })

  it("max backward adds into dx at each window's pick", () => {
    const dx = new Float64Array(12).fill(1)
    maxPoolBackward(new Float64Array([1, 10, 100, 1, 10, 100]), x, 2, g, dx)
    // plane 1: 4 gets 1, 6 gets 10 + 100; plane 2: -1 gets 1 + 10, -2 gets 100 (all on top of 1)
    expect([...dx]).toEqual([1, 111, 1, 2, 1, 1, 12, 101, 1, 1, 1, 1])
  })

  it('average forward divides by the real elements only, and backward shares evenly', () => {
    const y = new Float64Array(6)
    avgPoolForward(x, 2, g, y)
    expect([...y]).toEqual([2.5, 3.5, 4, -2.5, -3, -4]) // (1+4)/2, (1+6+4+3)/4, (6+2+3+5)/4, ...
    const dx = new Float64Array(12)
    avgPoolBackward(new Float64Array([2, 4, 8, 0, 0, 0]), 2, g, dx)
    // x[0,0] is in windows 1 (share 2/2) and 2 (share 4/4); x[0,2] only in window 3 (8/4)
    expect([...dx.subarray(0, 6)]).toEqual([2, 3, 2, 2, 3, 2])
  })
})
