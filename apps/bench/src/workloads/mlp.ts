import * as tf from '@tensorflow/tfjs'
import { blockUntilReady, jit, nn as jnn, numpy as np, tree, valueAndGrad as jaxValueAndGrad } from '@jax-js/jax'
import * as AG from '@gd/autograd'
import { softmaxCrossEntropy } from '@gd/losses'
import { linear, relu, sequential } from '@gd/nn'
import { adam, stepInPlace } from '@gd/optimizers'
import { tensor, type Tensor, type Tree } from '@gd/tensor'
import type { Workload } from '../harness.js'
import { gdContender, jaxContender, tfContenders } from '../peers.js'
import { randomData, randomLabels } from './data.js'
import { ADAM, adamCorrections, jaxAdamLeaf } from './jaxAdam.js'

type Dense = { w: Float32Array; b: Float32Array; shape: [number, number] }

/**
 * One training step of an MLP (ReLU between dense layers, softmax cross-entropy from logits, Adam):
 * forward, backward and the parameter update. Every library starts from @gd's initial weights, so
 * their losses agree.
 */
export function mlpWorkload(sizes: readonly number[], batch: number): Workload {
  const layers = sizes.slice(1).flatMap((n, i) => (i === 0 ? [linear(sizes[0]!, n)] : [relu(), linear(sizes[i]!, n)]))
  const model = sequential(...layers)
  const init = model.init(0) as { w?: Tensor; b?: Tensor }[]
  const dense: Dense[] = init.filter((p) => p.w !== undefined).map((p) => ({
    w: Float32Array.from(p.w!.data),
    b: Float32Array.from(p.b!.data),
    shape: [p.w!.shape[0]!, p.w!.shape[1]!],
  }))
  const [inputs, classes] = [sizes[0]!, sizes[sizes.length - 1]!]
  const x = randomData(3, [batch, inputs])
  const y = randomLabels(4, batch, classes)
  return {
    name: `mlp ${sizes.join('-')} b${batch}`,
    description: `training step of an MLP ${sizes.join('-')} (ReLU, softmax cross-entropy, Adam) at batch ${batch}`,
    contenders: [
      gdContender(() => {
        // The parameters are fresh copies this loop owns, so the fused in-place update may write them.
        const params = model.init(0)
        const opt = adam({ learningRate: ADAM.learningRate })
        let state = opt.init(params as unknown as Tree)
        const X = tensor(x, { shape: [batch, inputs] })
        const Y = tensor(y, { dtype: 'int32' })
        const lossOf = AG.valueAndGrad((p: unknown[], xs: Tensor, ys: Tensor) => softmaxCrossEntropy(model.apply(p, xs), ys))
        const run = () => {
          const [loss, grads] = lossOf(params, X, Y)
          state = stepInPlace(opt, grads as unknown as Tree, state, params as unknown as Tree)
          return loss
        }
        return { step: () => void run(), check: async () => run().item() }
      }),
      ...tfContenders(() => {
        const vars = dense.flatMap((d) => [tf.variable(tf.tensor2d(d.w, d.shape)), tf.variable(tf.tensor1d(d.b))])
        const X = tf.tensor2d(x, [batch, inputs])
        const Y = tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), classes))
        const optimizer = tf.train.adam(ADAM.learningRate, ADAM.beta1, ADAM.beta2, ADAM.eps)
        const loss = () => {
          let h: tf.Tensor = X
          for (let i = 0; i < vars.length; i += 2) {
            h = tf.add(tf.matMul(h, vars[i]!), vars[i + 1]!)
            if (i + 2 < vars.length) h = tf.relu(h)
          }
          return tf.losses.softmaxCrossEntropy(Y, h) as tf.Scalar
        }
        const run = () => optimizer.minimize(loss, true, vars)!
        return {
          step: () => run().dispose(),
          check: () => {
            const l = run()
            const v = l.dataSync()[0]!
            l.dispose()
            return v
          },
          keep: [...vars, X, Y],
          optimizer,
        }
      }),
      jaxContender(() => {
        type P = { w: np.Array; b: np.Array }[]
        const fresh = () => dense.map((d) => ({ w: np.array(d.w).reshape(d.shape), b: np.array(d.b) }))
        const zeros = () => dense.map((d) => ({ w: np.zeros(d.shape), b: np.zeros([d.shape[1]]) }))
        let params: P = fresh()
        let m: P = zeros()
        let v: P = zeros()
        const X = np.array(x).reshape([batch, inputs])
        const Y = jnn.oneHot(np.array(y, { dtype: np.int32 }), classes)
        const lossFn = (p: P, xs: np.Array, ys: np.Array): np.Array => {
          let h = xs
          p.forEach((layer, i) => {
            h = np.matmul(h, layer.w).add(layer.b)
            if (i + 1 < p.length) h = jnn.relu(h)
          })
          return jnn.logSoftmax(h).mul(ys).sum(1).mean().neg()
        }
        const trainStep = jit((p: P, ms: P, vs: P, xs: np.Array, ys: np.Array, c1: np.Array, c2: np.Array) => {
          const [loss, g] = jaxValueAndGrad(lossFn)(tree.ref(p), xs, ys)
          const next = p.map((layer, i) => {
            const [w, mw, vw] = jaxAdamLeaf(layer.w, g[i]!.w, ms[i]!.w, vs[i]!.w, c1, c2)
            const [b, mb, vb] = jaxAdamLeaf(layer.b, g[i]!.b, ms[i]!.b, vs[i]!.b, c1, c2)
            return { p: { w, b }, m: { w: mw, b: mb }, v: { w: vw, b: vb } }
          })
          c1.dispose()
          c2.dispose()
          return [next.map((n) => n.p), next.map((n) => n.m), next.map((n) => n.v), loss] as [P, P, P, np.Array]
        })
        let t = 0
        const run = async () => {
          const [c1, c2] = adamCorrections(++t)
          const out = trainStep(params, m, v, X.ref, Y.ref, np.array(c1), np.array(c2))
          ;[params, m, v] = [out[0], out[1], out[2]]
          await blockUntilReady(out)
          return out[3]
        }
        return {
          step: async () => (await run()).dispose(),
          check: async () => (await (await run()).data())[0]!,
          dispose: () => {
            tree.dispose([params, m, v, X, Y])
            trainStep.dispose()
          },
        }
      }),
    ],
  }
}
