import * as AG from '@gd/autograd'
import { sigmoidBinaryCrossEntropy } from '@gd/losses'
import { applyWithState, batchNorm, conv2d, convTranspose2d, flatten, initState, leakyRelu, linear, relu, sequential, stateless, tanh, type Layer } from '@gd/nn'
import { adam, stepInPlace } from '@gd/optimizers'
import { Tensor, foldIn, normal, ones, prngKey, splitKey, treeLeaves, treeMap, zeros, type PRNGKey, type Tree } from '@gd/tensor'
import { cosineDecay } from '@gd/schedules'
import { epochBatches, stepsPerEpoch, takeRows } from '@gd/train'
import { PIXELS, loadDigits, splitLine, type Dataset } from '../data.js'
import { renderDigitsReport } from '../digitsReport.js'
import { digitScore } from '../inceptionScore.js'
import { runOne, type RunSettings } from '../run.js'
import { timer } from './common.js'
import { nonNegativeNumber, oneOf } from '../flags.js'
import { modelKinds, type ModelKind } from '../models.js'
import { mnistFlags, parseMnistFlags, type MnistSettings } from './mnistFlags.js'
import { stringFlag, type Task } from './task.js'

/** The two GANs: MLPs, or convolutional (DCGAN). */
export const ganModels = ['mlp', 'dcgan'] as const
export type GanModel = (typeof ganModels)[number]

/** Each GAN's defaults. */
export const ganDefaults: Record<GanModel, { epochs: number; lr: number; batch: number; latent: number }> = {
  mlp: { epochs: 80, lr: 5e-4, batch: 32, latent: 64 },
  dcgan: { epochs: 30, lr: 2e-4, batch: 32, latent: 64 },
}

/** Hidden widths of the MLP generator (the discriminator mirrors them). */
const widths = [128, 256] as const

/** Channels of the DCGAN's 14×14 feature maps (its 7×7 maps have twice as many). */
const channels = 16

/** Decay of the moving average of the generator's weights that generates the digits. */
const emaDecay = 0.999

/** [batch, c·s·s] → [batch, c, s, s]. */
const toImage = (c: number, s: number): Layer<Record<string, never>> => stateless(`reshape(${c}×${s}×${s})`, (x) => AG.reshape(x, [-1, c, s, s]))

/**
 * The GAN's two networks (Goodfellow et al., 2014, in the manner of DCGAN, Radford et al., 2016:
 * batchNorm in the generator, leaky relu of slope 0.2 in the discriminator, tanh output). The
 * generator maps z ~ N(0, I) to 784 pixels in [−1, 1]; the discriminator maps pixels to one logit.
 *
 * - mlp: generator latent → 128 → 256 → 784 (batchNorm, leaky relu); discriminator
 *   784 → 256 → 128 → 1.
 * - dcgan: generator latent → 32×7×7 (batchNorm, relu) → transposed 4×4 convolution, stride 2 →
 *   16×14×14 (batchNorm, relu) → transposed 4×4 convolution, stride 2 → 1×28×28; discriminator
 *   1×28×28 → 4×4 convolution, stride 2 → 16×14×14 → 4×4 convolution, stride 2 → 32×7×7 → 1.
 */
export function buildGan(latent: number, model: GanModel = 'mlp'): { generator: Layer<any, unknown[]>; discriminator: Layer<any> } {
  if (model === 'dcgan') {
    const c = channels
    return {
      generator: sequential(
        linear(latent, 2 * c * 49), batchNorm(2 * c * 49), relu(), toImage(2 * c, 7),
        convTranspose2d(2 * c, c, 4, { stride: 2, padding: 1 }), batchNorm(c), relu(),
        convTranspose2d(c, 1, 4, { stride: 2, padding: 1 }), tanh(), flatten(),
      ),
      discriminator: sequential(
        toImage(1, 28), conv2d(1, c, 4, { stride: 2, padding: 1 }), leakyRelu(0.2),
        conv2d(c, 2 * c, 4, { stride: 2, padding: 1 }), leakyRelu(0.2), flatten(), linear(2 * c * 49, 1),
      ),
    }
  }
  const [h1, h2] = widths
  return {
    generator: sequential(
      linear(latent, h1), batchNorm(h1), leakyRelu(0.2),
      linear(h1, h2), batchNorm(h2), leakyRelu(0.2),
      linear(h2, PIXELS), tanh(),
    ),
    discriminator: sequential(linear(PIXELS, h2), leakyRelu(0.2), linear(h2, h1), leakyRelu(0.2), linear(h1, 1)),
  }
}

