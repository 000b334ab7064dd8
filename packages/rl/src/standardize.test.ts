import { describe, expect, it } from 'vitest'
import { standardize } from './standardize.js'

describe('standardize', () => {
  it('shifts to mean 0 and scales to standard deviation 1 (population std)', () => {
    // mean 2, population std 1
    expect([...standardize([1, 3])]).toEqual([-1, 1])
    // [1, 2, 3, 6]: mean 3, variance (4 + 1 + 0 + 9) / 4 = 3.5
    const s = Math.sqrt(3.5)
    expect([...standardize(Float32Array.from([1, 2, 3, 6]))]).toEqual([-2 / s, -1 / s, 0, 3 / s])
  })

  it('gives zeros when there is nothing to tell apart, and nothing for nothing', () => {
    expect([...standardize([5])]).toEqual([0])
    expect([...standardize([2, 2, 2])]).toEqual([0, 0, 0])
    // a spread of 10⁻⁹ is below the 10⁻⁸ threshold
    expect([...standardize([1, 1 + 2e-9])]).toEqual([0, 0])
    expect(standardize([])).toEqual(new Float64Array(0))
  })

  it('rejects what is not a list of finite numbers, and leaves its input alone', () => {
    expect(() => standardize([1, Infinity])).toThrow('standardize: values[1] must be a finite number, got Infinity')
    expect(() => standardize({ length: 2 } as never)).toThrow(
      'standardize: values must be an array or a typed array of finite numbers, got {"length":2}',
    )
    expect(() => standardize([1e308, -1e308])).toThrow(
      "standardize: the values' spread overflows (standard deviation Infinity); values must be smaller in magnitude",
    )
    const values = [3, 1]
    standardize(values)
    expect(values).toEqual([3, 1])
  })
})
