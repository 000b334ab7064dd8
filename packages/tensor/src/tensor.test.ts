import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { show } from '@gd/check'
import * as T from './index.js'
import * as I from './internal.js'
import { MAX_ELEMENTS } from './shape.js'
import { Tensor, tensor } from './tensor.js'

describe('tensor', () => {
  it('infers shape and dtype from nested arrays', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(t).toBeInstanceOf(Tensor)
    expect(t.shape).toEqual([2, 3])
    expect(t.dtype).toBe('float32')
    expect(t.size).toBe(6)
    expect([...t.data]).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('keeps typed-array dtypes and accepts an explicit shape', () => {
    const t = tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] })
    expect(t.dtype).toBe('float64')
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ])
  })

  it('stores booleans as a bool mask and converts on request', () => {
    expect(tensor([true, false]).dtype).toBe('bool')
    expect(tensor([true, false]).toArray()).toEqual([true, false])
    expect(tensor([1.7, -2], { dtype: 'int32' }).toArray()).toEqual([1, -2])
  })

  it('makes scalars from numbers', () => {
    const s = tensor(3.5)
    expect(s.shape).toEqual([])
    expect(s.item()).toBe(3.5)
    expect(s.toArray()).toBe(3.5)
  })

  it('prints dtype, shape and values', () => {
    expect(String(tensor([1, 2]))).toBe('Tensor(float32, [2]) [1, 2]')
    expect(String(tensor([1, 2, 3, 4, 5, 6, 7, 8], { dtype: 'int32' }))).toBe(
      'Tensor(int32, [8]) [1, 2, 3, ..., 6, 7, 8]',
    )
  })

  it('rejects ragged, non-numeric and mis-shaped input with clear messages', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(
      'tensor: values[1] must be an array of 2 entries (nested arrays must be rectangular), got [3]',
    )
    expect(() => tensor(['a'] as never)).toThrow('tensor: values[0] must be a number or a boolean, got "a"')
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(
      'tensor: shape [2,2] holds 4 elements but 3 values were given',
    )
    expect(() => tensor([1, 2], { shape: [2, -1] })).toThrow(
      'tensor: shape must hold non-negative integers, got [2,-1]',
    )
    expect(() => tensor([1, 2]).item()).toThrow('item: tensor must hold exactly one element, got shape [2]')
  })

  it('checks storage, shape, strides and offset before wrapping storage', () => {
    const f32 = new Float32Array(4)
    expect(() => new Tensor(f32, [2, 3], 'float32')).toThrow(
      'Tensor: shape [2,3] with strides [3,1] and offset 0 reads elements 0..5, outside storage of length 4',
    )
    expect(() => new Tensor(f32, [2, 2], 'float32', [2, 1], 1)).toThrow(
      'Tensor: shape [2,2] with strides [2,1] and offset 1 reads elements 1..4, outside storage of length 4',
    )
    expect(() => new Tensor(f32, [2], 'float32', [-1], 0)).toThrow(
      'Tensor: shape [2] with strides [-1] and offset 0 reads elements -1..0, outside storage of length 4',
    )
    expect(() => new Tensor(f32, [1.5, 2], 'float32')).toThrow(
      'Tensor: shape must hold non-negative integers, got [1.5,2]',
    )
    expect(() => new Tensor(f32, [2, -2], 'float32')).toThrow(
      'Tensor: shape must hold non-negative integers, got [2,-2]',
    )
    expect(() => new Tensor(f32, [2], 'float32', [1, 1])).toThrow(
      'Tensor: strides must be 1 integers (one per dimension of [2]), got [1,1]',
    )
    expect(() => new Tensor(f32, [2], 'float32', [1], -1)).toThrow(
      'Tensor: offset must be a non-negative integer, got -1',
    )
    expect(() => new Tensor(f32 as never, [2], 'float64')).toThrow(
      'Tensor: storage must be a Float64Array for dtype float64, got a Float32Array of length 4',
    )
    expect(() => new Tensor(f32 as never, [2], 'uint8' as never)).toThrow(
      'Tensor: dtype must be "bool", "int32", "float32" or "float64", got "uint8"',
    )
    expect(() => new Tensor(undefined as never, [2], 'float32')).toThrow(
      'Tensor: storage must be a Float32Array for dtype float32, got undefined',
    )
    // in bounds: a transposed view, a reversed view, and an empty tensor over no storage
    expect(new Tensor(f32, [2, 2], 'float32', [1, 2]).size).toBe(4)
    expect(new Tensor(f32, [4], 'float32', [-1], 3).size).toBe(4)
    expect(new Tensor(new Float32Array(0), [0, 5], 'float32').size).toBe(0)
  })

  it('refuses shapes of more than MAX_ELEMENTS elements before allocating', () => {
    expect(MAX_ELEMENTS).toBe(2 ** 31 - 1)
    expect(() => T.zeros([65536, 32768])).toThrow(
      'zeros: shape [65536,32768] has 2147483648 elements, more than the limit of 2147483647',
    )
    expect(() => T.full([2 ** 40, 2 ** 40], 1)).toThrow(
      'full: shape [1099511627776,1099511627776] has 1.2089258196146292e+24 elements',
    )
    expect(() => T.add(T.zeros([65536, 1]), T.zeros([1, 32768]))).toThrow(
      'add: result shape [65536,32768] has 2147483648 elements, more than the limit of 2147483647',
    )
    expect(() => T.broadcastTo(T.zeros([1]), [65536, 32768])).toThrow(
      'broadcastTo: shape [65536,32768] has 2147483648 elements, more than the limit of 2147483647',
    )
  })

  it('prints as its dtype and shape in error messages', () => {
    expect(show(T.zeros([2, 3]))).toBe('a float32 Tensor of shape [2,3]')
    expect(show(tensor([1], { dtype: 'int32' }))).toBe('an int32 Tensor of shape [1]')
  })

  it('reads its options strictly', () => {
    expect(() => tensor([1], { dtyp: 'int32' } as never)).toThrow(
      'tensor: unknown option dtyp, expected one of dtype, shape; did you mean dtype?',
    )
    expect(() => tensor([1], { dtype: 'int' as never })).toThrow(
      'tensor: dtype must be "bool", "int32", "float32" or "float64", got "int"',
    )
    expect(() => tensor(undefined as never)).toThrow('tensor: values must be a number or a boolean, got undefined')
    expect(() => tensor(new DataView(new ArrayBuffer(4)) as never)).toThrow(
      'tensor: values must be nested arrays, a number, a boolean or a typed array of numbers, got a DataView',
    )
    expect(tensor([1, 2], null as never).shape).toEqual([2])
  })
})

