import { normal, prngKey } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { diracInit } from './diracInit.js'

/** Direct stride-1 'same' conv2d (odd kernels, zero padding) over NCHW input and OIHW weights. */
function conv2dSame(
  x: ArrayLike<number>,
  [c, h, w]: [number, number, number],
  k: ArrayLike<number>,
  [o, i, kh, kw]: [number, number, number, number],
  groups = 1,
): number[] {
  const out = new Array<number>(o * h * w).fill(0)
  const perGroupOut = o / groups
  for (let oc = 0; oc < o; oc++) {
    const g = Math.floor(oc / perGroupOut)
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        let s = 0
        for (let ic = 0; ic < i; ic++) {
          const cin = g * i + ic
          if (cin >= c) continue
          for (let dy = 0; dy < kh; dy++) {
            for (let dx = 0; dx < kw; dx++) {
              const yy = y + dy - (kh - 1) / 2
              const xs = xx + dx - (kw - 1) / 2
              if (yy < 0 || yy >= h || xs < 0 || xs >= w) continue
              s += k[((oc * i + ic) * kh + dy) * kw + dx]! * x[(cin * h + yy) * w + xs]!
            }
          }
        }
        out[(oc * h + y) * w + xx] = s
      }
    }
  }
  return out
}

describe('diracInit', () => {
  it('puts a single 1 at the centre of w[c, c]', () => {
    const k = diracInit([2, 2, 3, 3]).toArray() as number[][][][]
    expect(k[0]![0]![1]![1]).toBe(1)
    expect(k[1]![1]![1]![1]).toBe(1)
    expect(diracInit([2, 2, 3, 3]).data.reduce((a, b) => a + b, 0)).toBe(2)
    // Even kernels use index ⌊k/2⌋; conv1d and conv3d kernels work too.
    expect(diracInit([1, 1, 4]).toArray()).toEqual([[[0, 0, 1, 0]]])
    expect(diracInit([1, 1, 3, 3, 3], { dtype: 'float64' }).data[13]).toBe(1)
  })

  it('makes a stride-1 same convolution the identity map', () => {
    const x = normal(prngKey(0), [3, 5, 6], { dtype: 'float64' }).data
    const k = diracInit([3, 3, 3, 3], { dtype: 'float64' }).data
    expect(conv2dSame(x, [3, 5, 6], k, [3, 3, 3, 3])).toEqual([...x])
    // More output than input channels: the extra channels are zero.
    const wide = conv2dSame(x, [3, 5, 6], diracInit([4, 3, 5, 5]).data, [4, 3, 5, 5])
    expect(wide.slice(0, 90)).toEqual([...x])
    expect(wide.slice(90).every((v) => v === 0)).toBe(true)
  })

  it('maps each group of channels to itself with groups', () => {
    // 4 channels in 2 groups: each group's 2 filters see 2 input channels.
    const x = normal(prngKey(1), [4, 3, 3], { dtype: 'float64' }).data
    const k = diracInit([4, 2, 3, 3], { groups: 2 }).data
    expect(conv2dSame(x, [4, 3, 3], k, [4, 2, 3, 3], 2)).toEqual([...x])
  })

  it('rejects non-kernel shapes and bad groups', () => {
    expect(() => diracInit([3, 3])).toThrow(
      'diracInit: shape must be a conv kernel [outChannels, inChannels, ...kernel] of rank >= 3, got [3,3]',
    )
    expect(() => diracInit([3, 3, 3, 3], { groups: 2 })).toThrow(
      'diracInit: groups must be a positive integer dividing outChannels (3), got 2',
    )
    expect(() => diracInit([4, 3, 3, 3], { groups: 0 })).toThrow('diracInit: groups must be a positive integer, got 0')
    expect(() => diracInit([4, 3, 3, 3], { group: 2 } as never)).toThrow(
      'diracInit: unknown option group, expected one of dtype, groups; did you mean groups?',
    )
  })
})
