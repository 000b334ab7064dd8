import * as AG from '@gd/autograd'
import { heUniformInit } from '@gd/init'
import { batchNorm, conv2d, dropout, flatten, linear, maxPool2d, relu, reshape, sequential, type Layer } from '@gd/nn'
import { Tensor, randint, type PRNGKey } from '@gd/tensor'
import { PIXELS } from './data.js'

/** The demo's models: a multilayer perceptron and a small convolutional network. */
export const modelKinds = ['mlp', 'cnn'] as const
export type ModelKind = (typeof modelKinds)[number]

const he = (key: PRNGKey | number, shape: readonly number[]) => heUniformInit(key, shape)

/**
 * Data augmentation as a layer: in training, each 28×28 image moves by a random whole-pixel shift of
 * up to `max` pixels in each direction (zeros fill in); at inference it is the identity, which its
 * config says, so @gd/onnx exports it as ONNX's Identity.
 */
export function randomShift(max: number): Layer<Record<string, never>> {
  return {
    name: `randomShift(${max})`,
    config: { kind: 'identity' },
    init: () => ({}),
    apply: (_p, x, options = {}) => {
      const v = AG.toVar('randomShift', x)
      if (options.train !== true || options.key === undefined || max === 0) return v
      const n = v.shape[0]!
      const shifts = randint(options.key, [n, 2], -max, max + 1).data
      const src = v.value.data
      const out = new Float32Array(n * PIXELS)
      for (let i = 0; i < n; i++) {
        const dy = shifts[2 * i]!
        const dx = shifts[2 * i + 1]!
        for (let r = Math.max(0, dy); r < Math.min(28, 28 + dy); r++) {
          const from = i * PIXELS + (r - dy) * 28
          for (let c = Math.max(0, dx); c < Math.min(28, 28 + dx); c++)
            out[i * PIXELS + r * 28 + c] = src[from + c - dx]!
        }
      }
      return new AG.Var(new Tensor(out, v.shape, 'float32'))
    },
  }
}

/**
 * A convolution, max pooling, batch normalization and relu. Pooling before normalizing gives nearly
 * the function of the usual conv → batchNorm → relu → pool (max pooling commutes with relu and with a
 * per-channel affine map of positive scale) while normalizing a quarter of the values. The
 * convolution has no bias: batchNorm's shift β takes its place.
 */
function convBlock(inChannels: number, outChannels: number): Layer<any, any>[] {
  return [
    conv2d(inChannels, outChannels, 5, { weightInit: he, bias: false }),
    maxPool2d({ kernelSize: 2 }),
    batchNorm(outChannels),
    relu(),
  ]
}

/**
 * Builds a model; both take [batch, 784] pixels in [0, 1] and give [batch, 10] logits. The CNN has
 * batchNorm after each convolution and before its hidden relu, so it keeps running statistics as
 * state (see `fit`'s `state` and `applyWithState` in @gd/nn).
 */
export function buildModel(kind: ModelKind): Layer<any, unknown[]> {
  if (kind === 'mlp') {
    return sequential(randomShift(2), linear(PIXELS, 256, { weightInit: he }), relu(), dropout(0.2), linear(256, 10))
  }
  return sequential(
    randomShift(2),
    reshape([1, 28, 28]), // [batch, 784] → [batch, 1, 28, 28] for the convolutions
    ...convBlock(1, 12), // [batch, 12, 12, 12]
    ...convBlock(12, 24), // [batch, 24, 4, 4]
    flatten(),
    linear(24 * 4 * 4, 128, { weightInit: he, bias: false }),
    batchNorm(128),
    relu(),
    linear(128, 10),
  )
}
