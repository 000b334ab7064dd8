import { describe, expect, it } from 'vitest'
import { trainOnNames } from './names.js'

describe('character models of first names', () => {
  for (const kind of ['gru', 'transformer'] as const) {
    it(`${kind}: learns from a few hundred names, below a uniform guess, and samples names of the vocabulary`, () => {
      const r = trainOnNames(kind, { epochs: 2, limit: 400, width: 16, depth: kind === 'gru' ? 32 : 1, samples: 4 })
      // a uniform guess over the characters and the end costs ln(size − 2) nats per character
      expect(r.validationLoss).toBeLessThan(Math.log(r.vocab.size - 2) - 0.5)
      expect(r.samples).toHaveLength(4)
      for (const name of r.samples) expect(name).toMatch(/^[a-z-]*$/)
      expect(r.history.map((h) => h.epoch)).toEqual([0, 1])
    })
  }

  it('rejects bad settings', () => {
    expect(() => trainOnNames('lstm' as never)).toThrow("trainOnNames: kind must be 'gru' or 'transformer', got lstm")
    expect(() => trainOnNames('gru', { epochs: 0 })).toThrow('trainOnNames: epochs must be a positive integer, got 0')
    expect(() => trainOnNames('transformer', { learningRate: -1 })).toThrow('trainOnNames: learningRate must be a finite number > 0, got -1')
    expect(() => trainOnNames('gru', { epoch: 2 } as never)).toThrow('did you mean epochs?')
  })
})
