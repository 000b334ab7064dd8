import * as tf from '@tensorflow/tfjs'
import { nn as jnn, numpy as np } from '@jax-js/jax'
import { linear, relu, sequential } from '@gd/nn'
import type { Workload } from '../harness.js'
import { randomData, randomLabels } from './data.js'
import { trainStepContenders } from './trainStep.js'

/**
 * One training step of an MLP (ReLU between dense layers, softmax cross-entropy from logits, Adam)
 * on random inputs: forward, backward and the parameter update.
 */
export function mlpWorkload(sizes: readonly number[], batch: number): Workload {
  const model = sequential(
    ...sizes.slice(1).flatMap((n, i) => (i === 0 ? [linear(sizes[0]!, n)] : [relu(), linear(sizes[i]!, n)])),
  )
  const classes = sizes[sizes.length - 1]!
  // forward x·W per layer; backward ∂W per layer and ∂x for every layer but the first (the inputs take no gradient)
  const products = sizes.slice(1).map((n, i) => 2 * batch * sizes[i]! * n)
  const forward = products.reduce((a, b) => a + b, 0)
  return {
    name: `mlp ${sizes.join('-')} b${batch}`,
    description: `training step of an MLP ${sizes.join('-')} (ReLU, softmax cross-entropy, Adam) at batch ${batch}`,
    flops: 3 * forward - products[0]!,
    contenders: trainStepContenders({
      model,
      seed: 0,
      x: randomData(3, [batch, sizes[0]!]),
      xShape: [batch, sizes[0]!],
      labels: randomLabels(4, batch, classes),
      classes,
      tfForward: (x, vars) => {
        let h = x
        for (let i = 0; i < vars.length; i += 2) {
          h = tf.add(tf.matMul(h, vars[i]!), vars[i + 1]!)
          if (i + 2 < vars.length) h = tf.relu(h)
        }
        return h
      },
      jaxForward: (p, x) => {
        let h = x
        p.forEach((layer, i) => {
          h = np.matmul(h, layer.w).add(layer.b)
          if (i + 1 < p.length) h = jnn.relu(h)
        })
        return h
      },
    }),
  }
}
