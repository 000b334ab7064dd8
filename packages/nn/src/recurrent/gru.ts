import { add, matmul, mul, sigmoid, slice, sub, tanh, type Var } from '@gd/autograd'
import type { DType, Tensor } from '@gd/tensor'
import { boolean, positiveInteger, readOptions, withDefault } from '@gd/check'
import { checkArray, recurrentLayer, unchanged, type Cell, type RecurrentLayer } from './core.js'

/**
 * Options of {@link gru} and {@link lstm}.
 * @example
 * ```ts
 * import { gru, type RecurrentOptions } from '@gd/nn'
 * const options: RecurrentOptions = { bias: false }
 * gru(3, 4, options).init(0).bx // undefined
 * ```
 */
export interface RecurrentOptions {
  /** Learn the biases bx and bh. Default true. */
  bias?: boolean
}

/**
 * A gated recurrent unit layer (Cho et al., 2014) over batch-first sequences, with PyTorch's
 * `nn.GRU` equations and gate order r, z, n (the columns of wx, wh, bx, bh in three blocks):
 *
 *   r_t = σ(x_t·wx_r + bx_r + h_{t−1}·wh_r + bh_r)
 *   z_t = σ(x_t·wx_z + bx_z + h_{t−1}·wh_z + bh_z)
 *   n_t = tanh(x_t·wx_n + bx_n + r_t ⊙ (h_{t−1}·wh_n + bh_n))
 *   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
 *
 * with h_0 = 0 or the state given to `run`. `apply(params, x)` takes x of shape
 * [batch, time, inputSize] and returns every h_t, [batch, time, hiddenSize], so the layer composes
 * in {@link sequential}; `run(params, x, { state })` starts from `state` (h_0, [batch, hiddenSize])
 * and returns `{ output, state }` with `state` = h_T. Gradients flow back through time (and into
 * the initial state); to cut them between chunks of a long sequence, pass `stopGradient(state)`.
 * The parameters ({@link RecurrentParams}, three gates) start U(−1/√hidden, 1/√hidden), as PyTorch's.
 *
 * @see https://arxiv.org/abs/1406.1078
 * @throws Error for sizes that are not positive integers; when applied, for x not of shape
 * [batch, time, inputSize], parameters of the wrong shapes, or a state not of shape [batch, hiddenSize].
 * @example
 * ```ts
 * import { gru } from '@gd/nn'
 * import { ones } from '@gd/tensor'
 * const layer = gru(3, 4)
 * const params = layer.init(0)
 * const first = layer.run(params, ones([2, 5, 3]))
 * // carry on from where the first chunk ended
 * const second = layer.run(params, ones([2, 5, 3]), { state: first.state })
 * second.output.shape // [2, 5, 4]
 * ```
 */
export function gru(inputSize: number, hiddenSize: number, options?: RecurrentOptions): RecurrentLayer<Var, Tensor | Var> {
  positiveInteger('gru', 'inputSize', inputSize)
  positiveInteger('gru', 'hiddenSize', hiddenSize)
  const { bias } = readOptions('gru', options, { bias: withDefault(boolean, true) })
  const cell: Cell = { fn: 'gru', inputSize, hiddenSize, gates: 3, bias }
  const H = hiddenSize
  const checkState = (batch: number, dtype: DType) => (fn: string, key: string, value: unknown) =>
    checkArray(fn, key, value, [batch, hiddenSize], dtype, ' (batch, hidden)')
  return recurrentLayer(cell, `gru(${inputSize} → ${hiddenSize})`, false, checkState, (params, steps, state, zeros) => {
    let h: Var | Tensor | undefined = state
    const hs: Var[] = []
    for (const p of steps) {
      const batch = p.shape[0]!
      // gate blocks of a [batch, k·H] step or of a [k·H] bias
      const part = (v: Var | Tensor, gate: number, gates = 1) =>
        v.rank === 1 ? slice(v, [gate * H], [gates * H]) : slice(v, [0, gate * H], [batch, gates * H])
      // h·wh + bh; from a zero state it is bh alone (or nothing without biases)
      const qv = h === undefined ? params.bh : params.bh === undefined ? matmul(h, params.wh) : add(matmul(h, params.wh), params.bh)
      // r and z in one sigmoid over their two blocks
      const rz = sigmoid(qv === undefined ? part(p, 0, 2) : add(part(p, 0, 2), part(qv, 0, 2)))
      const r = part(rz, 0)
      const z = part(rz, 1)
      const n = tanh(qv === undefined ? part(p, 2) : add(part(p, 2), mul(r, part(qv, 2))))
      // h_t = n + z ⊙ (h − n)
      const next = h === undefined ? sub(n, mul(z, n)) : add(n, mul(z, sub(h, n)))
      hs.push(next)
      h = next
    }
    return { hs, state: hs.at(-1) ?? unchanged('gru', state, zeros) }
  })
}
