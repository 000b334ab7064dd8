import * as tf from '@tensorflow/tfjs'
import { numpy as np, valueAndGrad as jaxValueAndGrad } from '@jax-js/jax'
import * as AG from '@gd/autograd'
import { tensor } from '@gd/tensor'
import type { Workload } from '../harness.js'
import { gdContender, jaxContender, tfContenders } from '../peers.js'

const WIDTH = 4

/**
 * Value and gradient of a graph of about `ops` tiny ops: h ← tanh(h · w + 0.1) repeated (three ops a
 * round) on 4-element vectors, then a sum (`ops` = 3·rounds + 1). The arithmetic is negligible, so this measures what each
 * library spends per recorded op and per backward rule. jax-js runs eagerly (its tape, not `jit`);
 * an eager jax-js step takes seconds, so its contender carries a time budget (see {@link Prepared}).
 */
export function autogradOverheadWorkload(ops: number): Workload {
  const rounds = Math.round((ops - 1) / 3)
  const w0 = Float32Array.from({ length: WIDTH }, (_, i) => 0.5 + 0.1 * i)
  const x0 = Float32Array.from({ length: WIDTH }, (_, i) => 0.1 * (i + 1))
  return {
    name: `autograd ${rounds * 3 + 1} ops`,
    description: `valueAndGrad of ${rounds} rounds of h ← tanh(h·w + 0.1) on ${WIDTH}-vectors, then a sum (${rounds * 3 + 1} ops)`,
    contenders: [
      gdContender(() => {
        const W = tensor(w0)
        const X = tensor(x0)
        const f = AG.valueAndGrad((w: AG.Var) => {
          let h: AG.Input = X
          for (let i = 0; i < rounds; i++) h = AG.tanh(AG.add(AG.mul(h, w), 0.1))
          return AG.sum(h)
        })
        return { step: () => void f(W), check: async () => f(W)[0].item() }
      }),
      ...tfContenders(() => {
        const W = tf.tensor1d(w0)
        const X = tf.tensor1d(x0)
        const f = tf.valueAndGrad((w: tf.Tensor) => {
          let h: tf.Tensor = X
          for (let i = 0; i < rounds; i++) h = tf.tanh(tf.add(tf.mul(h, w), 0.1))
          return tf.sum(h)
        })
        return {
          step: () => tf.tidy(() => void f(W)),
          check: () => tf.tidy(() => f(W).value.dataSync()[0]!),
          keep: [W, X],
        }
      }),
      jaxContender(() => {
        const budgetMs = 3000
        const W = np.array(w0)
        const X = np.array(x0)
        const chain = (n: number) =>
          jaxValueAndGrad((w: np.Array, x: np.Array) => {
            let h = x
            for (let i = 0; i < n; i++) h = np.tanh(h.mul(w.ref).add(0.1))
            w.dispose()
            return h.sum()
          })
        const f = chain(rounds)
        const run = async (g = f) => {
          const [value, grad] = g(W.ref, X.ref)
          await grad.blockUntilReady()
          grad.dispose()
          return value
        }
        // jax-js's eager tape grows fast with the graph: a full step can take minutes and exhaust the
        // heap. Time a tenth of the graph first and refuse when the whole would blow the budget.
        let probed = false
        const probe = async () => {
          const tenth = Math.max(1, Math.round(rounds / 10))
          const start = performance.now()
          ;(await run(chain(tenth))).dispose()
          const ms = (performance.now() - start) * (rounds / tenth)
          if (ms > budgetMs) {
            throw new Error(
              `a step of ${tenth * 3 + 1} ops took ${((ms * tenth) / rounds / 1000).toFixed(1)} s, so the full step would take about ${(ms / 1000).toFixed(0)} s, over its ${budgetMs / 1000} s budget`,
            )
          }
          probed = true
        }
        return {
          step: async () => {
            if (!probed) await probe()
            ;(await run()).dispose()
          },
          budgetMs,
          // the harness asks for the answer before the first step: probe first there too
          check: async () => {
            if (!probed) await probe()
            return (await (await run()).data())[0]!
          },
          dispose: () => {
            W.dispose()
            X.dispose()
          },
        }
      }),
    ],
  }
}
