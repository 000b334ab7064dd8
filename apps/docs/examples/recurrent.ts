// Recurrent nets and vanishing gradients through time, as the "Recurrent nets" page runs it: how much
// gradient reaches each earlier time step of a plain tanh RNN, a GRU and an LSTM, and a small task that
// needs a memory (recall the first symbol of a sequence), trained in the browser in short chunks.
import { grad, slice, sum, valueAndGrad, type Var } from '@gd/autograd'
import { softmaxCrossEntropy } from '@gd/losses'
import { gru, linear, lstm, rnn, type LinearParams, type RecurrentParams } from '@gd/nn'
import { adam, applyUpdates, chain, clipByGlobalNorm, globalNorm } from '@gd/optimizers'
import {
  Tensor,
  argmax,
  cast,
  foldIn,
  mul as mulT,
  norm,
  normal,
  prngKey,
  randint,
  slice as sliceT,
  splitKey,
  type PRNGKey,
} from '@gd/tensor'

export type CellKind = 'rnn' | 'gru' | 'lstm'
export const cellKinds: CellKind[] = ['rnn', 'gru', 'lstm']
export const cellLabels: Record<CellKind, string> = { rnn: 'plain tanh RNN', gru: 'GRU', lstm: 'LSTM' }

// #region layers
/**
 * One of the three layers, reading [batch, time, inputSize] and returning h_t for every t. For the
 * LSTM, `forgetBias` and `inputBias` are added to those gates' biases at init (see {@link withGateBiases}).
 */
export function recurrentLayer(kind: CellKind, inputSize: number, hiddenSize: number, forgetBias = 0, inputBias = 0) {
  if (kind === 'rnn') return rnn(inputSize, hiddenSize) // h_t = tanh(x_t·wx + bx + h_{t−1}·wh + bh)
  if (kind === 'gru') return gru(inputSize, hiddenSize)
  const layer = lstm(inputSize, hiddenSize)
  if (forgetBias === 0 && inputBias === 0) return layer
  return {
    ...layer,
    init: (key: PRNGKey | number) =>
      withGateBiases(layer.init(key), hiddenSize, { forget: forgetBias, input: inputBias }),
  }
}

/**
 * The LSTM's parameters with numbers added to the input biases of two gates (gate order i, f, g, o:
 * the input gate is the first block of H columns, the forget gate the second). A forget bias of 3
 * starts f_t near σ(3) ≈ 0.95 instead of σ(0) = 0.5, so the cell c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t keeps
 * more of itself each step; an input bias of −3 starts i_t near 0.05, so little is written into it
 * until the network learns when to open the gate.
 */
export function withGateBiases(
  params: RecurrentParams,
  hiddenSize: number,
  add: { forget: number; input: number },
): RecurrentParams {
  const bx = Float32Array.from((params.bx as Tensor).data as Float32Array)
  for (let j = 0; j < hiddenSize; j++) {
    bx[j]! += add.input
    bx[hiddenSize + j]! += add.forget
  }
  return { ...params, bx: new Tensor(bx, [4 * hiddenSize], 'float32') }
}
// #endregion layers

// #region gradients
export interface ProfileOptions {
  kind: CellKind
  /** Length T of the sequence. */
  steps: number
  hiddenSize: number
  /** Multiplies the recurrent weights wh (1 = the layers' default init, U(−1/√H, 1/√H)). */
  scale: number
  /** Added to the LSTM's forget-gate bias (0 = the default init). */
  forgetBias: number
  seed: number
  inputSize?: number
  batch?: number
}

/**
 * ‖∂L/∂x_t‖ for every step t = 1 … T, where L = Σ h_T is read at the last step only: how much the
 * loss at the end still depends on the input t steps earlier. In float64, so that tiny values show.
 */
