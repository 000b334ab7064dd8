import * as AG from '@gd/autograd'
import { sigmoidBinaryCrossEntropy } from '@gd/losses'
import { linear, relu, sequential, type Layer } from '@gd/nn'
import { adam, stepInPlace } from '@gd/optimizers'
import { foldIn, normal, prngKey, splitKey, type PRNGKey, type Tensor } from '@gd/tensor'
import { epochBatches, takeRows, type ProgressStream } from '@gd/train'
import { PIXELS, loadDigits, splitLine, type Dataset } from '../data.js'
import { renderDigitsReport } from '../digitsReport.js'
import { he, timer, warmupCosine } from './common.js'
import { mnistFlags, parseMnistFlags, type MnistSettings } from './mnistFlags.js'
import type { Task } from './task.js'

/** The VAE's defaults. */
export const vaeDefaults = { epochs: 20, lr: 2e-3, batch: 64, latent: 16 }

/** Width of the hidden layer of the encoder and of the decoder. */
const hiddenWidth = 400

/** The VAE's parameters: the encoder's and the decoder's. */
export interface VaeParams {
  encoder: unknown[]
  decoder: unknown[]
}

/**
 * A variational autoencoder (Kingma & Welling, 2014) with MLP encoder and decoder:
 * the encoder maps a digit x to the mean μ and log-variance log σ² of a Gaussian q(z|x) over a
 * `latent`-dimensional code (784 → 400 relu → 2·latent); the decoder maps a code z to the logits of
 * independent Bernoulli pixels p(x|z) (latent → 400 relu → 784).
 */
export function buildVae(latent: number): { encoder: Layer<any>; decoder: Layer<any> } {
  return {
    encoder: sequential(linear(PIXELS, hiddenWidth, { weightInit: he }), relu(), linear(hiddenWidth, 2 * latent)),
    decoder: sequential(linear(latent, hiddenWidth, { weightInit: he }), relu(), linear(hiddenWidth, PIXELS)),
  }
}

/** The two parts of the negative ELBO per digit, in nats: reconstruction and KL, as Vars. */
export interface VaeLoss {
  reconstruction: AG.Var
  kl: AG.Var
}

/**
 * The negative evidence lower bound of a batch x, per digit, with one draw of the noise ε ~ N(0, I):
 *
 *   z = μ + σ ⊙ ε   (the reparameterization trick: z is a differentiable function of μ and σ)
 *   −ELBO = E_q[−log p(x|z)] + KL(q(z|x) ‖ N(0, I))
 *         ≈ BCE(decoder(z), x) summed over pixels + ½ Σⱼ (μⱼ² + σⱼ² − 1 − log σⱼ²)
 *
 * Both terms are summed over pixels or code units and averaged over the batch.
 */
export function vaeLoss(model: { encoder: Layer<any>; decoder: Layer<any> }, params: VaeParams, x: Tensor, noise: Tensor): VaeLoss {
  const [m, latent] = noise.shape as [number, number]
  const h = model.encoder.apply(params.encoder, x)
  const mu = AG.slice(h, [0, 0], [m, latent])
  const logVar = AG.slice(h, [0, latent], [m, latent])
  const z = AG.add(mu, AG.mul(AG.exp(AG.mul(logVar, 0.5)), noise))
  const logits = model.decoder.apply(params.decoder, z)
  const reconstruction = AG.div(sigmoidBinaryCrossEntropy(logits, x, { reduction: 'sum' }), m)
  const kl = AG.mul(AG.sum(AG.sub(AG.add(AG.square(mu), AG.exp(logVar)), AG.add(logVar, 1))), 0.5 / m)
  return { reconstruction, kl }
}

/** The negative ELBO per digit and its two parts, in nats. */
export interface Elbo {
  reconstruction: number
  kl: number
  negativeElbo: number
}

/** One epoch's numbers: the training average and the test value of the negative ELBO. */
export interface VaeEpoch {
  epoch: number
  train: Elbo
  test: Elbo
}

/** What a VAE run produced. */
export interface VaeResult {
  history: VaeEpoch[]
  test: Elbo
  seconds: number
  cpuSeconds: number
  steps: number
  /** Digits decoded from z ~ N(0, I), n × 784 pixel probabilities. */
  samples: Float32Array
}

const elboOf = (loss: VaeLoss): Elbo => {
  const reconstruction = loss.reconstruction.value.item()
  const kl = loss.kl.value.item()
  return { reconstruction, kl, negativeElbo: reconstruction + kl }
}

/**
 * Trains the VAE with Adam. Step s draws its noise from `foldIn(noiseKey, s)`, an explicit key per
 * step, so a run is reproducible from its seed; the test ELBO uses one fixed key.
 */
