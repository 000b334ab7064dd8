import { describe, expect, it } from 'vitest'
import { tensor } from '@gd/tensor'
import { maskLeaves, prefixLeaves } from '../extend.js'

const params = {
  w: tensor([1]),
  layers: [
    { a: tensor([1]), b: tensor([2]) },
    { a: tensor([3]), b: tensor([4]) },
  ],
}

describe('maskLeaves and prefixLeaves', () => {
  it('expand a boolean at any node over its subtree, in leaf order', () => {
    expect(maskLeaves('f', true, params)).toEqual([true, true, true, true, true])
    expect(maskLeaves('f', { w: false, layers: true }, params)).toEqual([false, true, true, true, true])
    expect(maskLeaves('f', { w: true, layers: [false, { a: true, b: false }] }, params)).toEqual([
      true,
      false,
      false,
      true,
      false,
    ])
    expect(maskLeaves('f', (p) => ({ w: 'w' in p, layers: false }), params)).toEqual([true, false, false, false, false])
  })

  it('name the path where the mask does not fit', () => {
    expect(() => maskLeaves('adamw', { w: true, layers: [true] }, params)).toThrow(
      'adamw: mask does not match the parameters at .layers[1]: expected a boolean or a subtree, got undefined',
    )
    expect(() => maskLeaves('adamw', { w: { x: true }, layers: true }, params)).toThrow(
      'adamw: mask does not match the parameters at .w: expected a boolean or a subtree, got [object Object]',
    )
  })

  it('work for any value type', () => {
    const isLabel = (x: unknown): x is string => typeof x === 'string'
    expect(prefixLeaves('p', 'labels', { w: 'head', layers: 'body' }, params, isLabel, 'a label')).toEqual([
      'head',
      'body',
      'body',
      'body',
      'body',
    ])
  })
})
