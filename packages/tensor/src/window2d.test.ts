import { describe, expect, it } from 'vitest'
import { readSize2d, window2d } from './window2d.js'

describe('window2d', () => {
  it('computes output sizes: floor((5 + 1 + 1 - 3) / 2) + 1 = 3', () => {
    const g = window2d('conv2d', [5, 5], [3, 3], { stride: 2, padding: 1 })
    expect([g.outH, g.outW, g.padTop, g.padBottom, g.padLeft, g.padRight]).toEqual([3, 3, 1, 1, 1, 1])
  })

  it("resolves 'same' like TensorFlow: ceil(size / stride) outputs, odd pad at the bottom/right", () => {
    // size 6, stride 2, kernel 3: out 3, total pad (3-1)*2 + 3 - 6 = 1 -> [0, 1]
    const g = window2d('conv2d', [6, 7], [3, 3], { stride: 2, padding: 'same' })
    expect([g.outH, g.padTop, g.padBottom]).toEqual([3, 0, 1])
    // size 7: out 4, total (4-1)*2 + 3 - 7 = 2 -> [1, 1]
    expect([g.outW, g.padLeft, g.padRight]).toEqual([4, 1, 1])
    // dilation 2 makes a 3-tap kernel span 5: total pad 4
    const d = window2d('conv2d', [5, 5], [3, 3], { padding: 'same', dilation: 2 })
    expect([d.outH, d.padTop, d.padBottom]).toEqual([5, 2, 2])
  })

  it('reads [ph, pw] and [top, bottom, left, right]', () => {
    const two = window2d('conv2d', [4, 4], [1, 1], { padding: [1, 2] })
    expect([two.padTop, two.padBottom, two.padLeft, two.padRight, two.outH, two.outW]).toEqual([1, 1, 2, 2, 6, 8])
    const four = window2d('conv2d', [4, 4], [1, 1], { padding: [0, 1, 2, 3] })
    expect([four.padTop, four.padBottom, four.padLeft, four.padRight, four.outH, four.outW]).toEqual([0, 1, 2, 3, 5, 9])
  })

  it('throws clear errors', () => {
    expect(() => window2d('conv2d', [4, 4], [3, 3], { padding: [1, 2, 3] as unknown as [number, number] })).toThrow(
      "conv2d: padding must be 'same', 'valid', a non-negative integer, [ph, pw] or [top, bottom, left, right], got [1,2,3]",
    )
    expect(() => window2d('conv2d', [4, 4], [3, 3], { padding: -1 })).toThrow('got -1')
    expect(() => window2d('conv2d', [4, 4], [3, 3], { padding: 'full' as 'same' })).toThrow('got "full"')
    expect(() => window2d('conv2d', [4, 4], [3, 3], { dilation: [1, 1.5] })).toThrow(
      'conv2d: dilation must be a positive integer or a pair of them, got [1,1.5]',
    )
    expect(() => window2d('conv2d', [2, 2], [2, 2], { dilation: 2 })).toThrow(
      'conv2d: window [3,3] (kernel [2,2], dilation [2,2]) does not fit input [2,2] padded by [0,0,0,0]',
    )
    expect(() => readSize2d('maxPool2d', 'kernelSize', [2, 2, 2] as unknown as [number, number])).toThrow(
      'maxPool2d: kernelSize must be a positive integer or a pair of them, got [2,2,2]',
    )
    expect(() => window2d('conv2d', [4, 4], [3, 3], { groups: 2 } as never)).toThrow(
      'conv2d: unknown option groups, expected one of stride, padding, dilation',
    )
    expect(() => window2d('conv2d', [4, 4], [3, 3], { stride: [1, 2 ** 60] })).toThrow(
      'conv2d: stride must be a positive integer or a pair of them, got [1,1152921504606847000]',
    )
  })
})
