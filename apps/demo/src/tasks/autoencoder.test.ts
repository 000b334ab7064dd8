import { describe, expect, it } from 'vitest'
import { loadDigits } from '@gd/examples/mnist'
import { tensor } from '@gd/tensor'
import { spreadRows } from './common.js'
import { autoencoder, autoencoderDefaults, autoencoderMacs, interleaveRows, runAutoencoder } from './autoencoder.js'

const quiet = { write: () => true, isTTY: false }

describe('--task autoencoder', () => {
  const data = loadDigits({ limit: 601, seed: 3 })
  const settings = { ...autoencoderDefaults, epochs: 2, batch: 32, seed: 0, limit: 601 }

  it("has the example's defaults under the flags' names", () => {
    expect(autoencoderDefaults).toEqual({ epochs: 20, lr: 3e-3, batch: 64, latent: 32 })
    // 784·256 + 256·64 + 64·32 = 219,136 multiply-adds to the code, as many back
    expect(autoencoderMacs(32)).toBe(2 * 219_136)
  })

  it("trains the example's autoencoder with the flags' settings and reconstructs 30 test digits", () => {
    const lines: string[] = []
    const stream = { write: (text: string) => lines.push(text), isTTY: false }
    const r = runAutoencoder(settings, data, stream)
    expect(r.history).toHaveLength(2)
    expect(r.steps).toBe(32) // 481 training digits, 16 batches of 32 per epoch
    // The example's own test pins this run (same settings, same seed): 0.2653 nats per pixel.
    expect(r.testBce).toBeCloseTo(0.2653, 3)
    expect(lines).toHaveLength(2) // progress, one line per epoch when the stream is not a terminal
    expect(lines[1]).toMatch(/^epoch 2\/2 {2}loss 0\.\d{4} {2}valLoss 0\.2653\n$/)
    expect(r.originals).toHaveLength(30 * 784)
    expect(r.reconstructions).toHaveLength(30 * 784)
    expect(r.reconstructions.every((v) => v > 0 && v < 1)).toBe(true)
    expect(r.cpuSeconds).toBeGreaterThan(0)
  })

  it('runs as a task and reports the test digits with their reconstructions in a grid', async () => {
    const lines: string[] = []
    const outcome = await autoencoder.run(settings, { log: (l) => lines.push(l), stream: quiet })
    expect(lines[0]).toBe('MNIST digits from the mnist package: 481 to train on, 120 to test on')
    expect(lines[1]).toBe('\nautoencoder 784 → 256 → 64 → 32 → 64 → 256 → 784, Adam 0.003, batch 32, 2 epochs')
    // The task splits with its --seed (0 here, 3 above), so it holds other digits: 0.2665, not 0.2653.
    expect(lines[2]).toBe('\ntest BCE 0.2665 nats per pixel (208.9 per digit)')
    expect(outcome.html).toContain('Test digits (odd rows) and their reconstructions (even rows)')
    expect(outcome.html).toContain('data-images="60"')
    expect(outcome.html).not.toContain('<script src=')
  })

  it('stops a run whose loss is no longer finite and says so, with a learning rate to try', async () => {
    const lines: string[] = []
    const io = { log: (line: string) => lines.push(line), stream: quiet }
    await autoencoder.run({ ...settings, lr: 1e9, limit: 200 }, io as never)
    expect(lines.join('\n')).toContain(
      'warning: training diverged: the loss of step 3 is NaN. The learning rate 1e9 is too high for this run; try a smaller --lr, such as the default, 0.003.',
    )
    expect(lines.join('\n')).not.toContain('test BCE')
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
