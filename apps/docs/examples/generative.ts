// Generative models on the docs' MNIST digits, as the "Generative models" page runs them: an
// autoencoder (squeeze each digit through a small code and rebuild it) and a GAN (a generator that
// turns noise into digits, trained against a discriminator), each in a loop that gives the page back
// to the browser between steps.
import { add, noGrad, reshape, sigmoid, valueAndGrad } from '@gd/autograd'
import { heNormalInit } from '@gd/init'
import { sigmoidBinaryCrossEntropy } from '@gd/losses'
import { conv2d, flatten, layerNorm, leakyRelu, linear, relu, sequential, stateless, tanh, upsample2d } from '@gd/nn'
import { adam, applyUpdates } from '@gd/optimizers'
import {
  Tensor,
  foldIn,
  normal,
  ones,
  prngKey,
  splitKey,
  treeLeaves,
  treeMap,
  zeros,
  type PRNGKey,
  type Tree,
} from '@gd/tensor'
import { batchIndices, epochBatches, takeRows, type Dataset } from '@gd/train'
import { PIXELS, pause, type Digits } from './mnist'

const he = (key: PRNGKey | number, shape: readonly number[]) => heNormalInit(key, shape)

// #region autoencoder
/**
 * 784 → 128 → `code` → 128 → 784: the encoder squeezes a digit into `code` numbers, the decoder
 * rebuilds the 784 pixels from them as logits (the reconstruction is their sigmoid).
 */
export function autoencoder(code: number) {
  const encoder = sequential(linear(PIXELS, 128, { weightInit: he }), relu(), linear(128, code))
  const decoder = sequential(linear(code, 128, { weightInit: he }), relu(), linear(128, PIXELS))
  return sequential(encoder, decoder)
}

/** The autoencoder's parameters: a tree of tensors, typed by the layers that make it. */
export type AutoencoderParams = ReturnType<ReturnType<typeof autoencoder>['init']>

/** The cost: binary cross-entropy of every pixel (grey levels in [0, 1] as targets), in nats per pixel. */
export const reconstructionLoss = (logits: Parameters<typeof sigmoidBinaryCrossEntropy>[0], x: Tensor) =>
  sigmoidBinaryCrossEntropy(logits, x)

/**
 * Adam on batches of 64 training digits, each digit its own target; every `evaluateEvery` steps,
 * `onEvaluate` gets the parameters of the moment (awaited).
 */
export async function trainAutoencoder(options: {
  data: Digits
  code: number
  steps: number
  learningRate?: number
  seed?: number
  evaluateEvery?: number
  onStep?: (step: number, loss: number) => void
  onEvaluate?: (step: number, params: AutoencoderParams) => void | Promise<void>
  shouldStop?: () => boolean
}): Promise<void> {
  const { data, code, steps, learningRate = 3e-3, seed = 0, evaluateEvery = 50 } = options
  const model = autoencoder(code)
  const optimizer = adam({ learningRate })
  let params = model.init(seed)
  let state = optimizer.init(params)
  const loss = valueAndGrad((p: typeof params, x: Tensor) => reconstructionLoss(model.apply(p, x), x))
  let step = 0
  let worked = performance.now()
  await options.onEvaluate?.(0, params)
  for (let epoch = 0; step < steps; epoch++) {
    for (const rows of epochBatches(data.train.y.size, epoch, { batchSize: 64, key: prngKey(seed + 1) })) {
      if (step >= steps || options.shouldStop?.() === true) return
      const x = takeRows(data.train, rows).x
      const [value, grads] = loss(params, x)
      const { updates, state: next } = optimizer.update(grads, state, params)
      params = applyUpdates(params, updates)
      state = next
      step += 1
      options.onStep?.(step, value.item())
      if (step % evaluateEvery === 0 || step === steps) await options.onEvaluate?.(step, params)
      if (performance.now() - worked > 30) {
        await pause()
        worked = performance.now()
      }
    }
  }
}

/** The test loss (nats per pixel) and the reconstructions (pixels in [0, 1]) of the first `count` test digits. */
export async function testReconstructions(code: number, params: AutoencoderParams, test: Dataset, count: number) {
  const model = autoencoder(code)
  let total = 0
  for (const rows of batchIndices(test.y.size, 250)) {
    const x = takeRows(test, rows).x
    total += noGrad(() => reconstructionLoss(model.apply(params, x), x).value.item()) * rows.length
    await pause()
  }
  const shown = takeRows(
    test,
    Array.from({ length: count }, (_, i) => i),
  ).x
  const pixels = noGrad(() => sigmoid(model.apply(params, shown))).value.data as Float32Array
  return { loss: total / test.y.size, pixels }
}
// #endregion autoencoder

// #region gan
/** [batch, 2·14·14] → [batch, 2, 14, 14]: two half-size maps, for the upsampling and the convolution. */
const toMaps = stateless('toMaps', (x) => reshape(x, [-1, 2, 14, 14]))

/**
 * The generator maps noise z ~ N(0, I) of `latent` numbers to 784 pixels in [−1, 1] (tanh); the
 * discriminator maps 784 pixels to one logit, "real" when positive. Both use leaky ReLUs (slope 0.2),
 * so that a unit below zero still passes some gradient, as DCGAN does.
 */
