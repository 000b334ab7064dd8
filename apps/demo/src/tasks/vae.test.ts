import { describe, expect, it } from 'vitest'
import { loadDigits } from '@gd/examples/mnist'
import { runVae, vae, vaeDefaults, vaeMacs } from './vae.js'

describe('--task vae', () => {
  const data = loadDigits({ limit: 601, seed: 3 })
  const settings = { ...vaeDefaults, epochs: 2, batch: 32, seed: 0, limit: 601 }

  it("has the example's defaults under the flags' names", () => {
    expect(vaeDefaults).toEqual({ epochs: 20, lr: 2e-3, batch: 64, latent: 16 })
    // 784·400 + 400·32 to (μ, log σ²), 16·400 + 400·784 back
    expect(vaeMacs(16)).toBe(313_600 + 12_800 + 6_400 + 313_600)
  })

  it("trains the example's VAE with the flags' settings: a line per epoch, 100 samples", () => {
    const lines: string[] = []
    const r = runVae(settings, data, (line) => lines.push(line))
    expect(r.history).toHaveLength(2)
    expect(r.steps).toBe(32)
    // The example's own test pins this run (same settings, same seed): 217.31 nats per digit.
    expect(r.test.negativeElbo).toBeCloseTo(217.31, 1)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(
      /^epoch 2\/2 {2}train −ELBO \d+\.\d\d {2}test −ELBO 217\.31 \(reconstruction \d+\.\d\d \+ KL \d+\.\d\d\)$/,
    )
    expect(r.samples).toHaveLength(100 * 784)
    expect(r.samples.every((v) => v > 0 && v < 1)).toBe(true)
  })

  it('stops a run whose loss is no longer finite and says so, with a learning rate to try', async () => {
    const lines: string[] = []
    await vae.run({ ...settings, lr: 1e9, limit: 200 }, { log: (line: string) => lines.push(line) } as never)
    expect(lines.join('\n')).toContain(
      'warning: training diverged: the loss of step 3 is NaN. The learning rate 1e9 is too high for this run; try a smaller --lr, such as the default, 0.002.',
    )
    expect(lines.join('\n')).not.toContain('test −ELBO')
  })

  it('runs as a task: −ELBO split into reconstruction and KL, and a grid of digits decoded from z ~ N(0, I)', async () => {
    const lines: string[] = []
    const outcome = await vae.run({ ...settings, epochs: 1 }, { log: (l) => lines.push(l) })
    expect(lines[0]).toBe('MNIST digits from the mnist package: 481 to train on, 120 to test on')
    expect(lines[1]).toBe('\nVAE 784 → 400 → (μ, log σ²) of 16 → 400 → 784, Adam 0.002, batch 32, 1 epochs')
    expect(lines.join('\n')).toMatch(/test −ELBO \d+\.\d\d nats per digit = reconstruction \d+\.\d\d \+ KL \d+\.\d\d/)
    expect(outcome.html).toContain('Digits decoded from z ~ N(0, I)')
    expect(outcome.html).toContain('data-images="100"')
  })
})
