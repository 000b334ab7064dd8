import { grad, type Var } from '@gd/autograd'
import { valuesArb } from '@gd/testing'
import { tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cosineDistance, cosineSimilarity } from './cosineSimilarity.js'

describe('cosineSimilarity / cosineDistance', () => {
  it('match a·b / (‖a‖‖b‖) and 1 minus it per row, on random vectors', () => {
    const cases = fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }))
      .chain(([n, d]) => fc.tuple(valuesArb([n, d]), valuesArb([n, d])))
    fc.assert(
      fc.property(cases, ([a, b]) => {
        const [n, d] = a.shape as [number, number]
        const sim = cosineSimilarity(a, b, { reduction: 'none' }).value.data
        const dist = cosineDistance(a, b, { reduction: 'none' }).value.data
        for (let i = 0; i < n; i++) {
          let dot = 0
          let na = 0
          let nb = 0
          for (let k = 0; k < d; k++) {
            const x = a.data[i * d + k]!
            const y = b.data[i * d + k]!
            dot += x * y
            na += x * x
            nb += y * y
          }
          const ref = dot / (Math.max(Math.sqrt(na), 1e-8) * Math.max(Math.sqrt(nb), 1e-8))
          expect(sim[i]).toBeCloseTo(ref, 10)
          expect(dist[i]).toBeCloseTo(1 - ref, 10)
        }
      }),
    )
  })

  it('gives 0 with a zero gradient for a zero vector, and works cases by hand', () => {
    const zero = tensor([[0, 0]], { dtype: 'float64' })
    const b = tensor([[1, 1]], { dtype: 'float64' })
    expect(cosineSimilarity(zero, b).item()).toBe(0)
    expect(Array.from(grad((v: Var) => cosineDistance(v, b))(zero).data).every(Number.isFinite)).toBe(true)
    // [1, 0]·[1, 1] / √2 = 0.7071…;  opposite vectors: distance 2
    expect(cosineSimilarity(tensor([[1, 0]]), tensor([[1, 1]])).item()).toBeCloseTo(Math.SQRT1_2, 6)
    expect(cosineDistance(tensor([[1, 0]]), tensor([[-3, 0]])).item()).toBe(2)
  })

  it('does not overflow: float32 vectors of norm 1e20 have the right cosine', () => {
    // Squaring 1e20 gives 1e40, beyond float32's 3.4e38: the rows are scaled by their largest |x| first.
    for (const scale of [1e-3, 1e20, 1e35]) {
      const a = tensor([
        [scale, 0],
        [3 * scale, 4 * scale],
      ])
      const b = tensor([
        [scale, scale],
        [3 * scale, 4 * scale],
      ])
      const sim = cosineSimilarity(a, b, { reduction: 'none' }).toArray() as number[]
      expect(sim[0]).toBeCloseTo(Math.SQRT1_2, 6) // [1, 0]·[1, 1] / √2
      expect(sim[1]).toBeCloseTo(1, 6)
    }
    // the gradient at scale s is the unit-scale gradient divided by s: here finite and ≈ [0, 0.7071]·1e-20
    const g = grad((v: Var) => cosineSimilarity(v, tensor([[1e20, 1e20]])))(tensor([[1e20, 0]])).toArray() as number[][]
    expect(g[0]![0]).toBeCloseTo(0, 26)
    expect(g[0]![1]! * 1e20).toBeCloseTo(Math.SQRT1_2, 5)
    // below eps the norm is clamped, as before: [1e-9, 0] has norm 1e-9 < 1e-8, so cos = 1e-9·1 / (1e-8 · 1)
    expect(
      cosineSimilarity(tensor([[1e-9, 0]], { dtype: 'float64' }), tensor([[1, 0]], { dtype: 'float64' })).item(),
    ).toBeCloseTo(0.1, 12)
  })

  it('names shape problems and a bad eps', () => {
    expect(() => cosineDistance(tensor(1), tensor(1))).toThrow(
      'cosineDistance: predictions need a feature axis, got shape []',
    )
    expect(() => cosineSimilarity(tensor([1]), tensor([1]), { eps: 0 })).toThrow(
      'cosineSimilarity: eps must be a positive finite number, got 0',
    )
  })
})