export function trainVae(
  settings: MnistSettings,
  data: { train: Dataset; test: Dataset },
  log: (line: string) => void = () => {},
  sampleCount = 100,
): VaeResult {
  const clock = timer()
  const model = buildVae(settings.latent)
  const [initKey, orderKey, noiseKey, evalKey, sampleKey] = splitKey(prngKey(settings.seed), 5) as [PRNGKey, PRNGKey, PRNGKey, PRNGKey, PRNGKey]
  const [encoderKey, decoderKey] = splitKey(initKey) as [PRNGKey, PRNGKey]
  const params: VaeParams = { encoder: model.encoder.init(encoderKey), decoder: model.decoder.init(decoderKey) }
  const n = data.train.y.size
  const perEpoch = Math.ceil(n / settings.batch)
  const optimizer = adam({ learningRate: warmupCosine(settings.lr, settings.epochs * perEpoch) })
  let state = optimizer.init(params as never)
  const step = AG.valueAndGrad(
    (p: VaeParams, x: Tensor, noise: Tensor) => {
      const loss = vaeLoss(model, p, x, noise)
      return [AG.add(loss.reconstruction, loss.kl), loss]
    },
    { hasAux: true },
  )
  const testNoise = normal(evalKey, [data.test.y.size, settings.latent])
  const history: VaeEpoch[] = []
  let s = 0
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    const sum = { reconstruction: 0, kl: 0, negativeElbo: 0 }
    for (const rows of epochBatches(n, epoch, { batchSize: settings.batch, key: orderKey })) {
      const x = takeRows(data.train, rows).x
      const noise = normal(foldIn(noiseKey, s), [rows.length, settings.latent])
      const [[, loss], grads] = step(params, x, noise) as unknown as [[Tensor, VaeLoss], VaeParams]
      state = stepInPlace(optimizer, grads as never, state, params as never)
      const e = elboOf(loss)
      for (const k of ['reconstruction', 'kl', 'negativeElbo'] as const) sum[k] += (e[k] * rows.length) / n
      s++
    }
    const test = elboOf(AG.noGrad(() => vaeLoss(model, params, data.test.x, testNoise)))
    history.push({ epoch, train: sum, test })
    log(`epoch ${epoch + 1}/${settings.epochs}  train −ELBO ${sum.negativeElbo.toFixed(2)}  test −ELBO ${test.negativeElbo.toFixed(2)} (reconstruction ${test.reconstruction.toFixed(2)} + KL ${test.kl.toFixed(2)})`)
  }
  const z = normal(sampleKey, [sampleCount, settings.latent])
  const samples = AG.noGrad(() => AG.sigmoid(model.decoder.apply(params.decoder, z))).value.data as Float32Array
  return { history, test: history.at(-1)?.test ?? { reconstruction: NaN, kl: NaN, negativeElbo: NaN }, steps: s, samples, ...clock() }
}

/** Multiply-adds per digit in one forward pass through {@link buildVae}'s layers. */
export const vaeMacs = (latent: number): number => PIXELS * hiddenWidth + hiddenWidth * 2 * latent + latent * hiddenWidth + hiddenWidth * PIXELS

export const vae: Task<MnistSettings> = {
  name: 'vae',
  summary: 'a variational autoencoder: digits decoded from random codes (negative ELBO)',
  flags: mnistFlags(vaeDefaults),
  parse: (values) => parseMnistFlags(values, vaeDefaults),
  async run(settings, io) {
    const data = loadDigits({ limit: settings.limit, seed: settings.seed })
    io.log(splitLine(data))
    io.log(`\nVAE 784 → ${hiddenWidth} → (μ, log σ²) of ${settings.latent} → ${hiddenWidth} → 784, Adam ${settings.lr}, batch ${settings.batch}, ${settings.epochs} epochs`)
    const r = trainVae(settings, data, io.log)
    const gflops = (6 * vaeMacs(settings.latent) * settings.batch * r.steps) / r.cpuSeconds / 1e9
    io.log(`\ntest −ELBO ${r.test.negativeElbo.toFixed(2)} nats per digit = reconstruction ${r.test.reconstruction.toFixed(2)} + KL ${r.test.kl.toFixed(2)}`)
    io.log(`time ${r.seconds.toFixed(1)} s (${r.cpuSeconds.toFixed(1)} s of CPU; the layers' matmuls alone are ≈ ${gflops.toFixed(1)} GFLOP/s of it)`)
    const x = r.history.map((h) => h.epoch + 1)
    return {
      html: renderDigitsReport({
        title: '@gd MNIST variational autoencoder',
        summary: [
          ['model', `784 → ${hiddenWidth} → (μ, log σ²) of ${settings.latent} → ${hiddenWidth} → 784 (relu, Bernoulli pixels)`],
          ['training', `Adam ${settings.lr} (warmup, cosine), batch ${settings.batch}, ${settings.epochs} epochs, seed ${settings.seed}`],
          ['test −ELBO per digit', `${r.test.negativeElbo.toFixed(2)} nats`],
          ['reconstruction (BCE summed over pixels)', `${r.test.reconstruction.toFixed(2)} nats`],
          ['KL(q(z|x) ‖ N(0, I))', `${r.test.kl.toFixed(2)} nats`],
          ['time', `${r.seconds.toFixed(1)} s`],
        ],
        charts: [
          { title: 'negative ELBO per digit (nats)', x, series: [
            { label: 'train', values: r.history.map((h) => h.train.negativeElbo) },
            { label: 'test', values: r.history.map((h) => h.test.negativeElbo) },
          ] },
          { title: 'test: reconstruction and KL (nats)', x, series: [
            { label: 'reconstruction', values: r.history.map((h) => h.test.reconstruction) },
            { label: 'KL', values: r.history.map((h) => h.test.kl) },
          ] },
        ],
        grids: [{ title: 'Digits decoded from z ~ N(0, I)', columns: 10, images: r.samples }],
      }),
    }
  },
}
