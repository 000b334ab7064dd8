import {
  autoencoderDefaults as example,
  autoencoderHidden as hidden,
  reconstruct,
  trainAutoencoder,
} from '@gd/examples/autoencoder'
import { PIXELS, loadDigits, splitLine, type Digits } from '@gd/examples/mnist'
import { progress, type EpochLogs, type ProgressStream } from '@gd/train'
import { renderDigitsReport } from '../digitsReport.js'
import { divergenceGuard } from '../run.js'
import { divergenceLine, spreadRows, timer } from './common.js'
import { exampleOptions, mnistFlags, parseMnistFlags, type MnistSettings } from './mnistFlags.js'
import type { Task } from './task.js'

// The model and its training are the autoencoder example's (apps/examples/src/autoencoder.ts); this
// task reads the flags, times the run and draws the report.

/** The autoencoder's defaults (the example's): about a minute here, test BCE ≈ 0.092 per pixel. */
export const autoencoderDefaults = {
  epochs: example.epochs,
  lr: example.learningRate,
  batch: example.batchSize,
  latent: example.latent,
}

/** Multiply-adds per digit in one forward pass through the example's layers. */
export function autoencoderMacs(latent: number): number {
  const [h1, h2] = hidden
  return 2 * (PIXELS * h1 + h1 * h2 + h2 * latent)
}

/** What an autoencoder run produced, for the report. */
export interface AutoencoderRun {
  history: EpochLogs[]
  /** Binary cross-entropy per pixel on the test digits, in nats. */
  testBce: number
  seconds: number
  cpuSeconds: number
  steps: number
  /** 30 test digits spread over the test set (all classes) and their reconstructions, n × 784 each. */
  originals: Float32Array
  reconstructions: Float32Array
  /** Why training stopped early because the loss diverged; undefined when it did not. */
  diverged: string | undefined
}

/** Trains the example's autoencoder with the task's settings, progress going to `stream` (default stdout). */
export function runAutoencoder(settings: MnistSettings, data: Digits, stream?: ProgressStream): AutoencoderRun {
  const clock = timer()
  const guard = divergenceGuard()
  const r = trainAutoencoder({
    ...exampleOptions(settings),
    data,
    callbacks: [progress(stream === undefined ? {} : { stream }), guard],
  })
  const time = clock()
  const shown = spreadRows(data.test.x, 30)
  const reconstructions = reconstruct(r.autoencoder, r.params, shown).data
  return {
    history: r.history,
    testBce: r.testBce,
    steps: r.steps,
    ...time,
    originals: shown.data as Float32Array,
    reconstructions,
    diverged: guard.reason,
  }
}

/** The grid: rows of 10 test digits, each followed by the row of their reconstructions. */
export function interleaveRows(originals: Float32Array, reconstructions: Float32Array, columns: number): Float32Array {
  const n = originals.length / PIXELS
  const out = new Float32Array(2 * n * PIXELS)
  let k = 0
  for (let start = 0; start < n; start += columns) {
    const end = Math.min(n, start + columns)
    out.set(originals.subarray(start * PIXELS, end * PIXELS), k)
    k += (end - start) * PIXELS
    out.set(reconstructions.subarray(start * PIXELS, end * PIXELS), k)
    k += (end - start) * PIXELS
  }
  return out
}

export const autoencoder: Task<MnistSettings> = {
  name: 'autoencoder',
  summary: 'compress digits to a code and back (MLP autoencoder, binary cross-entropy)',
  flags: mnistFlags(autoencoderDefaults),
  parse: (values) => parseMnistFlags(values, autoencoderDefaults),
  async run(settings, io) {
    const data = loadDigits({ limit: settings.limit, seed: settings.seed })
    io.log(splitLine(data))
    io.log(
      `\nautoencoder 784 → ${hidden.join(' → ')} → ${settings.latent} → ${[...hidden].reverse().join(' → ')} → 784, Adam ${settings.lr}, batch ${settings.batch}, ${settings.epochs} epochs`,
    )
    const r = runAutoencoder(settings, data, io.stream)
    const gflops = (6 * autoencoderMacs(settings.latent) * settings.batch * r.steps) / r.cpuSeconds / 1e9
    if (r.diverged !== undefined) io.log(`\n${divergenceLine(r.diverged, settings.lr, autoencoderDefaults.lr)}`)
    else io.log(`\ntest BCE ${r.testBce.toFixed(4)} nats per pixel (${(r.testBce * PIXELS).toFixed(1)} per digit)`)
    io.log(
      `time ${r.seconds.toFixed(1)} s (${r.cpuSeconds.toFixed(1)} s of CPU; the layers' matmuls alone are ≈ ${gflops.toFixed(1)} GFLOP/s of it)`,
    )
    const x = r.history.map((h) => h.epoch + 1)
    return {
      html: renderDigitsReport({
        title: '@gd MNIST autoencoder',
        summary: [
          [
            'model',
            `784 → ${hidden.join(' → ')} → ${settings.latent} → ${[...hidden].reverse().join(' → ')} → 784 (relu, sigmoid output)`,
          ],
          [
            'training',
            `Adam ${settings.lr} (warmup, cosine), batch ${settings.batch}, ${settings.epochs} epochs, seed ${settings.seed}`,
          ],
          ['test BCE per pixel', r.diverged === undefined ? r.testBce.toFixed(4) : 'diverged'],
          ['time', `${r.seconds.toFixed(1)} s`],
        ],
        charts: [
          {
            title: 'BCE per pixel',
            x,
            series: [
              { label: 'train', values: r.history.map((h) => h.loss) },
              { label: 'test', values: r.history.map((h) => h.valLoss ?? null) },
            ],
          },
        ],
        grids: [
          {
            title: 'Test digits (odd rows) and their reconstructions (even rows)',
            columns: 10,
            images: interleaveRows(r.originals, r.reconstructions, 10),
          },
        ],
      }),
    }
  },
}
