import * as tf from '@tensorflow/tfjs'
import { jit, nn as jnn, numpy as np } from '@jax-js/jax'
import * as T from '@gd/tensor'
import type { Workload } from '../harness.js'
import { gdContender, jaxContender, tfContenders } from '../peers.js'
import { checksum, randomData } from './data.js'
import { count } from './optimizerUpdate.js'

/**
 * A chain of seven elementwise ops, y = relu(sigmoid(exp(tanh(0.5x + 0.25))) · x), on n float32
 * elements, no gradient. jax-js runs it jitted (fused into one kernel: its selling point, and what a
 * jax user writes); TF.js runs it op by op; @gd, eagerly written, defers the chain and runs it block by
 * block when the result is read (each step reads it).
 */
export function elementwiseWorkload(n: number): Workload {
  const x = randomData(9, [n])
  return {
    name: `elementwise ${count(n)}`,
    description: `relu(sigmoid(exp(tanh(0.5x + 0.25))) · x) on ${count(n)} float32 elements (7 ops)`,
    contenders: [
      gdContender(() => {
        const X = T.tensor(x)
        const run = () => T.relu(T.mul(T.sigmoid(T.exp(T.tanh(T.add(T.mul(X, 0.5), 0.25)))), X))
        // reading the result computes it: outside transforms @gd defers a long elementwise chain until then
        return { step: () => void run().data, check: async () => checksum(run().data) }
      }),
      ...tfContenders(() => {
        const X = tf.tensor1d(x)
        const run = () => tf.tidy(() => tf.relu(tf.mul(tf.sigmoid(tf.exp(tf.tanh(tf.add(tf.mul(X, 0.5), 0.25)))), X)))
        return {
          step: () => run().dispose(),
          check: () => tf.tidy(() => checksum(run().dataSync())),
          keep: [X],
        }
      }),
      jaxContender(() => {
        const X = np.array(x)
        const f = jit((a: np.Array) => jnn.relu(jnn.sigmoid(np.exp(np.tanh(a.ref.mul(0.5).add(0.25)))).mul(a)))
        return {
          step: async () => (await f(X.ref).blockUntilReady()).dispose(),
          check: async () => checksum(await f(X.ref).data()),
          dispose: () => {
            X.dispose()
            f.dispose()
          },
        }
      }),
    ],
  }
}
