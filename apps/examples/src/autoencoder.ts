// An autoencoder on MNIST digits: an MLP squeezes each 784-pixel digit into a code of 32 numbers and
// a second MLP rebuilds the digit from the code. The target is the input itself, so `fit` trains it
// like any model, with { x: digits, y: digits }. The cost is the binary cross-entropy of each pixel
// (grey levels in [0, 1] read as probabilities of ink), in nats per pixel: logits of 0 everywhere cost
// ln 2 = 0.693; the defaults reach 0.0924 on the test digits in under a minute on one core.
//
//   pnpm --filter @gd/examples example autoencoder
import { noGrad, sigmoid, type Input, type MaybeTraced, type Var } from '@gd/autograd'
import { arrayOf, fail, integer, optional, positiveInteger, readOptions, rule, withDefault } from '@gd/check'
import { heUniformInit } from '@gd/init'
import { sigmoidBinaryCrossEntropy } from '@gd/losses'
import { linear, relu, sequential } from '@gd/nn'
import { adam } from '@gd/optimizers'
import { warmupCosineDecaySchedule } from '@gd/schedules'
import * as T from '@gd/tensor'
import { fit, stepsPerEpoch, type Callback, type EpochLogs } from '@gd/train'
import { finiteAboveZero, logger } from './checks.js'
import { PIXELS, isDigits, loadDigits, type Digits } from './mnist.js'

// ---- the schedule both MNIST examples use ----

/**
 * Adam's learning rate: from 0 up to `peak` over the first tenth of the steps (at most 100), then
 * down to 0 along half a cosine by step `totalSteps` (@gd/schedules' `warmupCosineDecaySchedule`).
 * @example
 * ```ts
 * const lr = warmupCosine(1e-3, 1000) // lr(0) = 0, lr(100) = 1e-3, lr(1000) = 0
 * ```
 */
export function warmupCosine(peak: number, totalSteps: number): (step: number) => number {
  positiveInteger('warmupCosine', 'totalSteps', totalSteps)
  const warmupSteps = Math.max(1, Math.min(100, Math.floor(totalSteps / 10)))
  return warmupCosineDecaySchedule({ init: 0, peak, warmupSteps, totalSteps: Math.max(totalSteps, warmupSteps + 1) })
}

// ---- the model ----

/** Widths of the hidden layers between the pixels and the code, on both sides. */
export const autoencoderHidden = [256, 64] as const

/**
 * The autoencoder, 784 → 256 → 64 → latent → 64 → 256 → 784 with relu between the layers. The
 * decoder ends in logits: the reconstruction is their sigmoid, and the loss takes the logits
 * (`sigmoidBinaryCrossEntropy`: the cost of binary cross-entropy on the sigmoid, computed stably).
 * @example
 * ```ts
 * const { encoder, model } = buildAutoencoder(32)
 * const params = model.init(0)
 * encoder.apply(params[0], zeros([5, 784])).shape // [5, 32]
 * ```
 */
export function buildAutoencoder(latent: number) {
  positiveInteger('buildAutoencoder', 'latent', latent)
  const [h1, h2] = autoencoderHidden
  const encoder = sequential(
    linear(PIXELS, h1, { weightInit: heUniformInit }),
    relu(),
    linear(h1, h2, { weightInit: heUniformInit }),
    relu(),
    linear(h2, latent),
  )
  const decoder = sequential(
    linear(latent, h2, { weightInit: heUniformInit }),
    relu(),
    linear(h2, h1, { weightInit: heUniformInit }),
    relu(),
    linear(h1, PIXELS),
  )
  return { encoder, decoder, model: sequential(encoder, decoder) }
}

/** The layers {@link buildAutoencoder} returns. */
export type Autoencoder = ReturnType<typeof buildAutoencoder>
/** The parameters of {@link Autoencoder}'s model: `[encoder's, decoder's]`. */
export type AutoencoderParams = ReturnType<Autoencoder['model']['init']>

/** The cost: binary cross-entropy of every pixel against the logits, averaged, in nats per pixel. */
const bce = (logits: Input, x: Input): Var => sigmoidBinaryCrossEntropy(logits, x)

/**
 * Digits as the autoencoder rebuilds them: sigmoid(decoder(encoder(x))), pixel probabilities in (0, 1).
 * @throws Error when x is not a tensor [n, 784].
 * @example
 * ```ts
 * const r = trainAutoencoder({ epochs: 1, data: loadDigits({ limit: 200 }) })
 * reconstruct(r.autoencoder, r.params, r.data.test.x).shape // [40, 784]
 * ```
 */
