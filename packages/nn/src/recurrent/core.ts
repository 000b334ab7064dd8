// Private: what rnn, gru and lstm share (parameter layout and init, argument checks, the input
// projection of every time step at once, and stacking the per-step outputs).
import { add, reshape, slice, stack, toVar, transpose, Var, type Input, type MaybeTraced } from '@gd/autograd'
import { uniformInit } from '@gd/init'
import * as T from '@gd/tensor'
import { formatList } from '@gd/tensor/internal'
import { fail, isPlainObject, optional, readOptions, type Check } from '@gd/check'
import { readApplyOptions } from '../internal/checks.js'
import type { ApplyOptions, Layer } from '../layer.js'
import { configure } from '../internal/described.js'
import { dense } from '../internal/dense.js'

/**
 * Parameters of a recurrent layer with `gates` blocks of `hidden` columns each (1 for {@link rnn},
 * 3 for {@link gru}: r, z, n; 4 for {@link lstm}: i, f, g, o), stored input-major as {@link linear}
 * stores its weight, so a step is x·wx + bx + h·wh + bh:
 * - `wx` [input, gates·hidden], the input weights (PyTorch's `weight_ih_l0`, transposed);
 * - `wh` [hidden, gates·hidden], the recurrent weights (`weight_hh_l0`, transposed);
 * - `bx`, `bh` [gates·hidden], the input and recurrent biases (`bias_ih_l0`, `bias_hh_l0`),
 *   absent for a layer made with `bias: false`.
 *
 * @example
 * ```ts
 * import { gru, type RecurrentParams } from '@gd/nn'
 * const params: RecurrentParams = gru(3, 4).init(0)
 * params.wx.shape // [3, 12]
 * params.wh.shape // [4, 12]
 * params.bh?.shape // [12]
 * ```
 */
export type RecurrentParams = {
  wx: T.Tensor
  wh: T.Tensor
  bx?: T.Tensor
  bh?: T.Tensor
}

/**
 * Options of a recurrent layer's `run`: the initial state (zeros when absent) besides the usual
 * apply options (`train` and `key` are accepted and have no effect: the layers have no dropout).
 *
 * @example
 * ```ts
 * import { gru, type RunOptions } from '@gd/nn'
 * import { ones, zeros, type Tensor } from '@gd/tensor'
 * const options: RunOptions<Tensor> = { state: zeros([2, 4]) }
 * const layer = gru(3, 4)
 * layer.run(layer.init(0), ones([2, 5, 3]), options).state.shape // [2, 4]
 * ```
 */
export interface RunOptions<S> extends ApplyOptions {
  /** The state before the first step: h of shape [batch, hidden] ({ h, c } for the LSTM). Default zeros. */
  state?: S
}

/**
 * What a recurrent layer's `run` returns: the hidden state of every step and the state after the
 * last step, both traced when the parameters, the input or the initial state are.
 *
 * @example
 * ```ts
 * import { rnn, type RunResult } from '@gd/nn'
 * import { ones } from '@gd/tensor'
 * import type { Var } from '@gd/autograd'
 * const layer = rnn(3, 4)
 * const r: RunResult<Var> = layer.run(layer.init(0), ones([2, 5, 3]))
 * r.output.shape // [2, 5, 4]
 * r.state.shape // [2, 4]: equal to the output's last step
 * ```
 */
export interface RunResult<S> {
  /** The hidden state after every step, [batch, time, hidden]. */
  output: Var
  /** The state after the last step (the initial state when the sequence has no steps). */
  state: S
}

/**
 * A recurrent layer: a {@link Layer} over batch-first sequences [batch, time, input] whose `apply`
 * returns the hidden state of every step, [batch, time, hidden], starting from zeros, and whose
 * `run` also takes an initial state and returns the final one. `S` is the state `run` returns
 * (h, or { h, c } for the LSTM) and `In` the state it accepts.
 *
 * @example
 * ```ts
 * import { lstm, type RecurrentLayer, type LstmState } from '@gd/nn'
 * import type { Var } from '@gd/autograd'
 * import { ones } from '@gd/tensor'
 * const layer: RecurrentLayer<LstmState<Var>, LstmState> = lstm(3, 4)
 * layer.hiddenSize // 4
 * layer.apply(layer.init(0), ones([2, 5, 3])).shape // [2, 5, 4]
 * ```
 */
