import * as tf from '@tensorflow/tfjs'
import { jit, nn as jnn, numpy as np, tree, valueAndGrad as jaxValueAndGrad } from '@jax-js/jax'
import * as AG from '@gd/autograd'
import { softmaxCrossEntropy } from '@gd/losses'
import { gru, linear, lstm, type RecurrentParams } from '@gd/nn'
import { adam, stepInPlace } from '@gd/optimizers'
import { tensor, toWasmMemory, type Tensor, type Tree } from '@gd/tensor'
import type { Workload } from '../harness.js'
import { gdContender, jaxContender, minimizeStep, tfContenders } from '../peers.js'
import { randomData, randomLabels } from './data.js'
import { ADAM, jaxAdamLeaf, jaxAdamRunner } from './jaxAdam.js'

/** The sizes of a recurrent classifier step. */
export interface RecurrentSizes {
  batch: number
  time: number
  input: number
  hidden: number
  classes: number
}

type Kind = 'lstm' | 'gru'

/**
 * One training step of a sequence classifier: a recurrent layer over [batch, time, input], a dense
 * head on its final state, softmax cross-entropy, Adam. Every library starts from @gd's initial
 * weights.
 *
 * - LSTM: TF.js runs its own `tf.layers.lstm` (with a sigmoid recurrent activation; its single bias
 *   is @gd's two summed), whose equations and gate order (i, f, g, o) are PyTorch's and @gd's, so
 *   all four agree on the loss.
 * - GRU: @gd's (and PyTorch's) GRU applies the reset gate after the recurrent product,
 *   n = tanh(x·Wn + bn + r ⊙ (h·Un + cn)); TF.js's `tf.layers.gru` supports only Keras's
 *   `reset_after: false` form, n = tanh(x·Wn + (r ⊙ h)·Un + bn), which costs the same but gives
 *   another loss, so its check is left out. jax-js has no layers; its LSTM and GRU are written out
 *   with the same equations as @gd's, in one `jit` of the whole step.
 */
