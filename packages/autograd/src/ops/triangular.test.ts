import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import * as AG from '../index.js'

describe('tril and triu (differentiable)', () => {
  const x = T.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ])

  it('give the tensor ops’ values and mask the gradient the same way', () => {
    expect(AG.tril(x).toArray()).toEqual([
      [1, 0, 0],
      [4, 5, 0],
    ])
    expect(AG.triu(x, 1).toArray()).toEqual([
      [0, 2, 3],
      [0, 0, 6],
    ])
    // d/dx Σ w ⊙ tril(x, k) = tril(w, k)
    const w = T.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(AG.grad((v: AG.Var) => AG.sum(AG.mul(AG.tril(v, 1), w)))(x).toArray()).toEqual([
      [1, 2, 0],
      [4, 5, 6],
    ])
    expect(AG.grad((v: AG.Var) => AG.sum(AG.mul(AG.triu(v, -1), w)))(x).toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(AG.grad((v: AG.Var) => AG.sum(AG.mul(AG.triu(v), w)))(x).toArray()).toEqual([
      [1, 2, 3],
      [0, 5, 6],
    ])
  })

  it('reject bad arguments before any work', () => {
    expect(() => AG.tril(T.ones([3]))).toThrow(
      'tril: x must be a Tensor or Var of rank >= 2, got a float32 Tensor of shape [3]',
    )
    expect(() => AG.triu(2)).toThrow('triu: x must be a Tensor or Var of rank >= 2, got 2')
    expect(() => AG.tril('x' as never)).toThrow('tril: x must be a Tensor, a Var or a number, got "x"')
    expect(() => AG.triu(x, 1.5)).toThrow('triu: k must be an integer, got 1.5')
  })
})
