import * as tf from '@tensorflow/tfjs'
import { jit, numpy as np } from '@jax-js/jax'
import { adam, sgd, stepInPlace, type Optimizer } from '@gd/optimizers'
import { tensor, toWasmMemory, type Tree } from '@gd/tensor'
import type { Workload } from '../harness.js'
import { gdContender, jaxContender, tfContenders } from '../peers.js'
import { checksum, randomData } from './data.js'
import { ADAM, adamCorrections, jaxAdamLeaf } from './jaxAdam.js'

/** The optimizers measured, with the float32 bytes each element moves per step. */
export const UPDATES = {
  // reads θ, g, m, v and writes θ, m, v: 7 × 4 bytes
  adam: { bytesPerElement: 28, label: 'adam' },
  // reads θ, g, buf and writes θ, buf: 5 × 4 bytes
  sgd: { bytesPerElement: 20, label: 'sgd-momentum' },
} as const

const MOMENTUM = 0.9
const SGD_LR = 1e-2

/** `n` with a metric suffix: 1M, 10M, 100k. */
export function count(n: number): string {
  return n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : `${n}`
}

/**
 * One optimizer update of n float32 parameters in one leaf, with a fixed gradient: reported as time
 * and as effective bandwidth (bytes the update must move / time). @gd uses the fused in-place
 * `stepInPlace` with parameters and gradient placed in Wasm memory by `toWasmMemory` (its state goes
 * there by itself), as the peers keep theirs in their own Wasm memory; TF.js `applyGradients` on a
 * variable; jax-js a jitted update returning new arrays.
 */
export function optimizerUpdateWorkload(kind: keyof typeof UPDATES, n: number): Workload {
  const p0 = randomData(7, [n])
  const g0 = randomData(8, [n], 0.01)
  const { bytesPerElement, label } = UPDATES[kind]
  const gdOptimizer = (): Optimizer<any> =>
    kind === 'adam' ? adam({ learningRate: ADAM.learningRate }) : sgd({ learningRate: SGD_LR, momentum: MOMENTUM })
  return {
    name: `${label} ${count(n)}`,
    description: `${label} update of ${count(n)} float32 parameters (${bytesPerElement} bytes per element)`,
    bytes: n * bytesPerElement,
    contenders: [
      gdContender(() => {
        const params = toWasmMemory({ w: tensor(Float32Array.from(p0)) })
        const grads = toWasmMemory({ w: tensor(g0) })
        const opt = gdOptimizer()
        let state = opt.init(params as Tree)
        const step = () => {
          state = stepInPlace(opt, grads, state, params)
        }
        return { step, check: async () => (step(), checksum(params.w.data)) }
      }),
      ...tfContenders(() => {
        const w = tf.variable(tf.tensor1d(p0))
        const g = tf.tensor1d(g0)
        const optimizer =
          kind === 'adam'
            ? tf.train.adam(ADAM.learningRate, ADAM.beta1, ADAM.beta2, ADAM.eps)
            : tf.train.momentum(SGD_LR, MOMENTUM)
        const step = () => optimizer.applyGradients([{ name: w.name, tensor: g }])
        return { step, check: () => (step(), checksum(w.dataSync())), keep: [w, g], optimizer }
      }),
      jaxContender(() => {
        let p = np.array(p0)
        let m = np.zeros([n])
        let v = np.zeros([n])
        const g = np.array(g0)
        const adamStep = jit((pp: np.Array, gg: np.Array, mm: np.Array, vv: np.Array, c1: np.Array, c2: np.Array) => {
          const out = jaxAdamLeaf(pp, gg, mm, vv, c1, c2)
          c1.dispose()
          c2.dispose()
          return out
        })
        const sgdStep = jit((pp: np.Array, gg: np.Array, buf: np.Array) => {
          const b = buf.mul(MOMENTUM).add(gg)
          return [pp.sub(b.ref.mul(SGD_LR)), b] as [np.Array, np.Array]
        })
        let t = 0
        const step = async () => {
          if (kind === 'adam') {
            const [c1, c2] = adamCorrections(++t)
            ;[p, m, v] = adamStep(p, g.ref, m, v, np.array(c1), np.array(c2))
          } else {
            ;[p, m] = sgdStep(p, g.ref, m)
          }
          await p.blockUntilReady()
        }
        return {
          step,
          check: async () => (await step(), checksum(await p.ref.data())),
          dispose: () => {
            for (const a of [p, m, v, g]) a.dispose()
            adamStep.dispose()
            sgdStep.dispose()
          },
        }
      }),
    ],
  }
}
