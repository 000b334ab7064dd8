import { add, matmul, reshape, slice, type Var } from '@gd/autograd'
import type { DType, Tensor } from '@gd/tensor'
import { boolean, fail, isPlainObject, positiveInteger, readOptions, withDefault } from '@gd/check'
import { lstmCell } from './cells.js'
import { checkArray, recurrentLayer, unchanged, type Cell, type RecurrentLayer } from './core.js'
import type { RecurrentOptions } from './gru.js'

/**
 * The state of an {@link lstm} layer: the hidden state h and the cell state c, each
 * [batch, hiddenSize]. `run` accepts tensors or traced values and returns traced values (`LstmState<Var>`).
 * @example
 * ```ts
 * import { lstm, type LstmState } from '@gd/nn'
 * import { ones, zeros } from '@gd/tensor'
 * const state: LstmState = { h: zeros([2, 4]), c: zeros([2, 4]) }
 * const layer = lstm(3, 4)
 * layer.run(layer.init(0), ones([2, 5, 3]), { state }).state.c.shape // [2, 4]
 * ```
 */
export interface LstmState<V = Tensor | Var> {
  h: V
  c: V
}

/**
 * A long short-term memory layer (Hochreiter & Schmidhuber, 1997) over batch-first sequences, with
 * PyTorch's `nn.LSTM` equations and gate order i, f, g, o (the columns of wx, wh, bx, bh in four blocks):
 *
 *   i_t = σ(x_t·wx_i + bx_i + h_{t−1}·wh_i + bh_i)    f_t = σ(… f …)
 *   g_t = tanh(x_t·wx_g + bx_g + h_{t−1}·wh_g + bh_g)  o_t = σ(… o …)
 *   c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
 *   h_t = o_t ⊙ tanh(c_t)
 *
 * with h_0 = c_0 = 0 or the state given to `run`. `apply(params, x)` takes x of shape
 * [batch, time, inputSize] and returns every h_t, [batch, time, hiddenSize], so the layer composes
 * in {@link sequential}; `run(params, x, { state: { h, c } })` starts from that state (each
 * [batch, hiddenSize]) and returns `{ output, state: { h: h_T, c: c_T } }`. Gradients flow back
 * through time (and into the initial state); to cut them between chunks of a long sequence, pass
 * `{ h: stopGradient(state.h), c: stopGradient(state.c) }`. The parameters ({@link RecurrentParams},
 * four gates) start U(−1/√hidden, 1/√hidden), as PyTorch's (which also starts the forget bias near 0).
 *
 * @see https://doi.org/10.1162/neco.1997.9.8.1735
 * @throws Error for sizes that are not positive integers; when applied, for x not of shape
 * [batch, time, inputSize], parameters of the wrong shapes, or a state that is not { h, c } of
 * shape [batch, hiddenSize] each.
 * @example
 * ```ts
 * import { lstm } from '@gd/nn'
 * import { ones } from '@gd/tensor'
 * const layer = lstm(3, 4)
 * const params = layer.init(0)
 * const { output, state } = layer.run(params, ones([2, 5, 3]))
 * output.shape // [2, 5, 4]
 * state.h.shape // [2, 4]: output's last step
 * layer.run(params, ones([2, 5, 3]), { state }).state.c.shape // [2, 4]
 * ```
 */
export function lstm(
  inputSize: number,
  hiddenSize: number,
  options?: RecurrentOptions,
): RecurrentLayer<LstmState<Var>, LstmState> {
  positiveInteger('lstm', 'inputSize', inputSize)
  positiveInteger('lstm', 'hiddenSize', hiddenSize)
  const { bias } = readOptions('lstm', options, { bias: withDefault(boolean, true) })
  const cell: Cell = { fn: 'lstm', inputSize, hiddenSize, gates: 4, bias }
  const H = hiddenSize
  const checkState =
    (batch: number, dtype: DType) =>
    (fn: string, key: string, value: unknown): LstmState => {
      if (!isPlainObject(value)) fail(fn, key, 'an object { h, c }', value)
      checkArray(fn, `${key}.h`, value.h, [batch, hiddenSize], dtype, ' (batch, hidden)')
      checkArray(fn, `${key}.c`, value.c, [batch, hiddenSize], dtype, ' (batch, hidden)')
      return value as unknown as LstmState
    }
  // bh is folded into the input projection: gates_t = p_t + h_{t−1}·wh, p_t = x_t·wx + bx + bh
  return recurrentLayer(cell, `lstm(${inputSize} → ${hiddenSize})`, true, checkState, (params, steps, state, zeros) => {
    let h: Var | Tensor | undefined = state?.h
    let c: Var | Tensor = state?.c ?? zeros()
    const hs: Var[] = []
    for (const p of steps) {
      const batch = p.shape[0]!
      // h' and c' come stacked, [2, batch, hidden]: each is a contiguous slice
      const both = lstmCell(h === undefined ? p : add(p, matmul(h, params.wh)), c)
      h = reshape(slice(both, [0, 0, 0], [1, batch, H]), [batch, H])
      c = reshape(slice(both, [1, 0, 0], [1, batch, H]), [batch, H])
      hs.push(h)
    }
    return {
      hs,
      state: { h: unchanged('lstm', h, zeros), c: unchanged('lstm', c, zeros) },
    }
  })
}