export interface RecurrentLayer<S, In = S> extends Layer<RecurrentParams> {
  /** Features per step of the input. */
  readonly inputSize: number
  /** Features of the hidden state (and of each output step). */
  readonly hiddenSize: number
  /** Runs the recurrence from `options.state` (default zeros) and returns every step's output and the final state. */
  run(params: MaybeTraced<RecurrentParams>, x: Input, options?: RunOptions<In>): RunResult<S>
}

/** The sizes of one layer, as the shared checks need them. @internal */
export interface Cell {
  /** The layer's name in messages: rnn, gru or lstm. */
  fn: string
  inputSize: number
  hiddenSize: number
  gates: number
  bias: boolean
  /** The rnn's activation, 'tanh' or 'relu' (absent for gru and lstm). */
  nonlinearity?: string
}

/** Parameters with U(−1/√hidden, 1/√hidden) entries, as PyTorch initializes its recurrent layers. */
export function initParams(cell: Cell, key: T.PRNGKey | number): RecurrentParams {
  const bound = 1 / Math.sqrt(cell.hiddenSize)
  const width = cell.gates * cell.hiddenSize
  const keys = T.splitKey(typeof key === 'number' ? T.prngKey(key) : key, 4)
  const u = (k: T.PRNGKey, shape: number[]) => uniformInit(k, shape, { low: -bound, high: bound })
  const wx = u(keys[0], [cell.inputSize, width])
  const wh = u(keys[1], [cell.hiddenSize, width])
  return cell.bias ? { wx, wh, bx: u(keys[2], [width]), bh: u(keys[3], [width]) } : { wx, wh }
}

const isArray = (v: unknown): v is T.Tensor | Var => v instanceof T.Tensor || v instanceof Var
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i])

/**
 * Throws unless `value` is a Tensor or Var of exactly `shape` and of `dtype` (float32 or float64
 * when not given); `what` names it in the message.
 */
export function checkArray(
  fn: string,
  what: string,
  value: unknown,
  shape: readonly number[],
  dtype?: T.DType,
  tail = '',
): T.Tensor | Var {
  const dtypeOk = (d: T.DType) => (dtype === undefined ? d === 'float32' || d === 'float64' : d === dtype)
  if (!isArray(value) || !sameShape(value.shape, shape) || !dtypeOk(value.dtype)) {
    fail(fn, what, `a ${dtype ?? 'float32 or float64'} Tensor or Var of shape ${formatList(shape)}${tail}`, value)
  }
  return value
}

/** The parameters, each checked for its shape and dtype (that of wx) and bias presence before anything reads them. */
export function checkParams(cell: Cell, params: unknown): RecurrentParams {
  const { fn, inputSize, hiddenSize, gates, bias } = cell
  const names = bias ? '{ wx, wh, bx, bh }' : '{ wx, wh }'
  if (!isPlainObject(params)) fail(fn, 'params', `the layer's parameters ${names}`, params)
  const width = gates * hiddenSize
  const dtype = checkArray(fn, 'params.wx', params.wx, [inputSize, width]).dtype
  checkArray(fn, 'params.wh', params.wh, [hiddenSize, width], dtype)
  for (const b of ['bx', 'bh'] as const) {
    if (bias) checkArray(fn, `params.${b}`, params[b], [width], dtype)
    else if (params[b] !== undefined) fail(fn, `params.${b}`, 'absent (the layer was made with bias: false)', params[b])
  }
  return params as unknown as RecurrentParams
}

/** The input as a Var of shape [batch, time, inputSize] and of the parameters' dtype. */
export function checkSequence(cell: Cell, x: unknown, dtype: T.DType): Var {
  if (!isArray(x) || x.rank !== 3 || x.shape[2] !== cell.inputSize || x.dtype !== dtype) {
    fail(cell.fn, 'x', `a ${dtype} sequence of shape [batch, time, ${cell.inputSize}] (the parameters' dtype)`, x)
  }
  return toVar(cell.fn, x)
}

/** Reads `run`'s options: `state` with the given check (which knows the batch size and dtype), `train` and `key` as apply does. */
export function readRunOptions<S>(fn: string, options: unknown, state: Check<S | undefined>): S | undefined {
  const read = readOptions(fn, options, { state: optional(state), train: optional(pass), key: optional(pass) })
  readApplyOptions(fn, { train: read.train, key: read.key })
  return read.state
}

