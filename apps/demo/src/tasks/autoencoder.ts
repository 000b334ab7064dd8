import * as AG from '@gd/autograd'
import { sigmoidBinaryCrossEntropy } from '@gd/losses'
import { linear, relu, sequential, type Layer } from '@gd/nn'
import { adam } from '@gd/optimizers'
import { type Tensor } from '@gd/tensor'
import { fit, progress, stepsPerEpoch, type EpochLogs, type ProgressStream } from '@gd/train'
import { PIXELS, loadDigits, splitLine, type Dataset } from '../data.js'
import { renderDigitsReport } from '../digitsReport.js'
import { he, spreadRows, timer, warmupCosine } from './common.js'
import { mnistFlags, parseMnistFlags, type MnistSettings } from './mnistFlags.js'
import type { Task } from './task.js'

/** The autoencoder's defaults: about a minute here, test BCE ≈ 0.093 per pixel. */
export const autoencoderDefaults = { epochs: 20, lr: 3e-3, batch: 64, latent: 32 }

/** Hidden widths between the pixels and the code, on both sides. */
const hidden = [256, 64] as const

/**
 * An MLP autoencoder, 784 → 256 → 64 → latent → 64 → 256 → 784 with relu between the layers. The
 * decoder ends in logits: the reconstruction is their sigmoid, and the loss takes the logits
 * (`sigmoidBinaryCrossEntropy`, the same cost as binary cross-entropy on the sigmoid, without its clamp).
 */
export function buildAutoencoder(latent: number): { encoder: Layer<any>; decoder: Layer<any>; model: Layer<any> } {
  const [h1, h2] = hidden
  const encoder = sequential(linear(PIXELS, h1, { weightInit: he }), relu(), linear(h1, h2, { weightInit: he }), relu(), linear(h2, latent))
  const decoder = sequential(linear(latent, h2, { weightInit: he }), relu(), linear(h2, h1, { weightInit: he }), relu(), linear(h1, PIXELS))
  return { encoder, decoder, model: sequential(encoder, decoder) }
}

/** Multiply-adds per digit in one forward pass through {@link buildAutoencoder}'s layers. */
export function autoencoderMacs(latent: number): number {
  const [h1, h2] = hidden
  return 2 * (PIXELS * h1 + h1 * h2 + h2 * latent)
}

/** What an autoencoder run produced. */
export interface AutoencoderResult {
  history: EpochLogs[]
  /** Binary cross-entropy per pixel on the test digits, in nats. */
  testBce: number
  seconds: number
  cpuSeconds: number
  steps: number
  /** 30 test digits spread over the test set (all classes) and their reconstructions, n × 784 each. */
  originals: Float32Array
  reconstructions: Float32Array
}

/** Trains the autoencoder with `fit` (targets are the inputs) and measures it on the test digits. */
export function trainAutoencoder(settings: MnistSettings, data: { train: Dataset; test: Dataset }, stream?: ProgressStream): AutoencoderResult {
  const clock = timer()
  const { model } = buildAutoencoder(settings.latent)
  const totalSteps = settings.epochs * stepsPerEpoch(data.train.y.size, settings.batch)
  const loss = (logits: AG.Input, x: AG.Input): AG.Var => sigmoidBinaryCrossEntropy(logits, x)
  const { params, history, step } = fit({
    model,
    params: model.init(settings.seed),
    loss,
    optimizer: adam({ learningRate: warmupCosine(settings.lr, totalSteps) }),
    data: { x: data.train.x, y: data.train.x },
    validation: { x: data.test.x, y: data.test.x },
    epochs: settings.epochs,
    batchSize: settings.batch,
    seed: settings.seed,
    callbacks: [progress(stream === undefined ? {} : { stream })],
  })
  const testBce = AG.noGrad(() => loss(model.apply(params, data.test.x), data.test.x)).value.item()
  const shown = spreadRows(data.test.x, 30)
  const recon = AG.noGrad(() => AG.sigmoid(model.apply(params, shown))).value as Tensor<'float32'>
  return { history, testBce, steps: step, ...clock(), originals: shown.data as Float32Array, reconstructions: recon.data }
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
    io.log(`\nautoencoder 784 → ${hidden.join(' → ')} → ${settings.latent} → ${[...hidden].reverse().join(' → ')} → 784, Adam ${settings.lr}, batch ${settings.batch}, ${settings.epochs} epochs`)
    const r = trainAutoencoder(settings, data, io.stream)
    const gflops = (6 * autoencoderMacs(settings.latent) * settings.batch * r.steps) / r.cpuSeconds / 1e9
    io.log(`\ntest BCE ${r.testBce.toFixed(4)} nats per pixel (${(r.testBce * PIXELS).toFixed(1)} per digit)`)
    io.log(`time ${r.seconds.toFixed(1)} s (${r.cpuSeconds.toFixed(1)} s of CPU; the layers' matmuls alone are ≈ ${gflops.toFixed(1)} GFLOP/s of it)`)
    const x = r.history.map((h) => h.epoch + 1)
    return {
      html: renderDigitsReport({
        title: '@gd MNIST autoencoder',
        summary: [
          ['model', `784 → ${hidden.join(' → ')} → ${settings.latent} → ${[...hidden].reverse().join(' → ')} → 784 (relu, sigmoid output)`],
          ['training', `Adam ${settings.lr} (warmup, cosine), batch ${settings.batch}, ${settings.epochs} epochs, seed ${settings.seed}`],
          ['test BCE per pixel', r.testBce.toFixed(4)],
          ['time', `${r.seconds.toFixed(1)} s`],
        ],
        charts: [{ title: 'BCE per pixel', x, series: [
          { label: 'train', values: r.history.map((h) => h.loss) },
          { label: 'test', values: r.history.map((h) => h.valLoss ?? null) },
        ] }],
        grids: [{ title: 'Test digits (odd rows) and their reconstructions (even rows)', columns: 10, images: interleaveRows(r.originals, r.reconstructions, 10) }],
      }),
    }
  },
}