/** Multiply-adds per digit in one forward pass through the generator and one through the discriminator. */
export function ganMacs(latent: number, model: GanModel = 'mlp'): { generator: number; discriminator: number } {
  if (model === 'dcgan') {
    const c = channels
    // a stride-2 4×4 (transposed) convolution costs 16 multiply-adds per channel pair and pixel of its smaller side
    return { generator: latent * 2 * c * 49 + 49 * 2 * c * c * 16 + 196 * c * 16, discriminator: 196 * c * 16 + 49 * 2 * c * c * 16 + 2 * c * 49 }
  }
  const [h1, h2] = widths
  return { generator: latent * h1 + h1 * h2 + h2 * PIXELS, discriminator: PIXELS * h2 + h2 * h1 + h1 }
}

/** A description of each network, for the log and the report. */
function describe(model: GanModel, latent: number): { generator: string; discriminator: string } {
  if (model === 'dcgan') {
    const c = channels
    return {
      generator: `${latent} → ${2 * c}×7×7 → ${c}×14×14 → 1×28×28 (transposed convolutions, batchNorm, relu, tanh)`,
      discriminator: `1×28×28 → ${c}×14×14 → ${2 * c}×7×7 → 1 (strided convolutions, leaky relu)`,
    }
  }
  const [h1, h2] = widths
  return {
    generator: `${latent} → ${h1} → ${h2} → 784 (batchNorm, leaky relu, tanh)`,
    discriminator: `784 → ${h2} → ${h1} → 1 (leaky relu)`,
  }
}

/** One epoch's numbers. */
export interface GanEpoch {
  epoch: number
  /** Mean discriminator loss: BCE on real digits (label 1) plus BCE on generated ones (label 0), plus the R1 penalty. */
  discriminatorLoss: number
  /** Mean non-saturating generator loss, −log D(G(z)). */
  generatorLoss: number
  /** The inception-style score of generated digits after the epoch, when a scorer was given. */
  score?: number
}

/** What a GAN run produced. */
export interface GanResult {
  history: GanEpoch[]
  seconds: number
  cpuSeconds: number
  steps: number
  /**
   * Generates n digits (pixels in [0, 1], n × 784) from z drawn with `key`, with the moving average
   * of the generator's weights and the batch's own batchNorm statistics.
   */
  generate(key: PRNGKey, n: number): Tensor
}

/** Options of {@link trainGan}. */
export interface TrainGanOptions {
  log?: (line: string) => void
  /** Scores n × 784 generated digits after each epoch (the task passes the classifier's score). */
  score?: (images: Tensor) => number
  /** How many digits `score` sees; default 1000. */
  scoreCount?: number
}

/**
 * The discriminator's loss on a batch of real digits x and generated ones:
 *
 *   BCE(D(x), 1) + BCE(D(fake), 0) + (γ/2)·E_x ‖∇ₓD(x)‖²
 *
 * The last term is the R1 penalty (Mescheder et al., 2018) on the real digits' logits: it keeps the
 * discriminator flat around the data, so it cannot sharpen into memorizing the training digits. Its
 * gradient is a gradient of a gradient, which the nested transforms of @gd/autograd give. γ = 0 drops it.
 */