export function recurrentWorkload(kind: Kind, s: RecurrentSizes): Workload {
  const cell = (kind === 'lstm' ? lstm : gru)(s.input, s.hidden)
  const head = linear(s.hidden, s.classes)
  // the layers type their parameters as Tensor | Var; init gives tensors
  const init = { rnn: cell.init(1), head: head.init(2) } as unknown as {
    rnn: Record<'wx' | 'wh' | 'bx' | 'bh', Tensor>
    head: { w: Tensor; b: Tensor }
  }
  const x = randomData(3, [s.batch, s.time, s.input])
  const labels = randomLabels(4, s.batch, s.classes)
  const gates = kind === 'lstm' ? 4 : 3
  const H = s.hidden
  const name = `${kind} b${s.batch} t${s.time} ${s.input}→${H}`
  return {
    name,
    description: `training step of a ${kind.toUpperCase()} (${s.input} → ${H}, ${s.time} steps, batch ${s.batch}), dense head on the final state, softmax cross-entropy, Adam`,
    contenders: [
      gdContender(() => {
        // a fresh copy this contender owns (the fused update writes into it), in Wasm memory as
        // toWasmMemory's TSDoc recommends
        const own = toWasmMemory({ rnn: { ...init.rnn }, head: { ...init.head } } as unknown as Tree)
        const opt = adam({ learningRate: ADAM.learningRate })
        let state = opt.init(own)
        // the inputs too, made once as the peers make theirs in their own kernels' memory
        const X = toWasmMemory(tensor(x, { shape: [s.batch, s.time, s.input] }))
        const Y = tensor(labels, { dtype: 'int32' })
        const lossOf = AG.valueAndGrad((p: { rnn: RecurrentParams; head: { w: AG.Var; b: AG.Var } }) => {
          const { state: last } = cell.run(p.rnn, X)
          const h = kind === 'lstm' ? (last as { h: AG.Var }).h : (last as AG.Var)
          return softmaxCrossEntropy(head.apply(p.head, h), Y)
        })
        const run = () => {
          const [loss, grads] = lossOf(own as never)
          state = stepInPlace(opt, grads as unknown as Tree, state, own)
          return loss
        }
        return { step: () => void run(), check: async () => run().item() }
      }),
      ...tfContenders(() => {
        const model = tf.sequential({
          layers: [
            kind === 'lstm'
              ? tf.layers.lstm({ units: H, recurrentActivation: 'sigmoid', inputShape: [s.time, s.input] })
              : tf.layers.gru({ units: H, recurrentActivation: 'sigmoid', inputShape: [s.time, s.input] }),
            tf.layers.dense({ units: s.classes }),
          ],
        })
        const { wx, wh, bx, bh } = init.rnn
        const bias = Float32Array.from(bx.data, (v, i) => v + bh.data[i]!)
        const tfGates = kind === 'gru' ? gruToKeras : (w: Float32Array) => w
        model.setWeights([
          tf.tensor(tfGates(Float32Array.from(wx.data), H), [s.input, gates * H]),
          tf.tensor(tfGates(Float32Array.from(wh.data), H), [H, gates * H]),
          tf.tensor1d(tfGates(bias, H)),
          tf.tensor(Float32Array.from(init.head.w.data), [H, s.classes]),
          tf.tensor1d(Float32Array.from(init.head.b.data)),
        ])
        const X = tf.tensor(x, [s.batch, s.time, s.input])
        const Y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), s.classes))
        const optimizer = tf.train.adam(ADAM.learningRate, ADAM.beta1, ADAM.beta2, ADAM.eps)
        const loss = () =>
          tf.losses.softmaxCrossEntropy(Y, model.apply(X, { training: true }) as tf.Tensor) as tf.Scalar
        const run = () =>
          optimizer.minimize(
            loss,
            true,
            model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val),
          )!
        return {
          ...(kind === 'lstm' ? minimizeStep(run) : { step: minimizeStep(run).step }),
          keep: [X, Y, ...model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val)],
          optimizer,
        }
      }),
      jaxContender(() => {
        type P = { wx: np.Array; wh: np.Array; bx: np.Array; bh: np.Array; w: np.Array; b: np.Array }
        const leaves = { ...init.rnn, w: init.head.w, b: init.head.b } as Record<keyof P, Tensor>
        const names = Object.keys(leaves) as (keyof P)[]
        const arrays = (f: (t: Tensor) => np.Array) => Object.fromEntries(names.map((k) => [k, f(leaves[k])])) as P
        const params = arrays((t) => np.array(Float32Array.from(t.data)).reshape([...t.shape]))
        const m = arrays((t) => np.zeros([...t.shape]))
        const v = arrays((t) => np.zeros([...t.shape]))
        const X = np.array(x).reshape([s.batch, s.time, s.input])
        const Y = jnn.oneHot(np.array(labels, { dtype: np.int32 }), s.classes)
        const lossFn = (p: P, xs: np.Array, ys: np.Array): np.Array => {
          // every input step's projection at once, then the recurrence; jax-js consumes arrays, so
          // each reuse takes a .ref
          const projected = np.matmul(xs, p.wx).add(p.bx)
          let h = np.zeros([s.batch, H])
          let c = np.zeros([s.batch, H])
          for (let t = 0; t < s.time; t++) {
            const xt = projected.ref.slice([], t)
            const ht = np.matmul(h.ref, p.wh.ref).add(p.bh.ref)
            if (kind === 'lstm') {
              const z = xt.add(ht)
              const [i, f, g, o] = [0, 1, 2, 3].map((k) => z.ref.slice([], [k * H, (k + 1) * H]))
              z.dispose()
              c = jnn
                .sigmoid(f!)
                .mul(c)
                .add(jnn.sigmoid(i!).mul(np.tanh(g!)))
              h.dispose()
              h = jnn.sigmoid(o!).mul(np.tanh(c.ref))
            } else {
              const [xr, xz, xn] = [0, 1, 2].map((k) => xt.ref.slice([], [k * H, (k + 1) * H]))
              const [hr, hz, hn] = [0, 1, 2].map((k) => ht.ref.slice([], [k * H, (k + 1) * H]))
              xt.dispose()
              ht.dispose()
              const r = jnn.sigmoid(xr!.add(hr!))
              const z = jnn.sigmoid(xz!.add(hz!))
              const n = np.tanh(xn!.add(r.mul(hn!)))
              h = z.ref.mul(h).add(np.subtract(1, z).mul(n)) // (1 − z)·n + z·h
            }
          }
          projected.dispose()
          c.dispose()
          p.wh.dispose()
          p.bh.dispose()
          const logits = np.matmul(h, p.w).add(p.b)
          return jnn.logSoftmax(logits).mul(ys).sum(1).mean().neg()
        }
        const trainStep = jit((p: P, ms: P, vs: P, xs: np.Array, ys: np.Array, c1: np.Array, c2: np.Array) => {
          const [loss, g] = jaxValueAndGrad(lossFn)(tree.ref(p), xs, ys)
          const next = names.map((k) => jaxAdamLeaf(p[k], g[k], ms[k], vs[k], c1, c2))
          c1.dispose()
          c2.dispose()
          const pick = (j: number) => Object.fromEntries(names.map((k, i) => [k, next[i]![j]!])) as P
          return [pick(0), pick(1), pick(2), loss] as [P, P, P, np.Array]
        })
        return jaxAdamRunner(trainStep, { params, m, v }, X, Y)
      }),
    ],
  }
}

/**
 * A GRU weight or bias with gate blocks in @gd's (PyTorch's) order r, z, n, reordered to Keras's z, r, h
 * along the last axis of `hidden`-wide blocks.
 */
function gruToKeras(w: Float32Array, hidden: number): Float32Array {
  const width = 3 * hidden
  const out = new Float32Array(w.length)
  for (let row = 0; row < w.length / width; row++) {
    const base = row * width
    out.set(w.subarray(base + hidden, base + 2 * hidden), base) // z
    out.set(w.subarray(base, base + hidden), base + hidden) // r
    out.set(w.subarray(base + 2 * hidden, base + 3 * hidden), base + 2 * hidden) // n → h
  }
  return out
}
