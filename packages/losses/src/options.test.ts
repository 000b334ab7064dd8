import { describe, expect, it } from 'vitest'
import { checkBoolean, checkNumber, checkOptions } from './options.js'

describe('option checks', () => {
  it('accept valid options and return the value', () => {
    expect(() => checkOptions('huber', { delta: 2 }, ['delta'])).not.toThrow()
    expect(checkNumber('huber', 'delta', 2, (x) => x > 0, '> 0')).toBe(2)
    expect(checkBoolean('poissonNll', 'full', false)).toBe(false)
  })

  it('name the function, the option and the value', () => {
    expect(() => checkOptions('huber', { dleta: 2 }, ['delta', 'reduction'])).toThrow('huber: unknown option dleta, expected one of delta, reduction')
    expect(() => checkOptions('huber', [1], ['delta'])).toThrow('huber: options must be an object, got an array')
    expect(() => checkOptions('huber', 3, ['delta'])).toThrow('huber: options must be an object, got number')
    expect(() => checkNumber('huber', 'delta', '1', (x) => x > 0, '> 0')).toThrow('huber: delta must be > 0, got "1"')
    expect(() => checkNumber('huber', 'delta', Infinity, (x) => x > 0, '> 0')).toThrow('huber: delta must be > 0, got Infinity')
    expect(() => checkBoolean('f', 'full', undefined)).toThrow('f: full must be true or false, got undefined')
  })
})
