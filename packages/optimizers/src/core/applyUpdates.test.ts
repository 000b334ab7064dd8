import { describe, expect, it } from 'vitest'
import { tensor } from '@gd/tensor'
import { applyUpdates } from './applyUpdates.js'

describe('applyUpdates', () => {
  it('adds updates leaf by leaf without touching the inputs', () => {
    const params = { w: tensor([1, 2]), b: [tensor([3])] }
    const next = applyUpdates(params, { w: tensor([0.5, -1]), b: [tensor([-3])] })
    expect([...next.w.data]).toEqual([1.5, 1])
    expect([...next.b[0]!.data]).toEqual([0])
    expect([...params.w.data]).toEqual([1, 2])
  })

  it('rejects shape mismatches', () => {
    expect(() => applyUpdates({ w: tensor([1, 2]) }, { w: tensor([1]) })).toThrow(
      'applyUpdates: parameter of shape [2] got an update of shape [1]',
    )
  })
})
