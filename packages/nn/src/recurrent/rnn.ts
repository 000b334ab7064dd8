import { add, matmul, relu, tanh, type Var } from '@gd/autograd'
import type { DType, Tensor } from '@gd/tensor'
import { boolean, oneOf, positiveInteger, readOptions, withDefault } from '@gd/check'
import { checkArray, recurrentLayer, unchanged, type Cell, type RecurrentLayer } from './core.js'

/**
 * Options of {@link rnn}.
 * @example
 * ```ts
 * import { rnn, type RnnOptions } from '@gd/nn'
 * const options: RnnOptions = { nonlinearity: 'relu', bias: false }
 * rnn(3, 4, options).name // 'rnn(3 → 4, relu)'
 * ```
 */
export interface RnnOptions {
  /** The activation of each step: 'tanh' (default) or 'relu', as PyTorch's `nn.RNN`. */
  nonlinearity?: 'tanh' | 'relu'
  /** Learn the biases bx and bh. Default true. */
  bias?: boolean
}

/**
 * A plain (Elman) recurrent layer over batch-first sequences, PyTorch's `nn.RNN`:
 *
 *   h_t = act(x_t·wx + bx + h_{t−1}·wh + bh),  act = tanh (default) or relu,
 *
 * with h_0 = 0 or the state given to `run`. `apply(params, x)` takes x of shape
 * [batch, time, inputSize] and returns every h_t, [batch, time, hiddenSize], so the layer composes
 * in {@link sequential}; `run(params, x, { state })` starts from `state` (h_0, [batch, hiddenSize])
 * and returns `{ output, state }` with `state` = h_T. Gradients flow back through time (and into
 * the initial state); to cut them between chunks of a long sequence, pass `stopGradient(state)`.
 * The parameters ({@link RecurrentParams}, one gate) start U(−1/√hidden, 1/√hidden), as PyTorch's.
 *
 * A plain RNN's gradients shrink (or grow) geometrically with the distance in time; {@link gru}
 * and {@link lstm} keep them alive over longer spans.
 *
 * @throws Error for sizes that are not positive integers or an unknown nonlinearity; when applied,
 * for x not of shape [batch, time, inputSize], parameters of the wrong shapes, or a state not of
 * shape [batch, hiddenSize].
 * @example
 * ```ts
 * import { rnn } from '@gd/nn'
 * import { ones, zeros } from '@gd/tensor'
 * const layer = rnn(3, 4)
 * const params = layer.init(0)
 * layer.apply(params, ones([2, 5, 3])).shape // [2, 5, 4]
 * const { output, state } = layer.run(params, ones([2, 5, 3]), { state: zeros([2, 4]) })
 * state.shape // [2, 4]: output's last step
 * ```
 */
export function rnn(inputSize: number, hiddenSize: number, options?: RnnOptions): RecurrentLayer<Var, Tensor | Var> {
  positiveInteger('rnn', 'inputSize', inputSize)
  positiveInteger('rnn', 'hiddenSize', hiddenSize)
  const { nonlinearity, bias } = readOptions('rnn', options, {
    nonlinearity: withDefault(oneOf(['tanh', 'relu'] as const), 'tanh'),
    bias: withDefault(boolean, true),
  })
  const cell: Cell = { fn: 'rnn', inputSize, hiddenSize, gates: 1, bias, nonlinearity }
  const act = nonlinearity === 'relu' ? relu : tanh
  const checkState = (batch: number, dtype: DType) => (fn: string, key: string, value: unknown) =>
    checkArray(fn, key, value, [batch, hiddenSize], dtype, ' (batch, hidden)')
  // bh is folded into the input projection: h_t = act(p_t + h_{t−1}·wh), p_t = x_t·wx + bx + bh
  return recurrentLayer(
    cell,
    `rnn(${inputSize} → ${hiddenSize}, ${nonlinearity})`,
    true,
    checkState,
    (params, steps, state, zeros) => {
      let h: Var | Tensor | undefined = state
      const hs: Var[] = []
      for (const p of steps) {
        const next = act(h === undefined ? p : add(p, matmul(h, params.wh)))
        hs.push(next)
        h = next
      }
      return { hs, state: hs.at(-1) ?? unchanged('rnn', state, zeros) }
    },
  )
}