describe('data of a strided view', () => {
  it('copies transposed, sliced, flipped and broadcast views element for element', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.nat(1000),
        (shape, seed) => {
          const base = T.reshape(T.arange(0, I.sizeOf(shape), 1, { dtype: 'float64' }), shape)
          const perm = shape.map((_, i) => i).sort((a, b) => ((a * 7 + seed) % 5) - ((b * 7 + seed) % 5))
          let v: T.Tensor = T.transpose(base, perm)
          v = T.flip(v, [seed % v.rank])
          v = T.slice(
            v,
            v.shape.map(() => 0),
            v.shape.map((d, i) => (i === (seed >> 2) % v.rank ? Math.max(1, d - 1) : d)),
          )
          const views = [v, T.broadcastTo(T.slice(base, [0], [1]), [2, ...base.shape.slice(1)] as number[])]
          for (const view of views) {
            // reference: read storage at offset + Σ index·stride, one element at a time
            const expected = Array.from({ length: view.size }, (_, flat) => {
              let at = view.offset
              let rest = flat
              for (let d = view.rank - 1; d >= 0; d--) {
                at += (rest % view.shape[d]!) * view.strides[d]!
                rest = Math.floor(rest / view.shape[d]!)
              }
              return view.storage[at]!
            })
            expect([...view.data]).toEqual(expected)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
