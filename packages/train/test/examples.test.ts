import { describe, expect, it } from 'vitest'
import { main as linearRegression } from '../examples/linearRegression.js'
import { main as logisticRegression } from '../examples/logisticRegression.js'
import { main as namesBigram } from '../examples/namesBigram.js'

describe('examples', () => {
  it('linear regression recovers the line y = 3·x₀ − 2·x₁ + 1', () => {
    const lines: string[] = []
    const { w, b, loss } = linearRegression((l) => lines.push(l))
    // The noise has σ = 0.1, so the least-squares loss settles near σ² = 0.01 and the weights
    // within a few hundredths of the truth.
    expect(w[0]).toBeCloseTo(3, 1)
    expect(w[1]).toBeCloseTo(-2, 1)
    expect(b).toBeCloseTo(1, 1)
    expect(loss).toBeLessThan(0.012)
    expect(lines.length).toBe(5) // epochs 25, 50, 75, 100 and the result
    expect(lines[0]).toMatch(/^epoch 25: loss \d\.\d{4}$/)
    expect(lines[4]).toMatch(/^learned w = \[\d\.\d{3},-\d\.\d{3}\], b = \d\.\d{3} \(true: \[3, -2\], 1\)$/)
  })

  it('logistic regression finds a rate and classifies held-out points', () => {
    let out = ''
    const r = logisticRegression({ write: (s) => (out += s) })
    expect(r.learningRate).toBeGreaterThan(1e-5)
    expect(r.learningRate).toBeLessThan(10)
    // Label noise σ = 0.1 flips only points within ~0.1 of the line: ≥ 95% is reachable.
    expect(r.valAccuracy).toBeGreaterThanOrEqual(0.95)
    expect(out).toMatch(/^epoch 1\/30  loss /)
    expect(out).toContain('validation accuracy')
  })

  it("a bigram model of first names nears the counted bigrams' 2.437 nats/char and samples names", () => {
    const lines: string[] = []
    // 4 epochs of 15 steps give 2.443 (the example's default, 12 epochs, reaches 2.437)
    const { valLoss, samples } = namesBigram((l) => lines.push(l), 4)
    // uniform over the 28 ids that can follow is ln 28 = 3.33 nats/char
    expect(valLoss).toBeLessThan(2.6)
    expect(valLoss).toBeGreaterThan(2.4)
    expect(samples).toHaveLength(5)
    for (const name of samples) expect(name).toMatch(/^[a-z-]{0,20}$/)
    expect(lines[0]).toBe('8422 names, 27 characters, rows of 16')
  }, 60_000)
})
