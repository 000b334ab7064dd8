import { describe, expect, it } from 'vitest'
import { tensor } from '@gd/tensor'
import { checkPair, checkReduction } from './reduction.js'

describe('checkReduction', () => {
  it('accepts the three reductions', () => {
    expect(['mean', 'sum', 'none'].map((r) => checkReduction('mse', r))).toEqual(['mean', 'sum', 'none'])
  })

  it('names the loss and the choices', () => {
    expect(() => checkReduction('mse', 'avg')).toThrow('mse: reduction must be one of mean, sum, none, got "avg"')
    expect(() => checkPair('mse', tensor([1]), tensor([1, 2]))).toThrow(
      'mse: predictions [1] and targets [2] differ in shape',
    )
  })
})
