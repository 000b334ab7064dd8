import * as tf from '@tensorflow/tfjs'
import { lax, nn as jnn, numpy as np } from '@jax-js/jax'
import * as AG from '@gd/autograd'
import { mse } from '@gd/losses'
import { convTranspose2d, linear, type ConvTranspose2dParams, type LinearParams } from '@gd/nn'
import type { Workload } from '../harness.js'
import { randomData } from './data.js'
import { namedStepContenders } from './namedStep.js'

/** The sizes of the generator step: latent width, batch, and the channels of its 7×7 and 14×14 maps. */
export interface GeneratorSizes {
  batch: number
  latent: number
  /** Channels of the 7×7 maps (the 14×14 maps have half as many). */
  channels: number
}

/** The name of a generator workload (for `--only`). */
export function convTransposeName(s: GeneratorSizes): string {
  return `convTranspose2d generator b${s.batch} ${s.latent}→${s.channels}×7×7→1×28×28`
}

type GeneratorParams = { fc: LinearParams; up1: ConvTranspose2dParams; up2: ConvTranspose2dParams }

/**
 * One training step of a DCGAN generator's layers (Radford et al., 2016) without its batch norms:
 * z [batch, latent] → linear → relu → [c, 7, 7] → transposed 4×4 convolution, stride 2, padding 1 →
 * relu → [c/2, 14, 14] → transposed 4×4 convolution, stride 2, padding 1 → tanh → [1, 28, 28], mean
 * squared error against fixed target images, Adam. The time is mostly the two transposed
 * convolutions (forward, and backward to both input and filter).
 *
 * - @gd: `convTranspose2d` (NCHW, filters [in, out, kH, kW] as PyTorch's).
 * - TF.js: `tf.conv2dTranspose` on NHWC with [kH, kW, out, in] filters, the same weights permuted
 *   once before timing (and the linear layer's columns, so that its reshape into 7×7 maps matches).
 *   Its wasm backend has no `Conv2DBackpropFilter` kernel, the filter's gradient: it cannot train this.
 * - jax-js: `lax.convTranspose` with `transposeKernel` (PyTorch's filter layout), in one `jit`.
 */
export function convTransposeWorkload(s: GeneratorSizes): Workload {
  const { batch, latent, channels: c } = s
  const half = c / 2
  const fc = linear(latent, c * 49)
  const up1 = convTranspose2d(c, half, 4, { stride: 2, padding: 1 })
  const up2 = convTranspose2d(half, 1, 4, { stride: 2, padding: 1 })
  const init = { fc: fc.init(1), up1: up1.init(2), up2: up2.init(3) } as GeneratorParams
  const z = randomData(4, [batch, latent])
  const target = Float32Array.from(randomData(5, [batch, 1, 28, 28]), Math.tanh)
  // linear columns: @gd reshapes them to (c, h, w), TF.js to (h, w, c)
  const toHwc = (t: tf.Tensor, rows: number) => t.reshape([rows, c, 49]).transpose([0, 2, 1]).reshape(t.shape)
  const toChw = (t: tf.Tensor, rows: number) => t.reshape([rows, 49, c]).transpose([0, 2, 1]).reshape(t.shape)
  const rowsOf = (name: string) => (name === 'fc.w' ? latent : 1)
  return {
    name: convTransposeName(s),
    description: `training step of a DCGAN generator's layers (linear ${latent} → ${c}×7×7, two 4×4 stride-2 transposed convolutions to 1×28×28, relu, tanh; MSE, Adam) at batch ${batch}`,
    contenders: namedStepContenders<GeneratorParams>({
      init,
      x: { values: z, shape: [batch, latent] },
      y: { values: target, shape: [batch, 1, 28, 28] },
      gdLoss: (p, x, y) => {
        const h = AG.reshape(AG.relu(fc.apply(p.fc, x)), [batch, c, 7, 7])
        const out = AG.tanh(up2.apply(p.up2, AG.relu(up1.apply(p.up1, h))))
        return mse(out, y)
      },
      tfLayout: {
        to: (name, t) =>
          name.startsWith('fc.') ? toHwc(t, rowsOf(name)) : name.endsWith('.w') ? t.transpose([2, 3, 1, 0]) : t,
        from: (name, g) =>
          name.startsWith('fc.') ? toChw(g, rowsOf(name)) : name.endsWith('.w') ? g.transpose([3, 2, 0, 1]) : g,
      },
      // one channel: NHWC [batch, 28, 28, 1] has NCHW [batch, 1, 28, 28]'s order
      tfData: (x, y) => [x, y.reshape([batch, 28, 28, 1])],
      tfLoss: (p, x, y) => {
        const h = tf
          .relu(tf.add(tf.matMul(x as tf.Tensor2D, p['fc.w'] as tf.Tensor2D), p['fc.b']!))
          .reshape([batch, 7, 7, c]) as tf.Tensor4D
        const up = (t: tf.Tensor4D, k: string, side: number, out: number) =>
          tf.add(
            tf.conv2dTranspose(t, p[`${k}.w`] as tf.Tensor4D, [batch, side, side, out], 2, 1),
            p[`${k}.b`]!,
          ) as tf.Tensor4D
        const out = tf.tanh(up(tf.relu(up(h, 'up1', 14, half)), 'up2', 28, 1))
        return tf.losses.meanSquaredError(y, out) as tf.Scalar
      },
      jaxLoss: (p, x, y) => {
        const h = jnn.relu(np.matmul(x, p['fc.w']!).add(p['fc.b']!)).reshape([batch, c, 7, 7])
        const up = (t: np.Array, k: string, out: number) =>
          lax
            .convTranspose(
              t,
              p[`${k}.w`]!,
              [2, 2],
              [
                [1, 1],
                [1, 1],
              ],
              { transposeKernel: true },
            )
            .add(p[`${k}.b`]!.reshape([1, out, 1, 1]))
        const out = np.tanh(up(jnn.relu(up(h, 'up1', half)), 'up2', 1))
        return np.square(out.sub(y)).mean()
      },
    }),
  }
}
