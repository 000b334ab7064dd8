import * as tf from '@tensorflow/tfjs'
import { lax, nn as jnn, numpy as np } from '@jax-js/jax'
import { conv2d, flatten, linear, maxPool2d, relu, sequential } from '@gd/nn'
import type { Workload } from '../harness.js'
import { randomData, randomLabels } from './data.js'
import { trainStepContenders, type Weights } from './trainStep.js'

const SIDE = 28
const CLASSES = 10

/** jax-js 2×2 max pooling with stride 2 on NCHW (even sides): a reshape and a max. */
function jaxMaxPool(x: np.Array): np.Array {
  const [n, c, h, w] = x.shape as [number, number, number, number]
  return np.max(x.reshape([n, c, h / 2, 2, w / 2, 2]), [3, 5])
}

/**
 * One training step of the small CNN (conv 5×5×8 → relu → maxpool 2 → conv 5×5×16 → relu →
 * maxpool 2 → dense 10) on 28×28×1 images, Adam. @gd and jax-js run NCHW with OIHW filters; TF.js
 * runs its native NHWC with HWIO filters, the same weights permuted once before timing (the dense
 * layer's rows too, so that its flatten order matches).
 */
export function cnnWorkload(batch: number): Workload {
  const model = sequential(
    conv2d(1, 8, 5),
    relu(),
    maxPool2d({ kernelSize: 2 }),
    conv2d(8, 16, 5),
    relu(),
    maxPool2d({ kernelSize: 2 }),
    flatten(),
    linear(16 * 4 * 4, CLASSES),
  )
  const tfWeight = (w: Weights, layer: number): tf.Tensor =>
    tf.tidy(() => {
      const t = tf.tensor(w.w, w.wShape)
      if (layer < 2) return tf.transpose(t, [2, 3, 1, 0]) // OIHW → HWIO
      // dense rows: @gd flattens (c, h, w), TF.js flattens (h, w, c)
      return t.reshape([16, 4, 4, CLASSES]).transpose([1, 2, 0, 3]).reshape([256, CLASSES])
    })
  return {
    name: `cnn b${batch}`,
    description: `training step of conv5×5×8-relu-pool2-conv5×5×16-relu-pool2-dense10 (Adam) at batch ${batch} on 28×28×1`,
    contenders: trainStepContenders({
      model,
      seed: 0,
      x: randomData(5, [batch, 1, SIDE, SIDE]),
      xShape: [batch, 1, SIDE, SIDE],
      labels: randomLabels(6, batch, CLASSES),
      classes: CLASSES,
      tfInput: (x) => tf.transpose(x, [0, 2, 3, 1]),
      tfWeight,
      tfForward: (x, [w1, b1, w2, b2, w3, b3]) => {
        const block = (h: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor): tf.Tensor4D =>
          tf.maxPool(tf.relu(tf.add(tf.conv2d(h, w as tf.Tensor4D, 1, 'valid'), b)) as tf.Tensor4D, 2, 2, 'valid')
        const h = block(block(x as tf.Tensor4D, w1!, b1!), w2!, b2!)
        return tf.add(tf.matMul(h.reshape([batch, 256]), w3!), b3!)
      },
      jaxForward: ([l1, l2, l3], x) => {
        const conv = (h: np.Array, l: { w: np.Array; b: np.Array }) => {
          const c = l.b.shape[0]!
          return jnn.relu(lax.conv(h, l.w, [1, 1], 'VALID').add(l.b.reshape([1, c, 1, 1])))
        }
        const h = jaxMaxPool(conv(jaxMaxPool(conv(x, l1!)), l2!))
        return np.matmul(h.reshape([batch, 256]), l3!.w).add(l3!.b)
      },
    }),
  }
}
