import { describe, expect, it } from 'vitest'
import { show } from './show.js'

describe('show', () => {
  it('prints plain values as themselves', () => {
    expect([1.5, -0, NaN, -Infinity, 3n, true, undefined, null].map(show)).toEqual([
      '1.5',
      '-0',
      'NaN',
      '-Infinity',
      '3n',
      'true',
      'undefined',
      'null',
    ])
    expect(show('avg')).toBe('"avg"')
    expect(show(() => 1)).toBe('a function')
    expect(show(Symbol('s'))).toBe('a symbol')
  })
  it('prints short arrays and objects, and long ones by size', () => {
    expect(show([2, -3])).toBe('[2,-3]')
    expect(show([1.5, 'a', null])).toBe('[1.5,"a",null]')
    expect(show(new Array(100).fill(1))).toBe('an array of length 100')
    expect(show([[1]])).toBe('an array of length 1')
    expect(show({ a: 1 })).toBe('{"a":1}')
    const long = Object.fromEntries('abcdefghij'.split('').map((k) => [k, 'x'.repeat(10)]))
    expect(show(long)).toBe('an object with keys a, b, c, d, e, f, …')
    expect(show('x'.repeat(70))).toBe(`"${'x'.repeat(60)}"… (70 characters)`)
  })
  it('prints class instances by name (with dtype and shape when they have them), typed arrays by length', () => {
    class Var {}
    class Tensor {
      dtype = 'int32'
      shape = [2, 3]
    }
    expect(show(new Var())).toBe('a Var')
    expect(show(new Tensor())).toBe('an int32 Tensor of shape [2,3]')
    expect(show(new Float32Array(4))).toBe('a Float32Array of length 4')
    expect(show(new Map())).toBe('a Map')
  })
  it('never throws, even on hostile values', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(show(cyclic)).toBe('an object with keys self')
    const trap = new Proxy(
      {},
      {
        getPrototypeOf: () => {
          throw new Error('no')
        },
      },
    )
    expect(show(trap)).toBe('an unprintable value')
  })
})
