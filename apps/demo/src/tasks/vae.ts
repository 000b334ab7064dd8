import { PIXELS, loadDigits, splitLine, type Digits } from '@gd/examples/mnist'
import { trainVae, vaeDefaults as example, vaeHidden as hiddenWidth, type Elbo, type VaeEpoch } from '@gd/examples/vae'
import { renderDigitsReport } from '../digitsReport.js'
import { divergenceLine, timer } from './common.js'
import { exampleOptions, mnistFlags, parseMnistFlags, type MnistSettings } from './mnistFlags.js'
import type { Task } from './task.js'

// The model, its loss and its training loop are the VAE example's (apps/examples/src/vae.ts); this
// task reads the flags, times the run and draws the report.

/** The VAE's defaults (the example's). */
export const vaeDefaults = {
  epochs: example.epochs,
  lr: example.learningRate,
  batch: example.batchSize,
  latent: example.latent,
}

/** Multiply-adds per digit in one forward pass through the example's layers. */
export const vaeMacs = (latent: number): number =>
  PIXELS * hiddenWidth + hiddenWidth * 2 * latent + latent * hiddenWidth + hiddenWidth * PIXELS

/** What a VAE run produced, for the report. */
export interface VaeRun {
  history: VaeEpoch[]
  test: Elbo
  seconds: number
  cpuSeconds: number
  steps: number
  /** Digits decoded from z ~ N(0, I), n × 784 pixel probabilities. */
  samples: Float32Array
  /** Why training stopped early because the loss diverged; undefined when it did not. */
  diverged: string | undefined
}

/** Trains the example's VAE with the task's settings, a line per epoch going to `log`. */
export function runVae(
  settings: MnistSettings,
  data: Digits,
  log: (line: string) => void = () => {},
  samples = 100,
): VaeRun {
  const clock = timer()
  const r = trainVae({
    ...exampleOptions(settings),
    data,
    samples,
    log,
  })
  return { history: r.history, test: r.test, steps: r.steps, samples: r.samples.data, diverged: r.diverged, ...clock() }
}

export const vae: Task<MnistSettings> = {
  name: 'vae',
  summary: 'a variational autoencoder: digits decoded from random codes (negative ELBO)',
  flags: mnistFlags(vaeDefaults),
  parse: (values) => parseMnistFlags(values, vaeDefaults),
  async run(settings, io) {
    const data = loadDigits({ limit: settings.limit, seed: settings.seed })
    io.log(splitLine(data))
    io.log(
      `\nVAE 784 → ${hiddenWidth} → (μ, log σ²) of ${settings.latent} → ${hiddenWidth} → 784, Adam ${settings.lr}, batch ${settings.batch}, ${settings.epochs} epochs`,
    )
    const r = runVae(settings, data, io.log)
    const gflops = (6 * vaeMacs(settings.latent) * settings.batch * r.steps) / r.cpuSeconds / 1e9
    if (r.diverged !== undefined) io.log(`\n${divergenceLine(r.diverged, settings.lr, vaeDefaults.lr)}`)
    else
      io.log(
        `\ntest −ELBO ${r.test.negativeElbo.toFixed(2)} nats per digit = reconstruction ${r.test.reconstruction.toFixed(2)} + KL ${r.test.kl.toFixed(2)}`,
      )
    io.log(
      `time ${r.seconds.toFixed(1)} s (${r.cpuSeconds.toFixed(1)} s of CPU; the layers' matmuls alone are ≈ ${gflops.toFixed(1)} GFLOP/s of it)`,
    )
    const x = r.history.map((h) => h.epoch + 1)
    return {
      html: renderDigitsReport({
        title: '@gd MNIST variational autoencoder',
        summary: [
          [
            'model',
            `784 → ${hiddenWidth} → (μ, log σ²) of ${settings.latent} → ${hiddenWidth} → 784 (relu, Bernoulli pixels)`,
          ],
          [
            'training',
            `Adam ${settings.lr} (warmup, cosine), batch ${settings.batch}, ${settings.epochs} epochs, seed ${settings.seed}`,
          ],
          ['test −ELBO per digit', r.diverged === undefined ? `${r.test.negativeElbo.toFixed(2)} nats` : 'diverged'],
          ['reconstruction (BCE summed over pixels)', `${r.test.reconstruction.toFixed(2)} nats`],
          ['KL(q(z|x) ‖ N(0, I))', `${r.test.kl.toFixed(2)} nats`],
          ['time', `${r.seconds.toFixed(1)} s`],
        ],
        charts: [
          {
            title: 'negative ELBO per digit (nats)',
            x,
            series: [
              { label: 'train', values: r.history.map((h) => h.train.negativeElbo) },
              { label: 'test', values: r.history.map((h) => h.test.negativeElbo) },
            ],
          },
          {
            title: 'test: reconstruction and KL (nats)',
            x,
            series: [
              { label: 'reconstruction', values: r.history.map((h) => h.test.reconstruction) },
              { label: 'KL', values: r.history.map((h) => h.test.kl) },
            ],
          },
        ],
        grids: [{ title: 'Digits decoded from z ~ N(0, I)', columns: 10, images: r.samples }],
      }),
    }
  },
}
