import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { window2d } from '../../window2d.js'
import { col2im, im2col } from './im2col.js'

describe('im2col and col2im', () => {
  it('unfolds a worked example: 2×2 taps over a 3×3 plane with padding 0', () => {
    const g = window2d('t', [3, 3], [2, 2])
    const cols = new Float64Array(4 * 4).fill(-1) // every entry gets written
    im2col(new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), 0, 1, g, cols)
    // row (ki, kj) lists the pixel that tap sees for output pixels (0,0), (0,1), (1,0), (1,1)
    expect([...cols]).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9])
  })

  it('writes zeros for taps in the padding', () => {
    const g = window2d('t', [1, 2], [1, 1], { padding: [0, 0, 1, 0] })
    const cols = new Float64Array(3).fill(-1)
    im2col(new Float64Array([7, 8]), 0, 1, g, cols)
    expect([...cols]).toEqual([0, 7, 8])
  })

  it('col2im is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
        (ch, h, w, kh, kw, stride, dilation, padding) => {
          let g
          try {
            g = window2d('t', [h, w], [kh, kw], { stride, dilation, padding })
          } catch {
            return // the window does not fit: nothing to unfold
          }
          const x = Float64Array.from({ length: ch * h * w }, (_, i) => Math.cos(i * 1.7))
          const rows = ch * kh * kw * g.outH * g.outW
          const c = Float64Array.from({ length: rows }, (_, i) => Math.sin(i * 0.9))
          const cols = new Float64Array(rows)
          im2col(x, 0, ch, g, cols)
          const back = new Float64Array(x.length)
          col2im(c, ch, g, back, 0)
          const left = cols.reduce((s, v, i) => s + v * c[i]!, 0)
          const right = x.reduce((s, v, i) => s + v * back[i]!, 0)
          expect(Math.abs(left - right)).toBeLessThan(1e-10)
        },
      ),
    )
  })
})