const pass: Check<unknown> = (_fn, _key, value) => value

/**
 * The inputs' projections x_t·wx + bx (+ bh when `foldBh`), one [batch, gates·hidden] Var per time
 * step, from one matmul over all steps: x is made time-major first, so each step's rows are contiguous.
 */
function projectInputs(cell: Cell, params: RecurrentParams, x: Var, foldBh: boolean): { steps: Var[]; dtype: T.DType } {
  const [batch, time] = x.shape as [number, number, number]
  const width = cell.gates * cell.hiddenSize
  const rows = reshape(transpose(x, [1, 0, 2]), [time * batch, cell.inputSize])
  // x·wx + b in one primitive where autograd's affine takes it (the same bits as matmul then add)
  const projected = dense(
    rows,
    params.wx,
    params.bx === undefined ? undefined : foldBh ? add(params.bx, params.bh!) : params.bx,
  )
  return { steps: splitRows(projected, time, batch), dtype: projected.dtype }
}

/**
 * `count` blocks of `rows` rows each, sliced from `v`. The autograd engine gathers the slices' gradients
 * and lays them out in one pass over `v`'s size, a copy since the blocks do not overlap (it checks up to 64
 * boxes for that; more would be added into zeros, which turns a −0 into +0). So up to 64 blocks are sliced
 * straight from `v`; a longer list is halved first, one layout of `v`'s size per level above that.
 */
function splitRows(v: Var, count: number, rows: number): Var[] {
  if (count <= 1) return count === 1 ? [v] : []
  const width = v.shape[1]!
  if (count <= 64) return Array.from({ length: count }, (_, t) => slice(v, [t * rows, 0], [rows, width]))
  const half = count >> 1
  const left = slice(v, [0, 0], [half * rows, width])
  const right = slice(v, [half * rows, 0], [(count - half) * rows, width])
  return [...splitRows(left, half, rows), ...splitRows(right, count - half, rows)]
}

/**
 * The recurrence of one layer: from the projected inputs of every step (and the initial state, or
 * undefined for zeros, which a loop may use to skip the first recurrent matmul), the hidden state
 * after every step and the final state. @internal
 */
export type Loop<S, In> = (
  params: MaybeTraced<RecurrentParams>,
  steps: readonly Var[],
  state: In | undefined,
  zeros: () => T.Tensor,
) => { hs: Var[]; state: S }

/**
 * Makes the layer's `apply` and `run` from its cell: both check every argument first (params, then
 * x, then options and the state's shape), project the inputs in one matmul and run `loop`.
 */
export function recurrentLayer<S, In>(
  cell: Cell,
  name: string,
  foldBh: boolean,
  checkState: (batch: number, dtype: T.DType) => Check<In>,
  loop: Loop<S, In>,
): RecurrentLayer<S, In> {
  const run = (params: MaybeTraced<RecurrentParams>, x: Input, options?: RunOptions<In>): RunResult<S> => {
    const p = checkParams(cell, params)
    const v = checkSequence(cell, x, p.wx.dtype)
    const batch = v.shape[0]!
    const initial = readRunOptions(cell.fn, options, checkState(batch, v.dtype))
    const { steps, dtype } = projectInputs(cell, p, v, foldBh)
    const zeros = () => T.zeros([batch, cell.hiddenSize], { dtype })
    const { hs, state } = loop(p, steps, initial, zeros)
    const output = hs.length > 0 ? stack(hs, 1) : toVar(cell.fn, T.zeros([batch, 0, cell.hiddenSize], { dtype }))
    return { output, state }
  }
  const { fn: kind, inputSize, hiddenSize, bias, nonlinearity } = cell
  return configure(
    {
      name,
      inputSize: cell.inputSize,
      hiddenSize: cell.hiddenSize,
      init: (key) => initParams(cell, key),
      apply: (params, x, options?: ApplyOptions) => {
        readApplyOptions(cell.fn, options)
        return run(params, x).output
      },
      run,
    },
    nonlinearity === undefined
      ? { kind, inputSize, hiddenSize, bias }
      : { kind, inputSize, hiddenSize, nonlinearity, bias },
  )
}

/** The state a sequence without steps ends in: the initial one (zeros when none), as a Var. */
export function unchanged(fn: string, state: T.Tensor | Var | undefined, zeros: () => T.Tensor): Var {
  return toVar(fn, state ?? zeros())
}
