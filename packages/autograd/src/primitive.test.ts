// An op's smooth domain is declared where the op is defined (plain data the gradient table reads);
// primitive() checks it once, when the op is made.
import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import * as AG from './index.js'
import { peekId, type Var } from './variable.js'

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

describe('rules skip the cotangents no input needs', () => {
  // Vars made by a gradient of f beyond those of the gradient of sum(x): counted by creation id
  const extra = (f: (x: Var) => Var): number => {
    const x = T.tensor([1, 2])
    const made = (g: (x: Var) => Var): number => {
      const before = peekId()
      AG.grad(g)(x)
      return peekId() - before
    }
    return made(f) - made((v) => AG.sum(v))
  }
  const c = T.tensor([2, 4])

  it('mul, sub, div, where, maximum and minimum compute only the constant-free side', () => {
    // forward: the constant's Var and the op's output; backward: the one cotangent x needs (g·c, g, g/c)
    expect(extra((x) => AG.sum(AG.mul(x, c)))).toBe(3)
    expect(extra((x) => AG.sum(AG.mul(c, x)))).toBe(3)
    expect(extra((x) => AG.sum(AG.sub(x, c)))).toBe(2) // and no −g for the constant
    expect(extra((x) => AG.sum(AG.div(x, c)))).toBe(3) // and no −(g·a/b)/b (four ops) for the constant
    // where: the condition's and the constant's Vars, the output, and where(c, g, 0) for x only (its 0 and result)
    expect(extra((x) => AG.sum(AG.where(T.tensor([true, false]), x, c)))).toBe(5)
    // maximum and minimum: g times x's share (a constant Var and the product), none for the constant's share
    expect(extra((x) => AG.sum(AG.maximum(x, c)))).toBe(4)
    expect(extra((x) => AG.sum(AG.minimum(c, x)))).toBe(4)
  })

  it('and give the same gradients as before', () => {
    expect(AG.grad((x: Var) => AG.sum(AG.div(c, x)))(T.tensor([1, 2])).toArray()).toEqual([-2, -1]) // −c/x²
    expect(AG.grad((x: Var) => AG.sum(AG.mul(x, c)))(T.tensor([1, 2])).toArray()).toEqual([2, 4])
    expect(AG.grad((x: Var) => AG.sum(AG.sub(c, x)))(T.tensor([1, 2])).toArray()).toEqual([-1, -1])
    expect(AG.grad((x: Var) => AG.sum(AG.maximum(x, c)))(T.tensor([3, 4])).toArray()).toEqual([1, 0.5]) // 3 > 2; tie at 4
  })
})