export function gradientThroughTime(options: ProfileOptions): number[] {
  const { kind, steps, hiddenSize, scale, forgetBias, seed, inputSize = 8, batch = 8 } = options
  const layer = recurrentLayer(kind, inputSize, hiddenSize, forgetBias)
  const p = layer.init(prngKey(seed))
  const params: RecurrentParams = {
    wx: cast(p.wx as Tensor, 'float64'),
    wh: cast(mulT(p.wh as Tensor, scale), 'float64'), // the recurrent weights, scaled
    bx: cast(p.bx as Tensor, 'float64'),
    bh: cast(p.bh as Tensor, 'float64'),
  }
  const x = normal(foldIn(prngKey(seed), 1), [batch, steps, inputSize], { dtype: 'float64' })
  // L = Σ h_T: the last step's hidden state, summed over the batch and the units
  const lastStep = (xv: Var) => sum(slice(layer.apply(params, xv), [0, steps - 1, 0], [batch, 1, hiddenSize]))
  const g = grad(lastStep)(x) as Tensor // ∂L/∂x: [batch, time, input]
  const norms: number[] = []
  for (let t = 0; t < steps; t++) norms.push(norm(sliceT(g, [0, t, 0], [batch, 1, inputSize])).item())
  return norms
}
// #endregion gradients

// #region task
export interface RecallTask {
  /** Symbols the first step can show (the classes): chance is ln(symbols) nats. */
  symbols: number
  /** Length T of each sequence. */
  steps: number
}

/**
 * A batch of the recall task: each sequence is T random symbols, one-hot, and the target is the
 * first one, asked for after the last step. A marker channel flags the first step. The T − 1 symbols
 * after it are distractors, independent of the target, so only a network that carries the first
 * symbol through T − 1 updates of its state can do better than chance.
 */
export function recallBatch(task: RecallTask, batch: number, key: PRNGKey): { x: Tensor; y: Tensor } {
  const { symbols, steps } = task
  const drawn = randint(key, [batch, steps], 0, symbols).data // a symbol per step, used or not
  const width = symbols + 1 // one-hot symbol, then a marker channel: 1 at the step to remember
  const x = new Float32Array(batch * steps * width)
  const y = new Int32Array(batch)
  for (let b = 0; b < batch; b++) {
    y[b] = drawn[b * steps]!
    for (let t = 0; t < steps; t++) {
      const at = (b * steps + t) * width
      if (t === 0) x[at + symbols] = 1
      x[at + drawn[b * steps + t]!] = 1
    }
  }
  return { x: new Tensor(x, [batch, steps, width], 'float32'), y: new Tensor(y, [batch], 'int32') }
}

/** The parameters of {@link recallModel}: the recurrent layer's and the readout's. */
export type RecallParams = { cell: RecurrentParams; readout: LinearParams }

/** A recurrent layer followed by a linear readout of its last hidden state: logits over the symbols. */
export function recallModel(kind: CellKind, task: RecallTask, hiddenSize: number, forgetBias = 0, inputBias = 0) {
  const cell = recurrentLayer(kind, task.symbols + 1, hiddenSize, forgetBias, inputBias)
  const readout = linear(hiddenSize, task.symbols)
  return {
    init: (seed: number): RecallParams => {
      const [a, b] = splitKey(prngKey(seed)) as [PRNGKey, PRNGKey]
      return { cell: cell.init(a), readout: readout.init(b) }
    },
    logits: (params: RecallParams, x: Tensor): Var => {
      // run returns the state after the last step too: h_T ([batch, hidden]), or { h, c } for the LSTM
      const { state } = cell.run(params.cell, x)
      const hT = kind === 'lstm' ? (state as { h: Var }).h : (state as Var)
      return readout.apply(params.readout, hT)
    },
  }
}
// #endregion task

// #region train
export interface RecallReport {
  kind: CellKind
  step: number
  /** Cross-entropy of the step's batch, in nats (chance: ln(symbols)). */
  loss: number
  /** Fraction of the batch recalled right, before the step. */
  accuracy: number
  /** The global norm of the step's gradient, before any clipping. */
  gradientNorm: number
}

/** Gives the browser the main thread back: it can paint, redraw the plots and handle clicks. */
export const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/**
 * Trains the three models side by side, one Adam step each in turn on the same fresh batch, and
 * pauses every ~30 ms so the page stays responsive.
 */
