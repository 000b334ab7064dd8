import { describe, expect, it } from 'vitest'
import { tensor, type Tensor } from '@gd/tensor'
import { trace } from '../index.js'

/** The updates of `steps` calls with the same gradient g = [2], from a fresh state. */
function traced(options: Parameters<typeof trace>[0], steps: number): number[] {
  const tx = trace(options)
  const params = { w: tensor([0], { dtype: 'float64' }) }
  let state = tx.init(params)
  const out: number[] = []
  for (let k = 0; k < steps; k++) {
    const r = tx.update({ w: tensor([2], { dtype: 'float64' }) }, state, params)
    out.push((r.updates as { w: Tensor }).w.item())
    state = r.state
  }
  return out
}

describe('trace', () => {
  it('starts from b = g (PyTorch), or from b = 0 with startAtZero (Optax, Signum)', () => {
    // μ = τ = 0.5, g = 2: PyTorch b₁ = g = 2, b₂ = 0.5·2 + 0.5·2 = 2
    expect(traced({ momentum: 0.5, dampening: 0.5 }, 2)).toEqual([2, 2])
    // from zero: b₁ = 0.5·0 + 0.5·2 = 1, b₂ = 0.5·1 + 0.5·2 = 1.5
    expect(traced({ momentum: 0.5, dampening: 0.5, startAtZero: true }, 2)).toEqual([1, 1.5])
    // Optax's trace (no dampening): b₁ = 2, b₂ = 0.5·2 + 2 = 3
    expect(traced({ momentum: 0.5, startAtZero: true }, 2)).toEqual([2, 3])
  })

  it('rejects a startAtZero that is not a boolean', () => {
    expect(() => trace({ startAtZero: 1 as never })).toThrow('trace: startAtZero must be a boolean, got 1')
  })
})