export function discriminatorLoss(discriminator: Layer<any>, params: unknown, x: Tensor, fake: Tensor, gamma: number): AG.Var {
  const m = x.shape[0]!
  const loss = AG.add(
    sigmoidBinaryCrossEntropy(discriminator.apply(params, x), ones([m, 1])),
    sigmoidBinaryCrossEntropy(discriminator.apply(params, fake), zeros([m, 1])),
  )
  if (gamma === 0) return loss
  const gradient = AG.grad((input: AG.Var) => AG.sum(discriminator.apply(params, input)))(x) as unknown as AG.Input
  return AG.add(loss, AG.mul(AG.sum(AG.square(gradient)), gamma / 2 / m))
}

/** Pixels in [0, 1] → [−1, 1], the range of the generator's tanh. */
const toSigned = (x: Tensor): Tensor => new Tensor(Float32Array.from(x.data, (v) => 2 * v - 1), x.shape, 'float32')

/**
 * Trains the GAN by alternating steps, each with its own Adam (β₁ = 0.5, learning rate decaying from
 * `lr` to lr/10 along a cosine):
 *
 *   discriminator: minimize BCE(D(x), 1) + BCE(D(G(z)), 0) + R1 penalty (see {@link discriminatorLoss})
 *   generator:     minimize BCE(D(G(z)), 1) = −log D(G(z))   (the non-saturating loss)
 *
 * Step s draws its noise from `foldIn(noiseKey, s)`. The digits come from an exponential moving
 * average of the generator's weights (decay min(0.999, (1 + s)/(10 + s)) at step s, as in Karras et al., 2018 and Yazıcı et al.,
 * 2019), which removes most of the pixel noise that the raw generator's last steps leave; its
 * batchNorm layers normalize with the statistics of the batch being generated, since the running
 * statistics belong to the raw weights.
 */
export function trainGan(settings: MnistSettings & { model: GanModel; r1: number }, data: { train: Dataset }, options: TrainGanOptions = {}): GanResult {
  const { log = () => {}, score, scoreCount = 1000 } = options
  const clock = timer()
  const { generator, discriminator } = buildGan(settings.latent, settings.model)
  const [gKey, dKey, orderKey, noiseKey, scoreKey] = splitKey(prngKey(settings.seed), 5) as [PRNGKey, PRNGKey, PRNGKey, PRNGKey, PRNGKey]
  const g = generator.init(gKey)
  const d = discriminator.init(dKey)
  let gState = initState(generator) as unknown[]
  const n = data.train.y.size
  const dropLast = n >= settings.batch
  // Cosine decay to a tenth of the peak over the run: the last epochs refine instead of wandering.
  const learningRate = cosineDecay({ init: settings.lr, decaySteps: Math.max(1, settings.epochs * stepsPerEpoch(n, settings.batch, { dropLast })), alpha: 0.1 })
  const gOpt = adam({ learningRate, beta1: 0.5 })
  const dOpt = adam({ learningRate, beta1: 0.5 })
  let gOptState = gOpt.init(g as never)
  let dOptState = dOpt.init(d as never)
  const real = { x: toSigned(data.train.x), y: data.train.y }
  const average = treeMap((t) => new Tensor(Float32Array.from(t.data), t.shape, 'float32'), g as Tree) as unknown[]
  const averageLeaves = treeLeaves(average as Tree).map((t) => t.data as Float32Array)
  const leaves = treeLeaves(g as Tree)
  const generate = (key: PRNGKey, count: number): Tensor => {
    const z = normal(key, [count, settings.latent])
    const out = AG.noGrad(() => applyWithState(generator, average, gState, z, { train: true }).output).value
    return new Tensor(Float32Array.from(out.data, (v) => (v + 1) / 2), out.shape, 'float32')
  }

  const discriminatorStep = AG.valueAndGrad((dp: unknown[], x: Tensor, fake: Tensor) => discriminatorLoss(discriminator, dp, x, fake, settings.r1))
  const generatorStep = AG.valueAndGrad(
    (gp: unknown[], z: Tensor) => {
      const r = applyWithState(generator, gp, gState, z, { train: true })
      return [sigmoidBinaryCrossEntropy(discriminator.apply(d, r.output), ones([z.shape[0]!, 1])), r.state]
    },
    { hasAux: true },
  )

  const history: GanEpoch[] = []
  let s = 0
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    let dSum = 0
    let gSum = 0
    let count = 0
    for (const rows of epochBatches(n, epoch, { batchSize: settings.batch, key: orderKey, dropLast })) {
      const m = rows.length
      const [zd, zg] = splitKey(foldIn(noiseKey, s)) as [PRNGKey, PRNGKey]
      const x = takeRows(real, rows).x
      // The fakes of the discriminator's step are constants: no gradient flows into the generator.
      const fake = AG.noGrad(() => applyWithState(generator, g, gState, normal(zd, [m, settings.latent]), { train: true }).output).value
      const [dLoss, dGrads] = discriminatorStep(d, x, fake)
      dOptState = stepInPlace(dOpt, dGrads as never, dOptState, d as never)
      const [[gLoss, nextState], gGrads] = generatorStep(g, normal(zg, [m, settings.latent])) as unknown as [[Tensor, unknown[]], unknown[]]
      gOptState = stepInPlace(gOpt, gGrads as never, gOptState, g as never)
      gState = nextState
      // Warmed up as TensorFlow's ExponentialMovingAverage with num_updates: the average forgets
      // the random initial weights quickly (0.999²⁰⁰⁰ would still give them 14% after 2000 steps).
      const decay = Math.min(emaDecay, (1 + s) / (10 + s))
      for (let i = 0; i < leaves.length; i++) {
        const a = averageLeaves[i]!
        const w = leaves[i]!.data
        for (let j = 0; j < a.length; j++) a[j] = decay * a[j]! + (1 - decay) * w[j]!
      }
      dSum += dLoss.item()
      gSum += gLoss.item()
      count++
      s++
    }
    const e: GanEpoch = { epoch, discriminatorLoss: dSum / count, generatorLoss: gSum / count }
    if (score !== undefined) e.score = score(generate(scoreKey, scoreCount))
    history.push(e)
    const scored = e.score === undefined ? '' : `  score ${e.score.toFixed(2)}`
    log(`epoch ${epoch + 1}/${settings.epochs}  D loss ${e.discriminatorLoss.toFixed(3)}  G loss ${e.generatorLoss.toFixed(3)}${scored}  (${clock().seconds.toFixed(0)} s)`)
  }
  return { history, steps: s, generate, ...clock() }
}

