import * as tf from '@tensorflow/tfjs'
import { jit, numpy as np, tree, valueAndGrad as jaxValueAndGrad } from '@jax-js/jax'
import * as AG from '@gd/autograd'
import { adam, adamw } from '@gd/optimizers'
import { tensor, toWasmMemory, type Tensor, type Tree } from '@gd/tensor'
import { trainStep } from '@gd/train'
import type { Contender } from '../harness.js'
import { gdContender, jaxContender, minimizeStep, tfContenders } from '../peers.js'
import { checksum } from './data.js'
import { ADAM, jaxAdamLeaf, jaxAdamRunner } from './jaxAdam.js'

/** Data of a workload, shared by every contender: float32 values, or int32 token ids. */
export interface Data {
  values: Float32Array | Int32Array
  shape: number[]
}

/**
 * A training step over named parameters: @gd's initial parameter tree, the data, and each library's
 * loss. TF.js and jax-js see the parameters as a flat record keyed by path ('norm1.gamma', '0.w'),
 * in the order of @gd's tree (`treeLeaves`).
 */
export interface NamedStepSpec<P> {
  /** @gd's initial parameters (each contender gets its own copy). */
  init: P
  x: Data
  y: Data
  /** @gd's loss; its gradient is taken with respect to the parameters. */
  gdLoss: (p: AG.MaybeTraced<P>, x: Tensor, y: Tensor) => AG.Var
  /** TF.js's loss from its variables (in TF's layout, see `tfLayout`) and its constants. */
  tfLoss: (p: Record<string, tf.Tensor>, x: tf.Tensor, y: tf.Tensor, constants: Record<string, tf.Tensor>) => tf.Scalar
  /** Constant tensors the TF.js loss uses (a mask), made once per backend and kept with the inputs. */
  tfConstants?: () => Record<string, tf.Tensor>
  /**
   * A parameter in TF.js's layout, from @gd's (default: as is), and a gradient back in @gd's layout
   * (for the checks). Both run once, untimed.
   */
  tfLayout?: { to: (name: string, t: tf.Tensor) => tf.Tensor; from: (name: string, g: tf.Tensor) => tf.Tensor }
  /** TF.js's inputs and targets, from the shared data (default: as they are; int32 stays int32). */
  tfData?: (x: tf.Tensor, y: tf.Tensor) => [tf.Tensor, tf.Tensor]
  /** jax-js's loss; consumes its arguments (jax-js's ownership rule) and may be given `.ref`s. */
  jaxLoss: (p: Record<string, np.Array>, x: np.Array, y: np.Array) => np.Array
  /**
   * AdamW's decoupled weight decay λ (θ ← θ − η(m̂/(√v̂ + ε) + λθ)); without it the step is Adam's.
   * @gd runs `adamw`, jax-js the same update in its `jit`, TF.js (which has no AdamW) its Adam after
   * scaling each variable by 1 − ηλ between computing the gradients and applying them.
   */
  weightDecay?: number
}

/** The leaves of @gd's parameter tree with their paths, in `treeLeaves` order. */
export function namedLeaves(t: unknown, prefix = ''): [string, Tensor][] {
  if (t !== null && typeof t === 'object' && !('shape' in t)) {
    return Object.entries(t).flatMap(([k, v]) => namedLeaves(v, prefix === '' ? k : `${prefix}.${k}`))
  }
  return [[prefix, t as Tensor]]
}

const gdTensor = (d: Data): Tensor =>
  d.values instanceof Int32Array
    ? tensor(d.values, { shape: d.shape, dtype: 'int32' })
    : tensor(d.values, { shape: d.shape })

const tfTensor = (d: Data): tf.Tensor =>
  d.values instanceof Int32Array ? tf.tensor(d.values, d.shape, 'int32') : tf.tensor(d.values, d.shape)

const jaxArray = (d: Data): np.Array =>
  (d.values instanceof Int32Array ? np.array(d.values, { dtype: np.int32 }) : np.array(d.values)).reshape(d.shape)

/**
 * The four contenders of a training step over named parameters (forward, loss, backward, Adam),
 * each written the fastest way its users would: @gd `trainStep` (`valueAndGrad` and the fused `stepInPlace`
 * in one scope, the gradients never leaving the kernels' memory; compiled: recorded once and replayed, as jax-js's
 * step is jitted; `GD_COMPILE=0` runs it uncompiled), its parameters placed in Wasm memory with `toWasmMemory`;
 * TF.js `optimizer.minimize` over its variables; jax-js one `jit` of the whole step. Every one
 * starts from @gd's initial weights, and besides the first step's loss (`check`) reports a
 * checksum of each parameter's gradient at those weights (`gradients`), for the tests.
 */
