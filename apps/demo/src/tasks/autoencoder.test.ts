import { describe, expect, it } from 'vitest'
import { tensor, zeros } from '@gd/tensor'
import { loadDigits } from '../data.js'
import { spreadRows } from './common.js'
import { autoencoder, autoencoderDefaults, buildAutoencoder, interleaveRows, trainAutoencoder } from './autoencoder.js'

const quiet = { write: () => true, isTTY: false }

describe('--task autoencoder', () => {
  const data = loadDigits({ limit: 600, seed: 3 })
  const settings = { ...autoencoderDefaults, epochs: 2, batch: 32, seed: 0, limit: 600 }

  it('squeezes each digit through a code of the latent size and back to 784 logits', () => {
    const { encoder, decoder, model } = buildAutoencoder(5)
    const params = model.init(0) as [unknown[], unknown[]]
    expect(encoder.apply(params[0], zeros([3, 784])).shape).toEqual([3, 5])
    expect(decoder.apply(params[1], zeros([3, 5])).shape).toEqual([3, 784])
    expect(model.apply(params, zeros([3, 784])).shape).toEqual([3, 784])
  })

  it('learns on a small budget: the loss falls and the test BCE beats the blank guess by far', () => {
    const r = trainAutoencoder(settings, data, quiet)
    expect(r.history).toHaveLength(2)
    expect(r.history[1]!.loss).toBeLessThan(r.history[0]!.loss)
    // Logits of 0 would cost log 2 = 0.693 per pixel; 30 steps on 480 digits reach about 0.27 here.
    expect(r.testBce).toBeLessThan(0.35)
    expect(r.testBce).toBeCloseTo(r.history[1]!.valLoss!, 3)
    expect(r.originals).toHaveLength(30 * 784)
    expect(r.reconstructions).toHaveLength(30 * 784)
    expect(r.reconstructions.every((v) => v >= 0 && v <= 1)).toBe(true)
  })

  it('runs as a task and reports the test digits with their reconstructions in a grid', async () => {
    const lines: string[] = []
    const outcome = await autoencoder.run(settings, { log: (l) => lines.push(l), stream: quiet })
    expect(lines.join('\n')).toMatch(/test BCE 0\.\d{4} nats per pixel/)
    expect(outcome.html).toContain('Test digits (odd rows) and their reconstructions (even rows)')
    expect(outcome.html).toContain('data-images="60"')
    expect(outcome.html).not.toContain('<script src=')
  })

  it('shows test digits of every class (the test set is ordered by class)', () => {
    const labels = spreadRows(data.test.y, 30)
    expect(new Set(labels.data)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
    expect(spreadRows(data.test.y, 1000).shape).toEqual([data.test.y.size])
  })

  it('interleaves rows of originals and reconstructions', () => {
    // 3 one-pixel "images" per side, 2 columns: [o0 o1] [r0 r1] [o2] [r2]
    const img = (v: number) => Array(784).fill(v)
    const originals = new Float32Array([...img(1), ...img(2), ...img(3)])
    const recon = new Float32Array([...img(-1), ...img(-2), ...img(-3)])
    const out = interleaveRows(originals, recon, 2)
    expect([0, 1, 2, 3, 4, 5].map((k) => out[k * 784])).toEqual([1, 2, -1, -2, 3, -3])
    expect(tensor(Array.from(out)).shape).toEqual([6 * 784])
  })
})
