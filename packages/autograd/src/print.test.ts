import { inspect } from 'node:util'
import { tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { mul, tanh, toVar, valueAndGrad, type Var } from './index.js'

describe('printing a Var', () => {
  it('shows the op that made it and its value, in String and in console.log / util.inspect', () => {
    const v = tanh(tensor([0, 100]))
    expect(String(v)).toBe('Var(tanh) Tensor(float32, [2]) [0, 1]')
    expect(inspect(v)).toBe('Var(tanh) Tensor(float32, [2]) [0, 1]')
    expect(inspect({ loss: toVar('test', tensor(0.5)) })).toBe('{ loss: Var(constant) Tensor(float32, []) 0.5 }')
  })

  it('prints a traced value as its value, without the graph', () => {
    let seen = ''
    valueAndGrad((x: Var) => {
      const y = mul(x, 3)
      seen = inspect(y)
      return y
    })(tensor(2))
    expect(seen).toBe('Var(mul) Tensor(float32, []) 6')
  })
})
