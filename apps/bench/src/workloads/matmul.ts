import * as tf from '@tensorflow/tfjs'
import { jit, numpy as np } from '@jax-js/jax'
import { matmul, tensor } from '@gd/tensor'
import type { Workload } from '../harness.js'
import { gdContender, jaxContender, tfContenders } from '../peers.js'
import { checksum, randomData } from './data.js'

/** Which operand is read transposed. */
export type Transpose = 'none' | 'a' | 'b'

/**
 * float32 C = op(A) · op(B) for n×n matrices, op the identity or the transpose. Each library is
 * asked for the transpose its own way (@gd and TF.js by flags, jax-js by `.transpose()` in a jitted
 * function), so none pays for a separate copy unless it makes one itself.
 */
export function matmulWorkload(n: number, t: Transpose): Workload {
  const a = randomData(1, [n, n])
  const b = randomData(2, [n, n])
  const ta = t === 'a'
  const tb = t === 'b'
  return {
    name: `matmul ${n}${t === 'none' ? '' : ` ᵀ${t.toUpperCase()}`}`,
    description: `float32 [${n},${n}] x [${n},${n}]${t === 'none' ? '' : `, operand ${t.toUpperCase()} transposed`}`,
    flops: 2 * n ** 3,
    contenders: [
      gdContender(() => {
        const A = tensor(a, { shape: [n, n] })
        const B = tensor(b, { shape: [n, n] })
        const run = () => matmul(A, B, { transposeA: ta, transposeB: tb })
        return { step: () => void run(), check: async () => checksum(run().data) }
      }),
      ...tfContenders(() => {
        const A = tf.tensor2d(a, [n, n])
        const B = tf.tensor2d(b, [n, n])
        const check = () => tf.tidy(() => checksum(tf.matMul(A, B, ta, tb).dataSync()))
        return { step: () => tf.matMul(A, B, ta, tb).dispose(), check, keep: [A, B] }
      }),
      jaxContender(() => {
        const A = np.array(a).reshape([n, n])
        const B = np.array(b).reshape([n, n])
        const f = jit((x: np.Array, y: np.Array) => np.matmul(ta ? x.transpose() : x, tb ? y.transpose() : y))
        return {
          step: async () => {
            const c = f(A.ref, B.ref)
            await c.blockUntilReady()
            c.dispose()
          },
          check: async () => {
            const c = f(A.ref, B.ref)
            return checksum(await c.data())
          },
          dispose: () => {
            A.dispose()
            B.dispose()
            f.dispose()
          },
        }
      }),
    ],
  }
}
