import { describe, expect, it } from 'vitest'
import { computeFans } from './fans.js'
import { heNormalInit } from './he.js'

describe('computeFans', () => {
  it('reads a dense weight as [in, out]', () => {
    expect(computeFans([784, 128])).toEqual({ fanIn: 784, fanOut: 128, receptiveField: 1 })
  })

  it('reads conv kernels as [outChannels, inChannels, ...kernel]', () => {
    // conv2d OIHW: fanIn = 3·5·5 = 75, fanOut = 64·5·5 = 1600.
    expect(computeFans([64, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 1600, receptiveField: 25 })
    expect(computeFans([8, 4, 3])).toEqual({ fanIn: 12, fanOut: 24, receptiveField: 3 })
    expect(computeFans([2, 3, 1, 2, 2])).toEqual({ fanIn: 12, fanOut: 8, receptiveField: 4 })
  })

  it('rejects shapes with no fans, naming the caller', () => {
    expect(() => computeFans([5])).toThrow(
      'computeFans: shape [5] has no fans: fan-based initializers need rank >= 2 (dense [in, out] or conv [outChannels, inChannels, ...kernel])',
    )
    expect(() => computeFans([2, -3])).toThrow('computeFans: shape must hold non-negative integers, got [2,-3]')
    expect(() => computeFans(undefined as never)).toThrow(
      'computeFans: shape must hold non-negative integers, got undefined',
    )
    expect(() => heNormalInit(0, [])).toThrow('heNormalInit: shape [] has no fans')
  })
})
