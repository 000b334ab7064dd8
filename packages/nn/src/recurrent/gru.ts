import { broadcastTo, type Var } from '@gd/autograd'
import * as T from '@gd/tensor'
import type { DType, Tensor } from '@gd/tensor'
import { boolean, positiveInteger, readOptions, withDefault } from '@gd/check'
import { gruCell } from './cells.js'
import { dense } from '../internal/dense.js'
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
export function gru(
  inputSize: number,
  hiddenSize: number,
  options?: RecurrentOptions,
): RecurrentLayer<Var, Tensor | Var> {
  positiveInteger('gru', 'inputSize', inputSize)
  positiveInteger('gru', 'hiddenSize', hiddenSize)
  const { bias } = readOptions('gru', options, { bias: withDefault(boolean, true) })
  const cell: Cell = { fn: 'gru', inputSize, hiddenSize, gates: 3, bias }
  const H = hiddenSize
  const checkState = (batch: number, dtype: DType) => (fn: string, key: string, value: unknown) =>
    checkArray(fn, key, value, [batch, hiddenSize], dtype, ' (batch, hidden)')
  return recurrentLayer(cell, `gru(${inputSize} → ${hiddenSize})`, false, checkState, (params, steps, state, zeros) => {
    let h: Var | Tensor = state ?? zeros()
    const hs: Var[] = []
    for (const p of steps) {
      // q = h·wh + bh; from the zero state it is bh alone (or zeros without biases)
      const fromZero = hs.length === 0 && state === undefined
      const batch = p.shape[0]!
      const q = fromZero
        ? params.bh === undefined
          ? T.zeros([batch, 3 * H], { dtype: p.dtype })
          : broadcastTo(params.bh, [batch, 3 * H])
        : dense(h, params.wh, params.bh)
      h = gruCell(p, q, h)
      hs.push(h)
    }
    return { hs, state: hs.at(-1) ?? unchanged('gru', state, zeros) }
  })
}