export function namedStepContenders<P>(s: NamedStepSpec<P>): Contender[] {
  const leaves = namedLeaves(s.init)
  const names = leaves.map(([k]) => k)
  return [
    gdContender(() => {
      // a fresh copy this contender owns (the fused update writes into it), placed in Wasm memory as
      // toWasmMemory's TSDoc recommends: every kernel and the update then read the parameters in place
      const own = toWasmMemory(s.init as unknown as Tree) as unknown as P
      const opt =
        s.weightDecay === undefined
          ? adam({ learningRate: ADAM.learningRate })
          : adamw({ learningRate: ADAM.learningRate, weightDecay: s.weightDecay })
      let state = opt.init(own as unknown as Tree)
      const X = gdTensor(s.x)
      const Y = gdTensor(s.y)
      const lossFn = (p: AG.MaybeTraced<P>, xs: Tensor, ys: Tensor) => s.gdLoss(p, xs, ys)
      const lossOf = AG.valueAndGrad(lossFn)
      const step = trainStep(lossFn, opt, { compile: process.env.GD_COMPILE !== '0' })
      const run = () => {
        const [loss, next] = step(own as never, state, X, Y)
        state = next
        return loss
      }
      return {
        step: () => void run(),
        check: async () => run().item(),
        gradients: async () => {
          const [, grads] = lossOf(own as never, X, Y)
          return namedLeaves(grads).map(([, g]) => checksum(g.data as Float32Array))
        },
      }
    }),
    ...tfContenders(() => {
      const to = s.tfLayout?.to ?? ((_: string, t: tf.Tensor) => t)
      const from = s.tfLayout?.from ?? ((_: string, g: tf.Tensor) => g)
      const variable = (k: string, t: Tensor): tf.Variable => {
        const start = tf.tidy(() => to(k, tf.tensor(Float32Array.from(t.data), [...t.shape])))
        const v = tf.variable(start) // shares start's data, which the variable keeps alive
        start.dispose()
        return v
      }
      const vars = Object.fromEntries(leaves.map(([k, t]) => [k, variable(k, t)])) as Record<string, tf.Variable>
      const [X, Y] = tf.tidy(() => (s.tfData ?? ((a: tf.Tensor, b: tf.Tensor) => [a, b]))(tfTensor(s.x), tfTensor(s.y)))
      const constants = tf.tidy(() => s.tfConstants?.() ?? {})
      const optimizer = tf.train.adam(ADAM.learningRate, ADAM.beta1, ADAM.beta2, ADAM.eps)
      const list = names.map((k) => vars[k]!)
      const loss = () => s.tfLoss(vars, X!, Y!, constants)
      const decay = 1 - ADAM.learningRate * (s.weightDecay ?? 0)
      const run = (): tf.Scalar => {
        if (s.weightDecay === undefined) return optimizer.minimize(loss, true, list)!
        // AdamW: the gradients at θ, then θ·(1 − ηλ), then Adam's step (as PyTorch's AdamW orders it)
        const { value, grads } = optimizer.computeGradients(loss, list)
        tf.tidy(() => list.forEach((v) => v.assign(tf.mul(v, decay))))
        ;(optimizer as tf.Optimizer).applyGradients(grads) // Adam's own signature names variables; the base class takes tensors, as minimize passes them
        tf.dispose(grads)
        return value
      }
      return {
        ...minimizeStep(run),
        gradients: () =>
          tf.tidy(() => {
            const f = (...ws: tf.Tensor[]) =>
              s.tfLoss(Object.fromEntries(names.map((k, i) => [k, ws[i]!])), X!, Y!, constants)
            const grads = tf.grads(f)(list)
            return grads.map((g, i) => checksum(from(names[i]!, g).dataSync() as Float32Array))
          }),
        keep: [...list, X!, Y!, ...Object.values(constants)],
        optimizer,
      }
    }),
    jaxContender(() => {
      type P = Record<string, np.Array>
      const arrays = (f: (t: Tensor) => np.Array) => Object.fromEntries(leaves.map(([k, t]) => [k, f(t)])) as P
      const params = arrays((t) => np.array(Float32Array.from(t.data)).reshape([...t.shape]))
      const m = arrays((t) => np.zeros([...t.shape]))
      const v = arrays((t) => np.zeros([...t.shape]))
      const X = jaxArray(s.x)
      const Y = jaxArray(s.y)
      const trainStep = jit((p: P, ms: P, vs: P, xs: np.Array, ys: np.Array, c1: np.Array, c2: np.Array) => {
        const [loss, g] = jaxValueAndGrad(s.jaxLoss)(tree.ref(p), xs, ys)
        const next = names.map((k) => jaxAdamLeaf(p[k]!, g[k]!, ms[k]!, vs[k]!, c1, c2, s.weightDecay))
        c1.dispose()
        c2.dispose()
        const pick = (j: number) => Object.fromEntries(names.map((k, i) => [k, next[i]![j]!])) as P
        return [pick(0), pick(1), pick(2), loss] as [P, P, P, np.Array]
      })
      const runner = jaxAdamRunner(trainStep, { params, m, v }, X, Y)
      return {
        ...runner,
        gradients: async () => {
          // eager (no jit), untimed, on fresh copies of the start weights (which it consumes), so
          // that it can be called at any point of the run; `data()` consumes each gradient
          const start = arrays((t) => np.array(Float32Array.from(t.data)).reshape([...t.shape]))
          const [loss, g] = jaxValueAndGrad(s.jaxLoss)(start, X.ref, Y.ref)
          loss.dispose()
          const out: number[] = []
          for (const k of names) out.push(checksum((await g[k]!.data()) as Float32Array))
          return out
        },
      }
    }),
  ]
}
