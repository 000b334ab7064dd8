import { describe, expect, it } from 'vitest'
import * as T from './index.js'
import * as I from './internal.js'

describe('shape and dtype helpers', () => {
  it('check their arguments before reading them', () => {
    expect(() => I.sizeOf(undefined as never)).toThrow('sizeOf: shape must hold non-negative integers, got undefined')
    expect(() => I.stridesOf([2, -1])).toThrow('stridesOf: shape must hold non-negative integers, got [2,-1]')
    expect(() => I.broadcastShapes('add', [2], 'x' as never)).toThrow('add: b must hold non-negative integers, got "x"')
    expect(() => I.sameShape([2], null as never)).toThrow('sameShape: b must hold non-negative integers, got null')
    expect(() => I.formatList(3 as never)).toThrow('formatList: list must be an array, got 3')
    expect(() => I.normalizeAxis('sum', 0, -1)).toThrow('sum: rank must be a non-negative integer, got -1')
    expect(() => I.normalizeAxes('sum', [0], Symbol('r') as never)).toThrow(
      'sum: rank must be a non-negative integer, got a symbol',
    )
    expect(() => I.allocate('float32', Infinity)).toThrow(
      'allocate: size must be an integer in [0, 2147483647], got Infinity',
    )
    expect(() => I.allocate('uint8' as never, 2)).toThrow(
      'allocate: dtype must be one of bool, int32, float32, float64, got "uint8"',
    )
    expect(() => T.promoteTypes('int32', 'half' as never)).toThrow(
      'promoteTypes: b must be one of bool, int32, float32, float64, got "half"',
    )
    expect(() => I.isFloat(undefined as never)).toThrow(
      'isFloat: dtype must be one of bool, int32, float32, float64, got undefined',
    )
    expect(() => I.checkDtype('f', undefined as never, ['int32'])).toThrow('f: input must be a Tensor, got undefined')
    expect(() => I.checkFloatPair('f', Symbol('d') as never, 'float32')).toThrow(
      'f: dtype must be float32 or float64, got a symbol',
    )
    expect(() => I.normalPdf(undefined as never)).toThrow('normalPdf: x must be a number, got undefined')
    expect(() => I.normalCdf('1' as never)).toThrow('normalCdf: x must be a number, got "1"')
    expect(() => I.normalQuantile(null as never)).toThrow('normalQuantile: p must be in [0, 1], got null')
    expect(() => T.useKernels(undefined as never)).toThrow(
      'useKernels: replacements must be a plain object of kernels, got undefined',
    )
    expect(() => I.window2d('conv2d', [4] as never, [3, 3])).toThrow(
      'conv2d: size must be a pair of non-negative integers [height, width], got [4]',
    )
    expect(() => I.window2d('conv2d', [4, 4], [0, 3])).toThrow(
      'conv2d: kernel must be a pair of positive integers [kernelH, kernelW], got [0,3]',
    )
    expect(() => T.splitKey(T.prngKey(0), 2 ** 40)).toThrow(
      'splitKey: shape [1099511627776] has 1099511627776 elements, more than the limit of 2147483647',
    )
  })

  it('keep their results on valid input', () => {
    expect(I.sizeOf([2, 3, 4])).toBe(24)
    expect(I.stridesOf([2, 3, 4])).toEqual([12, 4, 1])
    expect(I.broadcastShapes('add', [2, 1, 3], [4, 1])).toEqual([2, 4, 3])
    expect(I.normalizeAxes('sum', undefined, 2)).toEqual([0, 1])
    expect(I.allocate('int32', 2)).toEqual(new Int32Array(2))
  })
})
