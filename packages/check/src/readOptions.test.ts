import { describe, expect, it } from 'vitest'
import { boolean, optional, positiveInteger, withDefault } from './checks.js'
import { readOptions, unknownOption } from './readOptions.js'

const spec = {
  epochs: withDefault(positiveInteger, 1),
  shuffle: withDefault(boolean, true),
  seed: optional(positiveInteger),
}

describe('readOptions', () => {
  it('fills defaults and returns a fresh object', () => {
    const given = { epochs: 3 }
    const read = readOptions('fit', given, spec)
    expect(read).toEqual({ epochs: 3, shuffle: true, seed: undefined })
    expect(read).not.toBe(given)
    expect(given).toEqual({ epochs: 3 })
  })
  it('treats undefined and null as no options', () => {
    expect(readOptions('fit', undefined, spec)).toEqual({ epochs: 1, shuffle: true, seed: undefined })
    expect(readOptions('fit', null, spec)).toEqual({ epochs: 1, shuffle: true, seed: undefined })
  })
  it('rejects what is not a plain object', () => {
    expect(() => readOptions('fit', 5, spec)).toThrow('fit: options must be a plain object, got 5')
    expect(() => readOptions('fit', [1], spec)).toThrow('fit: options must be a plain object, got [1]')
    expect(() => readOptions('fit', new Map(), spec)).toThrow('fit: options must be a plain object, got a Map')
  })
  it('rejects unknown names with the valid ones and a "did you mean"', () => {
    expect(() => readOptions('fit', { epoch: 50 }, spec)).toThrow(
      'fit: unknown option epoch, expected one of epochs, shuffle, seed; did you mean epochs?',
    )
    expect(() => readOptions('fit', { verbose: 1 }, spec)).toThrow(
      /^fit: unknown option verbose, expected one of epochs, shuffle, seed$/,
    )
    expect(unknownOption('relu', 'x', []).message).toBe('relu: unknown option x, it takes no options')
  })
  it('checks every value in spec order, before returning anything', () => {
    expect(() => readOptions('fit', { epochs: 0 }, spec)).toThrow('fit: epochs must be a positive integer, got 0')
    expect(() => readOptions('fit', { shuffle: 'yes' }, spec)).toThrow('fit: shuffle must be a boolean, got "yes"')
    const seen: unknown[] = []
    readOptions(
      'f',
      { a: 1, b: 2 },
      {
        a: withDefault(positiveInteger, 1),
        b: (_fn, _key, value, options) => (seen.push({ ...options }), value),
      },
    )
    expect(seen).toEqual([{ a: 1 }])
  })
  it('does not see inherited keys', () => {
    const given = Object.create(null) as Record<string, unknown>
    given.epochs = 2
    expect(readOptions('fit', given, spec).epochs).toBe(2)
    expect(() => readOptions('fit', { toString: 1 }, spec)).toThrow('fit: unknown option toString')
  })
})