export function gan(latent: number) {
  return {
    // latent → 128 → 256, a layer norm after each hidden layer to keep its units' scale steady; then 2
    // maps of 14×14, upsampled (bilinear) to 28×28 and mixed by one 3×3 convolution into the image:
    // every pixel is drawn from its neighbourhood by the same 18 weights, so no single pixel has
    // weights of its own to leave a speckle with
    generator: sequential(
      linear(latent, 128),
      layerNorm(128),
      leakyRelu(0.2),
      linear(128, 256),
      layerNorm(256),
      leakyRelu(0.2),
      linear(256, 2 * 14 * 14),
      toMaps,
      upsample2d({ mode: 'bilinear' }),
      conv2d(2, 1, 3, { padding: 'same' }),
      flatten(),
      tanh(),
    ),
    discriminator: sequential(linear(PIXELS, 256), leakyRelu(0.2), linear(256, 128), leakyRelu(0.2), linear(128, 1)),
  }
}

/** Pixels in [0, 1] → [−1, 1], the range of the generator's tanh. */
export const toSigned = (x: Tensor): Tensor =>
  new Tensor(
    Float32Array.from(x.data, (v) => 2 * v - 1),
    x.shape,
    'float32',
  )

/** What the GAN loop reports after each step. */
export interface GanStep {
  step: number
  /** BCE(D(x), 1) + BCE(D(G(z)), 0): ln 4 ≈ 1.39 when D cannot tell them apart (it says ½ everywhere). */
  discriminatorLoss: number
  /** BCE(D(G(z)), 1) = −ln D(G(z)), the non-saturating generator loss: ln 2 ≈ 0.69 at D = ½. */
  generatorLoss: number
}

/**
 * Alternating steps, each network with its own Adam (β₁ = 0.5, as DCGAN): the discriminator learns to
 * say 1 on real digits and 0 on generated ones, then the generator learns to make the discriminator
 * say 1 on its digits. `onGenerate` gets, every `showEvery` steps, the digits the generator of the
 * moment makes from the same fixed noise (pixels in [0, 1]).
 */
export async function trainGan(options: {
  data: Digits
  latent: number
  steps: number
  learningRate?: number
  seed?: number
  show?: number
  showEvery?: number
  /** Decay of the moving average of the generator's weights that draws the digits shown. */
  averageDecay?: number
  onStep?: (report: GanStep) => void
  onGenerate?: (step: number, pixels: Float32Array) => void | Promise<void>
  shouldStop?: () => boolean
}): Promise<void> {
  const { data, latent, steps, learningRate = 5e-4, seed = 0, show = 24, showEvery = 50, averageDecay = 0.99 } = options
  const { generator, discriminator } = gan(latent)
  const [gKey, dKey, orderKey, noiseKey, showKey] = splitKey(prngKey(seed), 5)
  let g = generator.init(gKey)
  let d = discriminator.init(dKey)
  const gOpt = adam({ learningRate, beta1: 0.5 })
  const dOpt = adam({ learningRate, beta1: 0.5 })
  let gState = gOpt.init(g)
  let dState = dOpt.init(d)
  const real = { x: toSigned(data.train.x), y: data.train.y }
  const fixedNoise = normal(showKey, [show, latent])
  // The digits shown come from a moving average of the generator's weights, which smooths away the
  // pixel noise that the last few steps of a GAN's back-and-forth leave (Yazıcı et al., 2019).
  const average = treeMap((t) => new Tensor(Float32Array.from(t.data), t.shape, 'float32'), g as Tree) as typeof g
  const averaged = treeLeaves(average as Tree).map((t) => t.data as Float32Array)
  const generate = async (step: number) => {
    const out = noGrad(() => generator.apply(average, fixedNoise)).value
    await options.onGenerate?.(
      step,
      Float32Array.from(out.data, (v) => (v + 1) / 2),
    )
  }

  const discriminatorLoss = valueAndGrad((dp: typeof d, x: Tensor, fake: Tensor) =>
    add(
      sigmoidBinaryCrossEntropy(discriminator.apply(dp, x), ones([x.shape[0]!, 1])),
      sigmoidBinaryCrossEntropy(discriminator.apply(dp, fake), zeros([fake.shape[0]!, 1])),
    ),
  )
  const generatorLoss = valueAndGrad((gp: typeof g, z: Tensor) =>
    sigmoidBinaryCrossEntropy(discriminator.apply(d, generator.apply(gp, z)), ones([z.shape[0]!, 1])),
  )

  let step = 0
  let worked = performance.now()
  await generate(0)
  for (let epoch = 0; step < steps; epoch++) {
    for (const rows of epochBatches(data.train.y.size, epoch, { batchSize: 64, key: orderKey, dropLast: true })) {
      if (step >= steps || options.shouldStop?.() === true) return
      const [zd, zg] = splitKey(foldIn(noiseKey, step))
      const x = takeRows(real, rows).x
      // 1. the discriminator's step; the fakes are constants here, so no gradient reaches the generator
      const fake = noGrad(() => generator.apply(g, normal(zd, [rows.length, latent]))).value
      const [dLoss, dGrads] = discriminatorLoss(d, x, fake)
      const dStep = dOpt.update(dGrads, dState, d)
      d = applyUpdates(d, dStep.updates)
      dState = dStep.state
      // 2. the generator's step, through the updated discriminator (whose parameters stay fixed)
      const [gLoss, gGrads] = generatorLoss(g, normal(zg, [rows.length, latent]))
      const gStep = gOpt.update(gGrads, gState, g)
      g = applyUpdates(g, gStep.updates)
      gState = gStep.state
      treeLeaves(g as Tree).forEach((w, i) => {
        const a = averaged[i]!
        for (let j = 0; j < a.length; j++) a[j] = averageDecay * a[j]! + (1 - averageDecay) * w.data[j]!
      })
      step += 1
      options.onStep?.({ step, discriminatorLoss: dLoss.item(), generatorLoss: gLoss.item() })
      if (step % showEvery === 0 || step === steps) await generate(step)
      if (performance.now() - worked > 30) {
        await pause()
        worked = performance.now()
      }
    }
  }
}
// #endregion gan
