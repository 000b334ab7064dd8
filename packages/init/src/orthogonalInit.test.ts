import { prngKey } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { orthogonalInit } from './orthogonalInit.js'

/** Largest |(A Aᵀ)_ij - c·δ_ij| over the rows of a row-major rows×cols matrix. */
function rowGramError(a: ArrayLike<number>, rows: number, cols: number, c = 1): number {
  let worst = 0
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      let dot = 0
      for (let k = 0; k < cols; k++) dot += a[i * cols + k]! * a[j * cols + k]!
      worst = Math.max(worst, Math.abs(dot - (i === j ? c : 0)))
    }
  }
  return worst
}

/** Largest |(Aᵀ A)_ij - c·δ_ij| over the columns. */
function colGramError(a: ArrayLike<number>, rows: number, cols: number, c = 1): number {
  let worst = 0
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j < cols; j++) {
      let dot = 0
      for (let k = 0; k < rows; k++) dot += a[k * cols + i]! * a[k * cols + j]!
      worst = Math.max(worst, Math.abs(dot - (i === j ? c : 0)))
    }
  }
  return worst
}

describe('orthogonalInit', () => {
  it('gives QᵀQ = QQᵀ = I for a square matrix, to float64 precision', () => {
    const q = orthogonalInit(0, [64, 64], { dtype: 'float64' }).data
    expect(colGramError(q, 64, 64)).toBeLessThan(1e-13)
    expect(rowGramError(q, 64, 64)).toBeLessThan(1e-13)
  })

  it('gives orthonormal columns for tall shapes and orthonormal rows for wide ones', () => {
    expect(colGramError(orthogonalInit(1, [100, 30], { dtype: 'float64' }).data, 100, 30)).toBeLessThan(1e-13)
    expect(rowGramError(orthogonalInit(2, [30, 100], { dtype: 'float64' }).data, 30, 100)).toBeLessThan(1e-13)
  })

  it('flattens conv kernels to [outChannels, inChannels·k…] and scales by gain', () => {
    // [16, 4, 3, 3] is a 16×36 matrix: 16 orthonormal rows, times gain 2 → W Wᵀ = 4 I.
    const w = orthogonalInit(3, [16, 4, 3, 3], { gain: 2, dtype: 'float64' })
    expect(w.shape).toEqual([16, 4, 3, 3])
    expect(rowGramError(w.data, 16, 36, 4)).toBeLessThan(1e-12)
  })

  it('is orthogonal to float32 precision in float32', () => {
    const q = orthogonalInit(4, [50, 50])
    expect(q.dtype).toBe('float32')
    // Rounding each entry to float32 (relative 6e-8) perturbs dot products of unit vectors by ~1e-7·√50.
    expect(colGramError(q.data, 50, 50)).toBeLessThan(1e-5)
  })

  it('is uniformly distributed: entries of a Haar orthogonal matrix have mean 0 and variance 1/n', () => {
    // Over 200 random 20×20 matrices (80000 entries): variance 1/20 = 0.05. Entries of one matrix
    // are not independent, so we allow a generous 10% (5 SE of 80000 independent normals is 2.5%).
    // Without the sign correction the diagonal would be biased: check its mean is ~0 too.
    let sum = 0
    let sumSq = 0
    let diag = 0
    for (let s = 0; s < 200; s++) {
      const q = orthogonalInit(prngKey(s), [20, 20], { dtype: 'float64' }).data
      for (let i = 0; i < 400; i++) {
        sum += q[i]!
        sumSq += q[i]! ** 2
      }
      for (let i = 0; i < 20; i++) diag += q[i * 21]!
    }
    expect(Math.abs(sum / 80000)).toBeLessThan(5 * Math.sqrt(0.05 / 80000))
    expect(Math.abs(sumSq / 80000 / 0.05 - 1)).toBeLessThan(0.1)
    // 4000 diagonal entries with sd √0.05: 5 SE = 5·0.224/63 = 0.018.
    expect(Math.abs(diag / 4000)).toBeLessThan(0.018)
  })

  it('is deterministic by seed and handles empty shapes', () => {
    expect([...orthogonalInit(5, [6, 4]).data]).toEqual([...orthogonalInit(prngKey(5), [6, 4]).data])
    expect([...orthogonalInit(5, [6, 4]).data]).not.toEqual([...orthogonalInit(6, [6, 4]).data])
    expect(orthogonalInit(0, [0, 3]).shape).toEqual([0, 3])
    expect(orthogonalInit(0, [3, 0]).size).toBe(0)
  })

  it('rejects shapes of rank < 2 and bad gains', () => {
    expect(() => orthogonalInit(0, [5])).toThrow(
      'orthogonalInit: shape must have rank >= 2 (a matrix or a conv kernel), got [5]',
    )
    expect(() => orthogonalInit(0, [5, 5], { gain: 0 })).toThrow(
      'orthogonalInit: gain must be a positive finite number, got 0',
    )
    expect(() => orthogonalInit(0, [5, 5], { dtype: 'int32' as never })).toThrow(
      'orthogonalInit: dtype must be "float32" or "float64", got "int32"',
    )
  })
})