export function reconstruct(autoencoder: Autoencoder, params: AutoencoderParams, x: T.Tensor): T.Tensor<'float32'> {
  if (!(x instanceof T.Tensor) || x.shape.length !== 2 || x.shape[1] !== PIXELS)
    fail('reconstruct', 'x', 'a tensor [n, 784] of digits', x)
  return noGrad(() => sigmoid(autoencoder.model.apply(params as MaybeTraced<AutoencoderParams>, x)))
    .value as T.Tensor<'float32'>
}

// ---- training and evaluation ----

/** Settings of {@link trainAutoencoder}. */
export interface AutoencoderOptions {
  /** Passes over the training digits. Default 20. */
  epochs?: number
  /** Digits per step. Default 64. */
  batchSize?: number
  /** Adam's peak learning rate (warmup, then cosine decay to 0). Default 3·10⁻³. */
  learningRate?: number
  /** Size of the code. Default 32. */
  latent?: number
  /** Seed of the initialization and the batch order (and of the split when `data` is not given). Default 0. */
  seed?: number
  /** The digits to train and test on. Default `loadDigits({ seed })`: all 10,000, 80/20. */
  data?: Digits
  /** Called after each epoch with a line of progress. */
  log?: (line: string) => void
  /** More callbacks for `fit`, e.g. `progress()` for a progress bar. */
  callbacks?: Callback[]
}

/** The defaults of {@link trainAutoencoder}. */
export const autoencoderDefaults = { epochs: 20, batchSize: 64, learningRate: 3e-3, latent: 32 } as const

/** What {@link trainAutoencoder} returns. */
export interface AutoencoderResult {
  autoencoder: Autoencoder
  params: AutoencoderParams
  /** The digits it trained and was tested on. */
  data: Digits
  /** Each epoch's `loss` (training BCE per pixel) and `valLoss` (test BCE per pixel). */
  history: EpochLogs[]
  /** Binary cross-entropy per pixel on the test digits at the end, in nats. */
  testBce: number
  /** Optimizer steps taken. */
  steps: number
}

const callback = rule<Callback>('a fit callback (an object of hooks)', (v) => typeof v === 'object' && v !== null)

/**
 * Trains the autoencoder with `fit` (Adam, warmup then cosine decay; the targets are the inputs) and
 * measures its binary cross-entropy on the test digits.
 * @example
 * ```ts
 * const r = trainAutoencoder({ epochs: 2, batchSize: 32, data: loadDigits({ limit: 600, seed: 3 }) })
 * r.testBce // about 0.265 nats per pixel after 32 steps (0.693 for a blank guess)
 * ```
 */
export function trainAutoencoder(options: AutoencoderOptions = {}): AutoencoderResult {
  const o = readOptions('trainAutoencoder', options, {
    epochs: withDefault(positiveInteger, autoencoderDefaults.epochs),
    batchSize: withDefault(positiveInteger, autoencoderDefaults.batchSize),
    learningRate: withDefault(finiteAboveZero, autoencoderDefaults.learningRate),
    latent: withDefault(positiveInteger, autoencoderDefaults.latent),
    seed: withDefault(integer, 0),
    data: optional(
      rule<Digits>(
        'digits from loadDigits (train and test, each x [n, 784] float32 and y [n] int32, n >= 1)',
        isDigits,
      ),
    ),
    log: optional(logger),
    callbacks: withDefault(arrayOf(callback), []),
  })
  const data = o.data ?? loadDigits({ seed: o.seed })
  const autoencoder = buildAutoencoder(o.latent)
  const { model } = autoencoder
  const totalSteps = o.epochs * stepsPerEpoch(data.train.y.size, o.batchSize)
  const log = o.log
  const logEpochs: Callback[] =
    log === undefined
      ? []
      : [
          {
            name: 'log',
            onEpochEnd: (ctx, logs) =>
              log(
                `epoch ${logs.epoch + 1}/${ctx.epochs}: BCE per pixel ${logs.loss.toFixed(4)} on the training digits, ${logs.valLoss!.toFixed(4)} on the test digits`,
              ),
          },
        ]
  const { params, history, step } = fit({
    model,
    params: model.init(o.seed),
    loss: bce,
    optimizer: adam({ learningRate: warmupCosine(o.learningRate, totalSteps) }),
    data: { x: data.train.x, y: data.train.x },
    validation: { x: data.test.x, y: data.test.x },
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    callbacks: [...o.callbacks, ...logEpochs],
  })
  const testBce = noGrad(() =>
    bce(model.apply(params as MaybeTraced<AutoencoderParams>, data.test.x), data.test.x),
  ).value.item()
  return { autoencoder, params, data, history, testBce, steps: step }
}