export async function trainRecall(options: {
  task: RecallTask
  hiddenSize: number
  steps: number
  learningRate?: number
  batch?: number
  seed?: number
  kinds?: CellKind[]
  /** Added to the LSTM's forget-gate bias at init (0 = the layer's default). */
  forgetBias?: number
  /** Added to the LSTM's input-gate bias at init (0 = the layer's default). */
  inputBias?: number
  /** Clip each step's gradient to this global norm before Adam (null: no clipping). */
  maxNorm?: number | null
  onStep?: (report: RecallReport) => void
  shouldStop?: () => boolean
}): Promise<void> {
  const { task, hiddenSize, steps, learningRate = 1e-2, batch = 32, seed = 0, kinds = cellKinds } = options
  const { maxNorm = null } = options
  const optimizer =
    maxNorm === null ? adam({ learningRate }) : chain(clipByGlobalNorm({ maxNorm }), adam({ learningRate }))
  const runs = kinds.map((kind) => {
    const model = recallModel(kind, task, hiddenSize, options.forgetBias ?? 0, options.inputBias ?? 0)
    const params = model.init(seed)
    const loss = valueAndGrad(
      (p: RecallParams, x: Tensor, y: Tensor) => {
        const logits = model.logits(p, x)
        return [softmaxCrossEntropy(logits, y), logits]
      },
      { hasAux: true },
    )
    return { kind, params, state: optimizer.init(params), loss }
  })
  let worked = performance.now()
  for (let step = 1; step <= steps; step++) {
    const { x, y } = recallBatch(task, batch, foldIn(prngKey(seed + 1), step))
    for (const run of runs) {
      if (options.shouldStop?.() === true) return
      const [[value, logits], grads] = run.loss(run.params, x, y)
      const { updates, state } = optimizer.update(grads, run.state, run.params)
      run.params = applyUpdates(run.params, updates)
      run.state = state
      const predicted = argmax(logits.value, { axis: 1 }).data
      let right = 0
      for (let i = 0; i < batch; i++) if (predicted[i] === y.data[i]) right += 1
      options.onStep?.({
        kind: run.kind,
        step,
        loss: value.item(),
        accuracy: right / batch,
        gradientNorm: globalNorm(grads),
      })
      if (performance.now() - worked > 30) {
        await pause()
        worked = performance.now()
      }
    }
  }
}
// #endregion train

// A quick check from the command line:
//   node --conditions=@gd/source --import tsx apps/docs/examples/recurrent.ts [T] [steps] [kinds] [learningRate]
// with FB and IB (LSTM forget and input biases), CLIP (max global norm) and SEED in the environment.
async function main(argv: string[], env: Record<string, string | undefined>): Promise<void> {
  for (const [scale, forgetBias] of [
    [1, 0],
    [1.7, 0],
    [3, 0],
    [1, 3],
  ] as const) {
    for (const kind of cellKinds) {
      const t0 = performance.now()
      const n = gradientThroughTime({ kind, steps: 50, hiddenSize: 32, scale, forgetBias, seed: 0 })
      console.log(
        `W_h × ${scale}, forget bias + ${forgetBias}, ${kind}:`,
        n
          .filter((_, i) => i % 7 === 0)
          .map((v) => v.toExponential(1))
          .join(' '),
        `(${(performance.now() - t0).toFixed(0)} ms)`,
      )
    }
  }
  const t0 = performance.now()
  await trainRecall({
    task: { symbols: 4, steps: Number(argv[2] ?? 30) },
    hiddenSize: 32,
    steps: Number(argv[3] ?? 300),
    kinds: (argv[4] ?? 'rnn,gru,lstm').split(',') as CellKind[],
    learningRate: Number(argv[5] ?? 0.03),
    forgetBias: Number(env.FB ?? 3),
    inputBias: Number(env.IB ?? -3),
    maxNorm: env.CLIP === 'none' ? null : Number(env.CLIP ?? 1),
    seed: Number(env.SEED ?? 0),
    onStep: (r) => {
      if (r.step % Number(env.EVERY ?? 25) === 0)
        console.log(
          r.kind,
          r.step,
          r.loss.toFixed(3),
          r.accuracy.toFixed(2),
          r.gradientNorm.toExponential(1),
          `${((performance.now() - t0) / 1000).toFixed(1)} s`,
        )
    },
  })
}

if (typeof process !== 'undefined' && process.argv[1]?.endsWith('recurrent.ts')) void main(process.argv, process.env)
