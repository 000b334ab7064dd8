import { describe, expect, it } from 'vitest'
import { checkBoolean, checkNumber, checkOptions } from './options.js'

describe('option checks (deprecated wrappers over @gd/check)', () => {
  it('accept valid options and return the value', () => {
    expect(() => checkOptions('huber', { delta: 2 }, ['delta'])).not.toThrow()
    expect(() => checkOptions('huber', undefined, ['delta'])).not.toThrow()
    expect(() => checkOptions('huber', null, ['delta'])).not.toThrow()
    expect(checkNumber('huber', 'delta', 2, (x) => x > 0, '> 0')).toBe(2)
    expect(checkBoolean('poissonNll', 'full', false)).toBe(false)
  })

  it('name the function, the option and the value', () => {
    expect(() => checkOptions('huber', { dleta: 2 }, ['delta', 'reduction'])).toThrow(
      'huber: unknown option dleta, expected one of delta, reduction; did you mean delta?',
    )
    expect(() => checkOptions('huber', [1], ['delta'])).toThrow('huber: options must be a plain object, got [1]')
    expect(() => checkOptions('huber', 3, ['delta'])).toThrow('huber: options must be a plain object, got 3')
    expect(() => checkNumber('huber', 'delta', '1', (x) => x > 0, '> 0')).toThrow('huber: delta must be > 0, got "1"')
    expect(() => checkNumber('huber', 'delta', Infinity, (x) => x > 0, '> 0')).toThrow(
      'huber: delta must be > 0, got Infinity',
    )
    expect(() => checkBoolean('f', 'full', undefined)).toThrow('f: full must be a boolean, got undefined')
  })

  it('check their own arguments', () => {
    expect(() => checkOptions(1 as never, {}, [])).toThrow('checkOptions: fn must be a string, got 1')
    expect(() => checkOptions('f', {}, 'delta' as never)).toThrow(
      'checkOptions: known must be an array of strings, got "delta"',
    )
    expect(() => checkNumber('f', 'x', 1, undefined as never, '> 0')).toThrow(
      'checkNumber: valid must be a function, got undefined',
    )
    expect(() => checkBoolean('f', undefined as never, true)).toThrow(
      'checkBoolean: name must be a string, got undefined',
    )
  })
})