/** The GAN task's settings: the shared ones and the classifier that scores the digits. */
export interface GanSettings extends MnistSettings {
  model: GanModel
  /** Weight γ of the R1 penalty on the discriminator; 0 for none. */
  r1: number
  scorer: ModelKind
}

/** The classifier that scores the digits: the classifier task's model with its default settings, trained on the same split. */
export function scoringClassifier(model: ModelKind, seed: number): RunSettings {
  return { model, optimizer: 'adam', lr: undefined, schedule: 'cosine', batch: 64, epochs: model === 'mlp' ? 12 : 8, seed }
}

export const gan: Task<GanSettings> = {
  name: 'gan',
  summary: 'a GAN: digits from noise, scored by the demo\'s own classifier (inception-style score)',
  flags: {
    model: { type: 'string', usage: ['--model mlp|dcgan', 'MLPs (default) or convolutional networks'] },
    ...mnistFlags(ganDefaults.mlp),
    epochs: { type: 'string', usage: ['--epochs <N>', `passes over the training set (default ${ganDefaults.mlp.epochs} for mlp, ${ganDefaults.dcgan.epochs} for dcgan)`] },
    lr: { type: 'string', usage: ['--lr <number>', `peak learning rate of both Adams (default ${ganDefaults.mlp.lr} for mlp, ${ganDefaults.dcgan.lr} for dcgan)`] },
    batch: { type: 'string', usage: ['--batch <N>', `digits per step (default ${ganDefaults.mlp.batch} for mlp, ${ganDefaults.dcgan.batch} for dcgan)`] },
    r1: { type: 'string', usage: ['--r1 <number>', 'weight γ of the R1 penalty on the discriminator, 0 for none (default 10)'] },
    scorer: { type: 'string', usage: ['--scorer cnn|mlp', 'the classifier task\'s model that scores the digits (default cnn)'] },
  },
  parse(values) {
    const model = oneOf('--model', stringFlag(values, 'model') ?? 'mlp', ganModels)
    const r1 = stringFlag(values, 'r1')
    return { ...parseMnistFlags(values, ganDefaults[model]), model, r1: r1 === undefined ? 10 : nonNegativeNumber('--r1', r1), scorer: oneOf('--scorer', stringFlag(values, 'scorer') ?? 'cnn', modelKinds) }
  },
  async run(settings, io) {
    const data = loadDigits({ limit: settings.limit, seed: settings.seed })
    io.log(splitLine(data))
    const scorer = scoringClassifier(settings.scorer, settings.seed)
    io.log(`\nthe scoring classifier: the classifier task's ${scorer.model} (${scorer.epochs} epochs)`)
    const clf = runOne(scorer, data, { write: () => true, isTTY: false })
    const realScore = digitScore(clf.predict, data.test.x)
    io.log(`test accuracy ${(100 * clf.testAccuracy).toFixed(2)}%, score of the ${data.test.y.size} real test digits ${realScore.toFixed(2)} (${clf.seconds.toFixed(1)} s)`)
    const nets = describe(settings.model, settings.latent)
    io.log(`\n${settings.model} GAN: generator ${nets.generator}, discriminator ${nets.discriminator}, Adam ${settings.lr} → ${settings.lr / 10} (cosine, β₁ 0.5), R1 γ ${settings.r1}, batch ${settings.batch}, ${settings.epochs} epochs`)
    const r = trainGan(settings, data, { log: io.log, score: (images) => digitScore(clf.predict, images) })
    const final = r.history.at(-1)?.score ?? NaN
    const macs = ganMacs(settings.latent, settings.model)
    // Per digit and step: the discriminator's step runs G forward and D forward and backward on 2
    // digits; the generator's step runs G and D forward and backward (backward ≈ 2 × forward).
    const flops = 2 * (macs.generator + 3 * 2 * macs.discriminator + 3 * (macs.generator + macs.discriminator)) * settings.batch * r.steps
    io.log(`\nscore of 1000 generated digits ${final.toFixed(2)} (real test digits ${realScore.toFixed(2)})`)
    io.log(`time ${r.seconds.toFixed(1)} s (${r.cpuSeconds.toFixed(1)} s of CPU; the layers' matmuls alone are ≈ ${(flops / r.cpuSeconds / 1e9).toFixed(1)} GFLOP/s of it)`)
    const x = r.history.map((h) => h.epoch + 1)
    return {
      html: renderDigitsReport({
        title: `@gd MNIST GAN (${settings.model})`,
        summary: [
          ['generator', nets.generator],
          ['discriminator', nets.discriminator],
          ['R1 penalty γ', String(settings.r1)],
          ['training', `alternating steps, two Adams ${settings.lr} → ${settings.lr / 10} (cosine, β₁ 0.5), batch ${settings.batch}, ${settings.epochs} epochs, seed ${settings.seed}`],
          ['inception-style score, 1000 generated digits', final.toFixed(2)],
          ['inception-style score, real test digits', realScore.toFixed(2)],
          ['scoring classifier', `the classifier task's ${scorer.model}, test accuracy ${(100 * clf.testAccuracy).toFixed(2)}%`],
          ['time', `${r.seconds.toFixed(1)} s`],
        ],
        charts: [
          { title: 'losses per epoch', x, series: [
            { label: 'discriminator', values: r.history.map((h) => h.discriminatorLoss) },
            { label: 'generator', values: r.history.map((h) => h.generatorLoss) },
          ] },
          { title: 'inception-style score of generated digits', x, series: [{ label: 'score', values: r.history.map((h) => h.score ?? null) }] },
        ],
        grids: [{ title: 'Generated digits', columns: 10, images: r.generate(prngKey(settings.seed + 1), 100).data as Float32Array }],
      }),
    }
  },
}
