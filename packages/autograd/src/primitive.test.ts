// An op's smooth domain is declared where the op is defined (plain data the gradient table reads);
// primitive() checks it once, when the op is made.
import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import * as AG from './index.js'
import type { Var } from './variable.js'

const double = { name: 'double', inputNames: ['x'], forward: (t: T.Tensor) => T.mul(t, 2), backward: (g: Var) => [g] }

describe('smooth domains', () => {
  it('primitives and composed ops carry the domain they declare', () => {
    expect(AG.div.domain).toEqual({ b: 'awayFromZero' })
    expect(AG.pow.domain).toEqual({ a: 'positive' })
    expect(AG.maximum.domain).toEqual({ a: 'nearIntegers', b: 'nearHalfIntegers' })
    expect(AG.add.domain).toEqual({})
    expect(AG.reciprocal.domain).toEqual({ x: 'awayFromZero' })
    expect(AG.max.domain).toEqual({ x: 'distinct' })
    expect(AG.maxPool2d.domain).toEqual({ x: 'distinct' })
    // composed ops still compute as before
    expect(AG.elu(T.tensor([-1, 2]), 1).value.data[1]).toBe(2)
    expect(AG.elu.name).toBe('elu')
    expect(AG.norm(T.tensor([3, 4])).item()).toBe(5)
  })

  it('primitive() copies the declared domain onto the op', () => {
    const spec = { ...double, domain: { x: 'positive' as const } }
    const op = AG.primitive(spec)
    expect(op.domain).toEqual({ x: 'positive' })
    expect(op.domain).not.toBe(spec.domain)
    expect(op(T.tensor([2])).toArray()).toEqual([4])
  })

  it('primitive() rejects a domain it cannot read, naming the input', () => {
    expect(() => AG.primitive({ ...double, domain: { x: 'postive' } as never })).toThrow(
      'primitive: spec.domain.x must be "anywhere", "positive", "awayFromZero", "nearIntegers", "nearHalfIntegers" or "distinct", got "postive"',
    )
    expect(() => AG.primitive({ ...double, domain: { y: 'positive' } })).toThrow(
      'primitive: spec.domain must name inputs among x, got "y"',
    )
    expect(() => AG.primitive({ ...double, domain: 'positive' as never })).toThrow(
      'primitive: spec.domain must be a plain object of domains by input name, got "positive"',
    )
  })
})
