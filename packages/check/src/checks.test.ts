import { describe, expect, it } from 'vitest'
import {
  arrayOf,
  boolean,
  either,
  finite,
  func,
  integer,
  isPlainObject,
  nonNegative,
  nonNegativeInteger,
  number,
  oneOf,
  optional,
  plainObject,
  positive,
  positiveInteger,
  rule,
  string,
  withDefault,
} from './checks.js'
import { describeRange, inRange, within } from './range.js'
import { axes, axis, isShape, shape } from './shape.js'

describe('value checks', () => {
  it('return the value they approve', () => {
    expect(finite('f', 'x', 1.5)).toBe(1.5)
    expect(positiveInteger('f', 'x', 3)).toBe(3)
    expect(boolean('f', 'x', false)).toBe(false)
    expect(number('f', 'x', NaN)).toBeNaN()
  })
  it.each([
    [finite, Infinity, 'f: x must be a finite number, got Infinity'],
    [finite, '1', 'f: x must be a finite number, got "1"'],
    [positive, 0, 'f: x must be a positive finite number, got 0'],
    [nonNegative, -1, 'f: x must be a non-negative finite number, got -1'],
    [integer, 1.5, 'f: x must be an integer, got 1.5'],
    [positiveInteger, 0, 'f: x must be a positive integer, got 0'],
    [nonNegativeInteger, 2 ** 53, 'f: x must be a non-negative integer, got 9007199254740992'],
    [boolean, 'yes', 'f: x must be a boolean, got "yes"'],
    [string, 1, 'f: x must be a string, got 1'],
    [func, {}, 'f: x must be a function, got {}'],
    [plainObject, [1], 'f: x must be a plain object, got [1]'],
    [number, undefined, 'f: x must be a number, got undefined'],
  ] as const)('%o rejects %o', (check, value, message) => {
    expect(() => check('f', 'x', value)).toThrow(message)
  })
  it('combine', () => {
    expect(optional(positive)('f', 'x', undefined)).toBeUndefined()
    expect(() => optional(positive)('f', 'x', null)).toThrow('f: x must be a positive finite number, got null')
    expect(withDefault(positive, 2)('f', 'x', undefined)).toBe(2)
    expect(withDefault(positive, 2)('f', 'x', 3)).toBe(3)
    const lr = either(positive, func, 'a positive number or a schedule')
    expect(lr('f', 'lr', 0.1)).toBe(0.1)
    expect(() => lr('f', 'lr', -1)).toThrow('f: lr must be a positive number or a schedule, got -1')
    expect(arrayOf(positiveInteger)('f', 'steps', [1, 2])).toEqual([1, 2])
    expect(() => arrayOf(positiveInteger)('f', 'steps', [1, 0])).toThrow(
      'f: steps[1] must be a positive integer, got 0',
    )
    expect(() => arrayOf(positiveInteger)('f', 'steps', 3)).toThrow('f: steps must be an array, got 3')
    expect(() => oneOf(['mean', 'sum', 'none'])('mse', 'reduction', 'avg')).toThrow(
      'mse: reduction must be "mean", "sum" or "none", got "avg"',
    )
    expect(() => oneOf(['json'])('f', 'format', 'xml')).toThrow('f: format must be "json", got "xml"')
    const even = rule<number>('an even integer', (v) => Number.isInteger(v) && (v as number) % 2 === 0)
    expect(() => even('f', 'n', 3)).toThrow('f: n must be an even integer, got 3')
  })
  it('tell plain objects from the rest', () => {
    expect([{}, Object.create(null), { a: 1 }].map(isPlainObject)).toEqual([true, true, true])
    expect([[], null, new Map(), () => 1, 1, 'a', new (class A {})()].map(isPlainObject)).toEqual(Array(7).fill(false))
  })
})

describe('ranges', () => {
  it('describe themselves as messages say them', () => {
    expect(describeRange({ min: 0, max: 1, maxOpen: true })).toBe('in [0, 1)')
    expect(describeRange({ min: 0, minOpen: true })).toBe('> 0')
    expect(describeRange({ min: 1, integer: true })).toBe('an integer >= 1')
    expect(describeRange({ max: 2 })).toBe('<= 2')
    expect(describeRange({})).toBe('a number')
  })
  it('never contain NaN or a non-number', () => {
    expect(inRange(NaN, {})).toBe(false)
    expect(inRange('1', {})).toBe(false)
    expect(inRange(Infinity, {})).toBe(true)
    expect(inRange(Infinity, { max: 1e308 })).toBe(false)
    expect(inRange(1.5, { integer: true })).toBe(false)
    expect(() => within({ min: 0, max: 1, maxOpen: true })('adam', 'beta1', 1.2)).toThrow(
      'adam: beta1 must be in [0, 1), got 1.2',
    )
  })
})

describe('shapes and axes', () => {
  it('accept non-negative integer shapes only', () => {
    expect(shape('zeros', 'shape', [2, 0])).toEqual([2, 0])
    expect(isShape([])).toBe(true)
    expect(() => shape('zeros', 'shape', [2, -1])).toThrow('zeros: shape must hold non-negative integers, got [2,-1]')
    expect(() => shape('zeros', 'shape', [1.5, 3])).toThrow('zeros: shape must hold non-negative integers, got [1.5,3]')
    expect(() => shape('zeros', 'shape', 3)).toThrow('zeros: shape must hold non-negative integers, got 3')
    // a sparse array's hole is no dimension (every() would skip it)
    expect(isShape([2, , 3])).toBe(false)
  })
  it('normalize axes and reject repeats', () => {
    expect(axis(2)('softmax', 'axis', -1)).toBe(1)
    expect(() => axis(2)('softmax', 'axis', 2)).toThrow(
      'softmax: axis must be an integer in [-2, 2) for a tensor of rank 2, got 2',
    )
    expect(() => axis(0)('f', 'axis', 0)).toThrow('f: axis must be an integer in [0, 0) for a tensor of rank 0, got 0')
    expect(axes(3)('sum', 'axis', [-1, 0])).toEqual([0, 2])
    expect(axes(3)('sum', 'axis', 1)).toEqual([1])
    expect(axes(3)('sum', 'axis', [])).toEqual([])
    expect(() => axes(3)('sum', 'axis', [1, -2])).toThrow('sum: axis must not repeat an axis, got [1,-2]')
    expect(() => axes(3)('sum', 'axis', [0, 1.5])).toThrow(
      'sum: axis[1] must be an integer in [-3, 3) for a tensor of rank 3, got 1.5',
    )
  })
})
