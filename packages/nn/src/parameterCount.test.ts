import { describe, expect, it } from 'vitest'
import { tensor } from '@gd/tensor'
import { parameterCount } from './parameterCount.js'

describe('parameterCount', () => {
  it('sums leaf sizes over the tree', () => {
    // 2·3 + 3 + 1 = 10
    const params = { w: tensor(new Float32Array(6), { shape: [2, 3] }), b: [tensor([0, 0, 0]), tensor(0)] }
    expect(parameterCount(params)).toBe(10)
  })
})
