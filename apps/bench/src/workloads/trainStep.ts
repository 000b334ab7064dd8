import * as tf from '@tensorflow/tfjs'
import { jit, nn as jnn, numpy as np, tree, valueAndGrad as jaxValueAndGrad } from '@jax-js/jax'
import { softmaxCrossEntropy } from '@gd/losses'
import type { Layer } from '@gd/nn'
import { adam } from '@gd/optimizers'
import { tensor, toWasmMemory, type Tensor, type Tree } from '@gd/tensor'
import { trainStep } from '@gd/train'
import type { Contender } from '../harness.js'
import { gdContender, jaxContender, minimizeStep, tfContenders } from '../peers.js'
import { ADAM, jaxAdamLeaf, jaxAdamRunner } from './jaxAdam.js'

/** One layer's initial weights, taken from @gd's init so that every library starts alike. */
export interface Weights {
  w: Float32Array
  wShape: number[]
  b: Float32Array
}

/** The weighted layers of a @gd model's initial parameters, in order. */
export function weightsOf(model: Layer<unknown[]>, seed: number): Weights[] {
  const init = model.init(seed) as { w?: Tensor; b?: Tensor }[]
  return init
    .filter((p) => p.w !== undefined && p.b !== undefined)
    .map((p) => ({ w: Float32Array.from(p.w!.data), wShape: [...p.w!.shape], b: Float32Array.from(p.b!.data) }))
}

/** A classifier training step: inputs, labels, and the three libraries' forward passes. */
export interface TrainSpec {
  model: Layer<unknown[]>
  seed: number
  x: Float32Array
  xShape: number[]
  labels: Int32Array
  classes: number
  /** TF.js logits from its inputs and variables [w0, b0, w1, b1, ...] (made by `tfWeights`). */
  tfForward: (x: tf.Tensor, vars: tf.Variable[]) => tf.Tensor
  /** TF.js inputs and weights in TF's layout, from the shared data. */
  tfInput?: (x: tf.Tensor) => tf.Tensor
  tfWeight?: (w: Weights, layer: number) => tf.Tensor
  /** jax-js logits; consumes its arguments (jax-js's ownership rule). */
  jaxForward: (p: { w: np.Array; b: np.Array }[], x: np.Array) => np.Array
}

/**
 * The four contenders of a training step: forward, softmax cross-entropy from logits, backward and
 * an Adam update, each the fastest way a user of that library would write it (@gd: `trainStep`,
 * `valueAndGrad` and the fused `stepInPlace` in one scope, compiled (recorded once and replayed, as jax-js's step is
 * jitted; `GD_COMPILE=0` runs it uncompiled), parameters and inputs placed with `toWasmMemory`; TF.js:
 * `optimizer.minimize`; jax-js: one `jit` of the whole step).
 */
export function trainStepContenders(s: TrainSpec): Contender[] {
  const weights = weightsOf(s.model, s.seed)
  return [
    gdContender(() => {
      // Fresh parameters this loop owns, so the fused in-place update may write into them, placed in
      // Wasm memory as toWasmMemory's TSDoc recommends (every kernel reads them in place)
      const params = toWasmMemory(s.model.init(s.seed) as unknown as Tree) as unknown as unknown[]
      const opt = adam({ learningRate: ADAM.learningRate })
      let state = opt.init(params as unknown as Tree)
      // the inputs too, made once as the peers make theirs in their own kernels' memory (jax-js's wasm device,
      // TF.js's backend): every product then reads them in place instead of copying them in each step
      const X = toWasmMemory(tensor(s.x, { shape: s.xShape }))
      const Y = tensor(s.labels, { dtype: 'int32' })
      const step = trainStep(
        (p: unknown[], xs: Tensor, ys: Tensor) => softmaxCrossEntropy(s.model.apply(p, xs), ys),
        opt,
        { compile: process.env.GD_COMPILE !== '0' },
      )
      const run = () => {
        const [loss, next] = step(params, state, X, Y)
        state = next
        return loss
      }
      return { step: () => void run(), check: async () => run().item() }
    }),
    ...tfContenders(() => {
      // a variable shares its initial tensor's data and keeps it alive: the tensor itself is freed
      const variable = (start: tf.Tensor): tf.Variable => {
        const v = tf.variable(start)
        start.dispose()
        return v
      }
      const vars = weights.flatMap((w, i) => [
        variable(s.tfWeight?.(w, i) ?? tf.tensor(w.w, w.wShape)),
        variable(tf.tensor1d(w.b)),
      ])
      const X = tf.tidy(() => (s.tfInput ?? ((t: tf.Tensor) => t))(tf.tensor(s.x, s.xShape)))
      const Y = tf.tidy(() => tf.oneHot(tf.tensor1d(s.labels, 'int32'), s.classes))
      const optimizer = tf.train.adam(ADAM.learningRate, ADAM.beta1, ADAM.beta2, ADAM.eps)
      const loss = () => tf.losses.softmaxCrossEntropy(Y, s.tfForward(X, vars)) as tf.Scalar
      const run = () => optimizer.minimize(loss, true, vars)!
      return {
        ...minimizeStep(run),
        keep: [...vars, X, Y],
        optimizer,
      }
    }),
    jaxContender(() => {
      type P = { w: np.Array; b: np.Array }[]
      const params: P = weights.map((w) => ({ w: np.array(w.w).reshape(w.wShape), b: np.array(w.b) }))
      const m: P = weights.map((w) => ({ w: np.zeros(w.wShape), b: np.zeros([w.b.length]) }))
      const v: P = weights.map((w) => ({ w: np.zeros(w.wShape), b: np.zeros([w.b.length]) }))
      const X = np.array(s.x).reshape(s.xShape)
      const Y = jnn.oneHot(np.array(s.labels, { dtype: np.int32 }), s.classes)
      const lossFn = (p: P, xs: np.Array, ys: np.Array): np.Array =>
        jnn.logSoftmax(s.jaxForward(p, xs)).mul(ys).sum(1).mean().neg()
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
      return jaxAdamRunner(trainStep, { params, m, v }, X, Y)
    }),
  ]
}
