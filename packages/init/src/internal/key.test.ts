import { prngKey } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { resolveKey } from './key.js'

describe('resolveKey', () => {
  it('turns a seed into prngKey(seed) and passes keys through', () => {
    expect(resolveKey('heNormalInit', 3)).toEqual(prngKey(3))
    expect(resolveKey('heNormalInit', [1, 2])).toEqual([1, 2])
    expect(resolveKey('heNormalInit', JSON.parse(JSON.stringify(prngKey(9))))).toEqual(prngKey(9))
  })

  it('rejects bad seeds and keys, naming the caller', () => {
    expect(() => resolveKey('heNormalInit', 0.5)).toThrow('heNormalInit: seed must be a safe integer, got 0.5')
    expect(() => resolveKey('heNormalInit', [1] as never)).toThrow(
      'heNormalInit: key must be a pair of uint32 (from prngKey or splitKey), got [1]',
    )
  })
})
