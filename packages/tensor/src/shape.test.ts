import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { axes, axis, shape as shapeCheck } from '@gd/check'
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

  it('normalizeAxis, normalizeAxes and checkShape give what the shared checks give, results and messages', () => {
    // their plain loops take valid arguments; everything else goes to @gd/check's axis, axes and shape checks
    const junk = fc.constantFrom<unknown>(1.5, '0', null, undefined, NaN, -Infinity, 2 ** 53, -0, true, {}, [1])
    const outcome = (f: () => unknown): unknown => {
      try {
        const r = f()
        return { value: r, frozen: Object.isFrozen(r) }
      } catch (e) {
        return (e as Error).message
      }
    }
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -4, max: 3 }), junk),
        fc.oneof(fc.integer({ min: -4, max: 3 }), junk, fc.array(fc.oneof(fc.integer({ min: -4, max: 3 }), junk))),
        fc.oneof(fc.array(fc.oneof(fc.nat(5), junk, fc.constant(2 ** 31))), junk),
        (one, many, shape) => {
          expect(outcome(() => I.normalizeAxis('f', one as number, 3))).toEqual(
            outcome(() => axis(3)('f', 'axis', one)),
          )
          // (undefined is every axis for normalizeAxes, an error for the shared check)
          if (many !== undefined) {
            expect(outcome(() => I.normalizeAxes('f', many as number[], 3))).toEqual(
              outcome(() => axes(3)('f', 'axis', many)),
            )
          }
          const viaChecks = (): unknown => {
            const s = shapeCheck('f', 'shape', shape)
            const n = s.reduce((p, d) => p * d, 1)
            if (n > T.MAX_ELEMENTS) {
              throw new Error(`f: shape ${I.formatList(s)} has ${n} elements, more than the limit of ${T.MAX_ELEMENTS}`)
            }
            return Object.freeze(s)
          }
          expect(outcome(() => I.checkShape('f', shape as number[]))).toEqual(outcome(viaChecks))
        },
      ),
      { numRuns: 500 },
    )
  })

  it('permutationOf gives the axes the per-entry checks give for a permutation, and null for anything else', () => {
    const junk = fc.constantFrom<unknown>(1.5, '0', null, undefined, NaN, 2 ** 53, -0, true, {}, [1])
    fc.assert(
      fc.property(
        fc.nat(4),
        fc.oneof(fc.array(fc.oneof(fc.integer({ min: -5, max: 4 }), junk), { maxLength: 5 }), junk),
        (rank, perm) => {
          const viaChecks = (): number[] | null => {
            try {
              if (!Array.isArray(perm) || perm.length !== rank) return null
              const order = perm.map((a, i) => axis(rank)('f', `perm[${i}]`, a))
              return new Set(order).size === rank ? order : null
            } catch {
              return null
            }
          }
          expect(I.permutationOf(perm, rank)).toEqual(viaChecks())
        },
      ),
      { numRuns: 500 },
    )
    expect(I.permutationOf([0, -1, 1], 3)).toEqual([0, 2, 1])
    expect(I.permutationOf([1, -1], 2)).toBe(null) // axis 1 twice
  })
})
