// Private: rnn, gru and lstm as ONNX's RNN, GRU and LSTM operators. ONNX runs time-major
// ([time, batch, input]) and orders the gate blocks differently from PyTorch (and @gd):
// GRU z, r, h where @gd has r, z, n; LSTM i, o, f, c where @gd has i, f, g, o. The weights are
// reordered and transposed here ([input, gates·hidden] becomes [1, gates·hidden, input]).
import { int, string, strings } from '../graph.js'
import { expectInput, floatData, like, paramName, paramTree, type Emitter } from '../context.js'

interface RecurrentConfig {
  kind: 'rnn' | 'gru' | 'lstm'
  inputSize: number
  hiddenSize: number
  bias: boolean
  nonlinearity?: 'tanh' | 'relu'
}

/** For each ONNX gate block, the @gd block it comes from. */
const ORDER = { rnn: [0], gru: [1, 0, 2], lstm: [0, 3, 1, 2] } as const
const OP = { rnn: 'RNN', gru: 'GRU', lstm: 'LSTM' } as const

/** w [rows, gates·hidden] with @gd's blocks → [gates·hidden, rows] with ONNX's. */
function reorderTranspose(w: Float32Array, rows: number, order: readonly number[], hidden: number): Float32Array {
  const width = order.length * hidden
  const out = new Float32Array(rows * width)
  order.forEach((from, k) => {
    for (let j = 0; j < hidden; j++) {
      const o = (k * hidden + j) * rows
      const col = from * hidden + j
      for (let i = 0; i < rows; i++) out[o + i] = w[i * width + col]!
    }
  })
  return out
}

/** A bias [gates·hidden] with @gd's blocks → ONNX's block order. */
function reorder(b: Float32Array, order: readonly number[], hidden: number): Float32Array {
  const out = new Float32Array(b.length)
  order.forEach((from, k) => out.set(b.subarray(from * hidden, (from + 1) * hidden), k * hidden))
  return out
}

/** [batch, time, input] → Transpose → RNN/GRU/LSTM → Y [time, 1, batch, hidden] → Squeeze → Transpose → [batch, time, hidden]. */
export const recurrent: Emitter = (ctx, site, x) => {
  const { kind, inputSize, hiddenSize: H, bias, nonlinearity } = site.config as unknown as RecurrentConfig
  expectInput(
    site,
    x,
    x.type === 'float32' && x.shape.length === 3 && x.shape[2] === inputSize,
    `[batch, time, ${inputSize}] of floats`,
  )
  const order = ORDER[kind]
  const width = order.length * H
  const tree = paramTree(site, bias ? '{ wx, wh, bx, bh }' : '{ wx, wh }')
  const path = site.paramsPath
  const g = ctx.graph
  const wx = reorderTranspose(floatData(tree, 'wx', [inputSize, width], path), inputSize, order, H)
  const wh = reorderTranspose(floatData(tree, 'wh', [H, width], path), H, order, H)
  const inputs = [
    '', // X, set below
    g.floats(paramName(path, 'W'), [1, width, inputSize], wx),
    g.floats(paramName(path, 'R'), [1, width, H], wh),
  ]
  if (bias) {
    const b = new Float32Array(2 * width)
    b.set(reorder(floatData(tree, 'bx', [width], path), order, H))
    b.set(reorder(floatData(tree, 'bh', [width], path), order, H), width)
    inputs.push(g.floats(paramName(path, 'B'), [1, 2 * width], b))
  }
  inputs[0] = g.node('Transpose', [x.name], { perm: { kind: 'ints', value: [1, 0, 2] } }, `${site.path}.timeMajor`)
  const attributes = {
    hidden_size: int(H),
    ...(kind === 'gru' ? { linear_before_reset: int(1) } : {}),
    ...(kind === 'rnn' ? { activations: strings([nonlinearity === 'relu' ? 'Relu' : 'Tanh']) } : {}),
    direction: string('forward'),
  }
  const y = g.node(OP[kind], inputs, attributes, `${site.path}.${kind}`)
  const squeezed = g.node('Squeeze', [y, g.int64s([1])], {}, `${site.path}.squeeze`)
  const out = g.node('Transpose', [squeezed], { perm: { kind: 'ints', value: [1, 0, 2] } }, `${site.path}.batchMajor`)
  return like(x, out, [x.shape[0]!, x.shape[1]!, H])
}
