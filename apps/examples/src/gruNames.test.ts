import { describe, expect, it } from 'vitest'
import { trainGruNames } from './gruNames.js'

describe('gruNames', () => {
  it('learns from a few hundred names: the validation loss falls below a uniform guess and samples are names of the vocabulary', () => {
    const r = trainGruNames({ epochs: 2, limit: 400, hidden: 32, embed: 8, samples: 4 })
    // a uniform guess over the characters and the end costs ln(size − 2) nats per character
    expect(r.validationLoss).toBeLessThan(Math.log(r.vocab.size - 2) - 0.5)
    expect(r.samples).toHaveLength(4)
    for (const name of r.samples) expect(name).toMatch(/^[a-z-]*$/)
    expect(r.history.map((h) => h.epoch)).toEqual([0, 1])
  })

  it('rejects bad settings', () => {
    expect(() => trainGruNames({ epochs: 0 })).toThrow('trainGruNames: epochs must be a positive integer, got 0')
    expect(() => trainGruNames({ learningRate: -1 })).toThrow('trainGruNames: learningRate must be a finite number > 0, got -1')
  })
})
