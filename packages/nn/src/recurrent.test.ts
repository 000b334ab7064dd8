import * as AG from '@gd/autograd'
import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import * as nn from './index.js'

type Kind = 'tanh' | 'relu' | 'gru' | 'lstm'
type Matrix = number[][]

const f64 = (values: number[], shape: number[]) => T.tensor(values, { dtype: 'float64', shape })
const list = (t: T.Tensor | AG.Var) => [...(t instanceof AG.Var ? t.value : t).data]
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v))
/** A layer's parameters in float64 (the layers compute in their parameters' dtype). */
const in64 = (p: nn.RecurrentParams): nn.RecurrentParams =>
  Object.fromEntries(
    Object.entries(p).map(([k, v]) => [k, T.cast(v as T.Tensor, 'float64')]),
  ) as unknown as nn.RecurrentParams

/**
 * The equations in plain float64 numbers, one batch row and one step at a time, with the parameters
 * in the layer's layout (columns in gate blocks: r, z, n for the GRU; i, f, g, o for the LSTM).
 */
function reference(
  kind: Kind,
  x: number[][][],
  p: { wx: Matrix; wh: Matrix; bx: number[]; bh: number[] },
  h0: Matrix,
  c0: Matrix,
) {
  const H = p.wh.length
  const output: number[][][] = []
  const hT: Matrix = []
  const cT: Matrix = []
  x.forEach((sequence, b) => {
    let h = [...h0[b]!]
    let c = [...c0[b]!]
    const steps: Matrix = []
    for (const xt of sequence) {
      // column j of x_t·wx + bx and of h·wh + bh
      const px = (j: number) => xt.reduce((s, v, k) => s + v * p.wx[k]![j]!, p.bx[j]!)
      const ph = (j: number) => h.reduce((s, v, k) => s + v * p.wh[k]![j]!, p.bh[j]!)
      const pre = (gate: number, j: number) => px(gate * H + j) + ph(gate * H + j)
      const next: number[] = []
      const cNext: number[] = []
      for (let j = 0; j < H; j++) {
        if (kind === 'tanh') next.push(Math.tanh(pre(0, j)))
        else if (kind === 'relu') next.push(Math.max(0, pre(0, j)))
        else if (kind === 'gru') {
          const r = sigmoid(pre(0, j))
          const z = sigmoid(pre(1, j))
          const n = Math.tanh(px(2 * H + j) + r * ph(2 * H + j))
          next.push((1 - z) * n + z * h[j]!)
        } else {
          const [i, f, g, o] = [sigmoid(pre(0, j)), sigmoid(pre(1, j)), Math.tanh(pre(2, j)), sigmoid(pre(3, j))]
          cNext.push(f * c[j]! + i * g)
          next.push(o * Math.tanh(cNext[j]!))
        }
      }
      h = next
      if (kind === 'lstm') c = cNext
      steps.push(h)
    }
    output.push(steps)
    hT.push(h)
    cT.push(c)
  })
  return { output, h: hT, c: cT }
}

const make = (kind: Kind, input: number, hidden: number) =>
  kind === 'gru'
    ? nn.gru(input, hidden)
    : kind === 'lstm'
      ? nn.lstm(input, hidden)
      : nn.rnn(input, hidden, { nonlinearity: kind })

describe('rnn, gru and lstm against a float64 reference of the equations', () => {
  it.each(['tanh', 'relu', 'gru', 'lstm'] as const)('%s: every output step and the final state', (kind) => {
    const [B, Tn, F, H] = [3, 5, 4, 6]
    const layer = make(kind, F, H)
    // the layer's own init (U(±1/√6)), in float64, so the comparison is at float64 precision
    const p32 = layer.init(7)
    const p = Object.fromEntries(Object.entries(p32).map(([k, v]) => [k, T.cast(v as T.Tensor, 'float64')])) as Record<
      string,
      T.Tensor
    >
    const x = T.normal(T.prngKey(1), [B, Tn, F], { dtype: 'float64' })
    const h0 = T.normal(T.prngKey(2), [B, H], { dtype: 'float64' })
    const c0 = T.normal(T.prngKey(3), [B, H], { dtype: 'float64' })
    const ref = reference(
      kind,
      x.toArray() as number[][][],
      {
        wx: p.wx!.toArray() as Matrix,
        wh: p.wh!.toArray() as Matrix,
        bx: p.bx!.toArray() as number[],
        bh: p.bh!.toArray() as number[],
      },
      h0.toArray() as Matrix,
      c0.toArray() as Matrix,
    )
    const params = p as unknown as nn.RecurrentParams
    const got =
      kind === 'lstm'
        ? (layer as ReturnType<typeof nn.lstm>).run(params, x, { state: { h: h0, c: c0 } })
        : (layer as ReturnType<typeof nn.gru>).run(params, x, { state: h0 })
    expect(got.output.shape).toEqual([B, Tn, H])
    expect(got.output.dtype).toBe('float64')
    list(got.output).forEach((v, i) => expect(v).toBeCloseTo(ref.output.flat(2)[i]!, 12))
    const h = kind === 'lstm' ? (got.state as nn.LstmState<AG.Var>).h : (got.state as AG.Var)
    list(h).forEach((v, i) => expect(v).toBeCloseTo(ref.h.flat()[i]!, 12))
    if (kind === 'lstm')
      list((got.state as nn.LstmState<AG.Var>).c).forEach((v, i) => expect(v).toBeCloseTo(ref.c.flat()[i]!, 12))
    // apply starts from zeros, as the reference does with zero states
    const zeros = Array.from({ length: B }, () => Array(H).fill(0) as number[])
    const fromZero = reference(
      kind,
      x.toArray() as number[][][],
      {
        wx: p.wx!.toArray() as Matrix,
        wh: p.wh!.toArray() as Matrix,
        bx: p.bx!.toArray() as number[],
        bh: p.bh!.toArray() as number[],
      },
      zeros,
      zeros,
    )
    list(layer.apply(params, x)).forEach((v, i) => expect(v).toBeCloseTo(fromZero.output.flat(2)[i]!, 12))
  })

  it('match hand-worked one-unit cases', () => {
    // rnn: h1 = tanh(0.5·1 + 0.1 + 0.2) = tanh(0.8) = 0.66403677; h2 = tanh(0.5·2 + 0.3 − h1) = tanh(0.63596323) = 0.56214470
    const rnn = nn.rnn(1, 1)
    const r = rnn.run(
      { wx: f64([0.5], [1, 1]), wh: f64([-1], [1, 1]), bx: f64([0.1], [1]), bh: f64([0.2], [1]) },
      f64([1, 2], [1, 2, 1]),
    )
    expect(list(r.output)).toEqual([expect.closeTo(0.6640367702678491, 14), expect.closeTo(0.5621446952832613, 14)])
    // gru from h0 = 0.5, x = 1, columns r, z, n: wx = [1, 2, −1], wh = [0.5, −0.5, 2], bh_n = 0.5:
    // r = σ(1 + 0.25) = 0.77729986, z = σ(2 − 0.25) = 0.85195280,
    // n = tanh(−1 + r·(2·0.5 + 0.5)) = tanh(0.16594979) = 0.16444301, h = (1 − z)·n + z·0.5 = 0.45032173
    const gru = nn.gru(1, 1)
    const g = gru.run(
      {
        wx: f64([1, 2, -1], [1, 3]),
        wh: f64([0.5, -0.5, 2], [1, 3]),
        bx: f64([0, 0, 0], [3]),
        bh: f64([0, 0, 0.5], [3]),
      },
      f64([1], [1, 1, 1]),
      { state: f64([0.5], [1, 1]) },
    )
    expect(list(g.state)).toEqual([expect.closeTo(0.4503217272180388, 14)])
    // lstm from h0 = 0.5, c0 = 1, x = 1, columns i, f, g, o: wx = [1, −1, 0.5, 2], wh = [0.2, 0.4, −0.6, 0.8]:
    // i = σ(1.1) = 0.75026011, f = σ(−0.8) = 0.31002552, g = tanh(0.2) = 0.19737532, o = σ(2.4) = 0.91682730,
    // c = f·1 + i·g = 0.45810835, h = o·tanh(c) = 0.39289828
    const lstm = nn.lstm(1, 1)
    const l = lstm.run(
      {
        wx: f64([1, -1, 0.5, 2], [1, 4]),
        wh: f64([0.2, 0.4, -0.6, 0.8], [1, 4]),
        bx: f64([0, 0, 0, 0], [4]),
        bh: f64([0, 0, 0, 0], [4]),
      },
      f64([1], [1, 1, 1]),
      { state: { h: f64([0.5], [1, 1]), c: f64([1], [1, 1]) } },
    )
    expect(list(l.state.c)).toEqual([expect.closeTo(0.4581083474661942, 14)])
    expect(list(l.state.h)).toEqual([expect.closeTo(0.3928982810264531, 14)])
    expect(list(l.output)).toEqual(list(l.state.h))
  })

  it('without biases: the same equations with bx = bh = 0', () => {
    for (const kind of ['tanh', 'gru', 'lstm'] as const) {
      const layer =
        kind === 'tanh'
          ? nn.rnn(2, 3, { bias: false })
          : kind === 'gru'
            ? nn.gru(2, 3, { bias: false })
            : nn.lstm(2, 3, { bias: false })
      const withBias = make(kind, 2, 3)
      const params = in64(layer.init(0))
      expect(Object.keys(params)).toEqual(['wx', 'wh'])
      const width = params.wx.shape[1]!
      const x = T.normal(T.prngKey(4), [2, 3, 2], { dtype: 'float64' })
      const zero = T.zeros([width], { dtype: 'float64' })
      const a = list(layer.apply(params, x))
      const b = list(withBias.apply({ ...params, bx: zero, bh: zero }, x))
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 12))
    }
  })
})

describe('init', () => {
  it("draws U(−1/√hidden, 1/√hidden) in PyTorch's shapes, transposed: [input, gates·hidden]", () => {
    for (const [layer, gates] of [
      [nn.rnn(5, 16), 1],
      [nn.gru(5, 16), 3],
      [nn.lstm(5, 16), 4],
    ] as const) {
      const p = layer.init(T.prngKey(3))
      expect([p.wx.shape, p.wh.shape, p.bx!.shape, p.bh!.shape]).toEqual([
        [5, 16 * gates],
        [16, 16 * gates],
        [16 * gates],
        [16 * gates],
      ])
      const all = [p.wx, p.wh, p.bx!, p.bh!].flatMap((t) => list(t))
      expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.25) // 1/√16
      expect(Math.max(...all.map(Math.abs))).toBeGreaterThan(0.2) // spread over the range
      expect(list(p.wx)).not.toEqual(list(layer.init(4).wx))
      expect(list(p.wx)).toEqual(list(layer.init(T.prngKey(3)).wx))
    }
    expect([
      nn.rnn(2, 3).name,
      nn.rnn(2, 3, { nonlinearity: 'relu' }).name,
      nn.gru(2, 3).name,
      nn.lstm(2, 3).name,
    ]).toEqual(['rnn(2 → 3, tanh)', 'rnn(2 → 3, relu)', 'gru(2 → 3)', 'lstm(2 → 3)'])
    expect([nn.gru(2, 3).inputSize, nn.gru(2, 3).hiddenSize]).toEqual([2, 3])
  })
})

describe('sequences and states', () => {
  it('run in chunks equals one run: the final state carries on', () => {
    for (const kind of ['tanh', 'gru', 'lstm'] as const) {
      const layer = make(kind, 3, 4) as nn.RecurrentLayer<unknown, any>
      const params = in64(layer.init(1))
      const x = T.normal(T.prngKey(9), [2, 6, 3], { dtype: 'float64' })
      const whole = layer.run(params, x)
      const first = layer.run(params, T.slice(x, [0, 0, 0], [2, 2, 3]))
      const second = layer.run(params, T.slice(x, [0, 2, 0], [2, 4, 3]), { state: first.state })
      const joined = [...list(AG.concat([first.output, second.output], 1))]
      list(whole.output).forEach((v, i) => expect(v).toBeCloseTo(joined[i]!, 12))
    }
  })

  it('a sequence of 70 steps (its projections halved, then sliced) has the input gradients of two runs of 35', () => {
    // up to 64 steps are sliced straight from the projection; 70 is halved first (core.ts splitRows)
    for (const kind of ['tanh', 'gru', 'lstm'] as const) {
      const layer = make(kind, 3, 4) as nn.RecurrentLayer<unknown, any>
      const params = in64(layer.init(1))
      const x = T.normal(T.prngKey(11), [2, 70, 3], { dtype: 'float64' })
      const whole = AG.grad((xv: AG.Var) => AG.sum(AG.square(layer.run(params, xv).output)))(x) as T.Tensor
      const chunked = AG.grad((xv: AG.Var) => {
        const first = layer.run(params, AG.slice(xv, [0, 0, 0], [2, 35, 3]))
        const second = layer.run(params, AG.slice(xv, [0, 35, 0], [2, 35, 3]), { state: first.state })
        return AG.add(AG.sum(AG.square(first.output)), AG.sum(AG.square(second.output)))
      })(x) as T.Tensor
      const want = list(chunked)
      expect(want.some((v) => v !== 0)).toBe(true)
      list(whole).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12))
    }
  })

  it('a sequence without steps gives [batch, 0, hidden] and hands the state back', () => {
    const x = T.zeros([2, 0, 3])
    expect(nn.gru(3, 4).apply(nn.gru(3, 4).init(0), x).shape).toEqual([2, 0, 4])
    const h = T.ones([2, 4])
    expect(list(nn.rnn(3, 4).run(nn.rnn(3, 4).init(0), x, { state: h }).state)).toEqual(list(h))
    const lstmState = nn.lstm(3, 4).run(nn.lstm(3, 4).init(0), x).state
    expect([list(lstmState.h), list(lstmState.c)]).toEqual([Array(8).fill(0), Array(8).fill(0)])
  })

  it('compose in sequential and train with valueAndGrad: gradients reach every parameter', () => {
    const model = nn.sequential(nn.gru(3, 8), nn.lstm(8, 5), nn.linear(5, 2))
    const params = model.init(0)
    const x = T.normal(T.prngKey(1), [4, 7, 3])
    const [loss, grads] = AG.valueAndGrad((p: typeof params) => AG.mean(AG.square(model.apply(p, x))))(params)
    expect(loss.item()).toBeGreaterThan(0)
    const [g0, g1] = grads
    for (const g of [g0, g1])
      for (const k of ['wx', 'wh', 'bx', 'bh'] as const) expect(list(g[k]!).some((v) => v !== 0)).toBe(true)
  })
})

describe('the fused GRU and LSTM cells', () => {
  it('give the same first-order gradients whether or not the backward pass is recorded', () => {
    for (const kind of ['gru', 'lstm'] as const) {
      const layer = make(kind, 3, 4)
      const params = in64(layer.init(2))
      const x = T.normal(T.prngKey(8), [2, 5, 3], { dtype: 'float64' })
      const h0 = T.normal(T.prngKey(9), [2, 4], { dtype: 'float64' })
      const state = kind === 'lstm' ? { h: h0, c: T.mul(h0, 2) } : h0
      const loss = (p: nn.RecurrentParams) =>
        AG.sum(AG.square((layer as nn.RecurrentLayer<unknown, unknown>).run(p, x, { state }).output))
      // first order: the rules' loops run, with the activations the forward pass kept
      const plain = AG.grad(loss)(params as never) as unknown as Record<string, T.Tensor>
      // inside an enclosing transform the inner backward pass is recorded: the rules' differentiable form runs
      let recorded: Record<string, AG.Var> = {}
      AG.grad((s: AG.Var) => {
        recorded = AG.grad((p: nn.RecurrentParams) => AG.mul(loss(p), s))(params as never) as unknown as Record<
          string,
          AG.Var
        >
        return AG.sum(recorded.wh!)
      })(T.scalar(1, { dtype: 'float64' }))
      for (const k of ['wx', 'wh', 'bx', 'bh']) {
        expect(recorded[k]).toBeInstanceOf(AG.Var)
        list(recorded[k]!).forEach((v, i) => expect(v).toBeCloseTo(plain[k]!.data[i]!, 12))
      }
    }
  })
})

describe('the GRU and LSTM cells in float32 on the Wasm kernels', () => {
  it.each(['gru', 'lstm'] as const)(
    '%s agrees with the JavaScript loops: outputs within 2e-6, gradients within 1e-5 (relative to 1)',
    async (kind) => {
      await T.initWasm()
      // hidden 32, batch 8: a step's gate pre-activations hold 768 (GRU) or 1,024 (LSTM) floats, enough for the kernel (ROWS_MIN 256)
      const layer = (kind === 'gru' ? nn.gru(6, 32) : nn.lstm(6, 32)) as nn.RecurrentLayer<unknown, unknown>
      const params = layer.init(3)
      const x = T.normal(T.prngKey(4), [8, 5, 6])
      const h0 = T.mul(T.normal(T.prngKey(5), [8, 32]), 0.5)
      const state = kind === 'lstm' ? { h: h0, c: T.mul(h0, 2) } : h0
      const run = () => {
        const y = list(layer.run(params as never, x, { state }).output)
        const g = AG.grad((p: nn.RecurrentParams) => AG.sum(AG.square(layer.run(p as never, x, { state }).output)))(
          params as never,
        ) as unknown as Record<string, T.Tensor>
        return { y, g }
      }
      const wasm = run()
      const restore = T.useWasm(false)
      let js: ReturnType<typeof run>
      try {
        js = run()
      } finally {
        restore()
      }
      // float32 σ and tanh (a few ulps) and float32 arguments, carried through five steps
      wasm.y.forEach((v, i) => expect(Math.abs(v - js.y[i]!)).toBeLessThan(2e-6))
      for (const k of ['wx', 'wh', 'bx', 'bh'])
        list(wasm.g[k]!).forEach((v, i) =>
          expect(Math.abs(v - js.g[k]!.data[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(js.g[k]!.data[i]!))),
        )
    },
  )
})

describe('bad arguments', () => {
  const layer = nn.gru(3, 4)
  const params = layer.init(0)
  const x = T.ones([2, 5, 3])
  it.each([
    [() => nn.rnn(0, 4), 'rnn: inputSize must be a positive integer, got 0'],
    [() => nn.gru(3, 2.5), 'gru: hiddenSize must be a positive integer, got 2.5'],
    [
      () => nn.rnn(3, 4, { nonlinearity: 'sigmoid' as never }),
      'rnn: nonlinearity must be "tanh" or "relu", got "sigmoid"',
    ],
    [
      () => nn.rnn(3, 4, { nonlinerity: 'relu' } as never),
      'rnn: unknown option nonlinerity, expected one of nonlinearity, bias; did you mean nonlinearity?',
    ],
    [
      () => nn.lstm(3, 4, { biases: false } as never),
      'lstm: unknown option biases, expected one of bias; did you mean bias?',
    ],
    [
      () => layer.apply(params, T.ones([5, 3])),
      "gru: x must be a float32 sequence of shape [batch, time, 3] (the parameters' dtype), got a float32 Tensor of shape [5,3]",
    ],
    [
      () => layer.apply(params, T.ones([2, 5, 4])),
      "gru: x must be a float32 sequence of shape [batch, time, 3] (the parameters' dtype), got a float32 Tensor of shape [2,5,4]",
    ],
    [
      () => layer.apply(params, [[[1, 2, 3]]] as never),
      "gru: x must be a float32 sequence of shape [batch, time, 3] (the parameters' dtype), got an array of length 1",
    ],
    [
      () => layer.apply(params, T.ones([2, 5, 3], { dtype: 'float64' })),
      "gru: x must be a float32 sequence of shape [batch, time, 3] (the parameters' dtype), got a float64 Tensor of shape [2,5,3]",
    ],
    [
      () => layer.apply({ ...params, wx: T.ones([3, 12], { dtype: 'int32' }) }, x),
      'gru: params.wx must be a float32 or float64 Tensor or Var of shape [3,12], got an int32 Tensor of shape [3,12]',
    ],
    [
      () => layer.apply({ ...params, bh: T.ones([12], { dtype: 'float64' }) }, x),
      'gru: params.bh must be a float32 Tensor or Var of shape [12], got a float64 Tensor of shape [12]',
    ],
    [
      () => layer.apply({ ...params, wh: T.ones([4, 4]) }, x),
      'gru: params.wh must be a float32 Tensor or Var of shape [4,12], got a float32 Tensor of shape [4,4]',
    ],
    [
      () => layer.apply({ wx: params.wx, wh: params.wh }, x),
      'gru: params.bx must be a float32 Tensor or Var of shape [12], got undefined',
    ],
    [
      () => nn.gru(3, 4, { bias: false }).apply(params, x),
      'gru: params.bx must be absent (the layer was made with bias: false), got a float32 Tensor of shape [12]',
    ],
    [
      () => layer.apply([params] as never, x),
      "gru: params must be the layer's parameters { wx, wh, bx, bh }, got an array of length 1",
    ],
    [
      () => layer.apply(params, x, { trian: true } as never),
      'gru: unknown option trian, expected one of train, key; did you mean train?',
    ],
    [
      () => layer.run(params, x, { state: T.ones([4, 2]) }),
      'gru: state must be a float32 Tensor or Var of shape [2,4] (batch, hidden), got a float32 Tensor of shape [4,2]',
    ],
    [
      () => layer.run(params, x, { sate: T.ones([2, 4]) } as never),
      'gru: unknown option sate, expected one of state, train, key; did you mean state?',
    ],
    [() => layer.run(params, x, { train: 1 } as never), 'gru: train must be a boolean, got 1'],
    [
      () => nn.lstm(3, 4).run(nn.lstm(3, 4).init(0), x, { state: T.ones([2, 4]) as never }),
      'lstm: state must be an object { h, c }, got a float32 Tensor of shape [2,4]',
    ],
    [
      () => nn.lstm(3, 4).run(nn.lstm(3, 4).init(0), x, { state: { h: T.ones([2, 4]), c: T.ones([2, 3]) } }),
      'lstm: state.c must be a float32 Tensor or Var of shape [2,4] (batch, hidden), got a float32 Tensor of shape [2,3]',
    ],
  ])('%#: %s', (call, message) => {
    expect(call).toThrow(new Error(message as string))
  })
})

describe('vanishing gradients through time', () => {
  /**
   * ‖∂(Σ h_T)/∂x_t‖ for each step t of a 40-step sequence, at the layers' default init (input 8,
   * hidden 32, batch 4), averaged in log over three seeds: what the docs page plots.
   */
  function profile(make: () => nn.RecurrentLayer<unknown, unknown>, steps = 40): number[] {
    const logs = Array(steps).fill(0) as number[]
    for (const seed of [0, 1, 2]) {
      const layer = make()
      const params = in64(layer.init(seed))
      const x = T.normal(T.prngKey(100 + seed), [4, steps, 8], { dtype: 'float64' })
      const g = AG.grad((xv: AG.Var) => AG.sum(AG.slice(layer.apply(params, xv), [0, steps - 1, 0], [4, 1, 32])))(
        x,
      ) as T.Tensor
      for (let t = 0; t < steps; t++) logs[t]! += Math.log10(T.norm(T.slice(g, [0, t, 0], [4, 1, 8])).item()) / 3
    }
    return logs
  }

  it('the gradient reaching back t steps falls much faster for a plain tanh RNN than for the GRU and the LSTM', () => {
    const plain = profile(() => nn.rnn(8, 32))
    const gated = [profile(() => nn.gru(8, 32)), profile(() => nn.lstm(8, 32))]
    // decades lost between the last step and the first, 39 steps back
    const drop = (p: number[]) => p.at(-1)! - p[0]!
    for (const g of gated) {
      expect(drop(plain)).toBeGreaterThan(drop(g) + 1) // at least 10× less gradient left for the plain RNN
    }
  })
})

describe('the TSDoc examples, as written', () => {
  it('rnn, gru, lstm and their types', () => {
    const ones = T.ones
    const zeros = T.zeros
    // rnn
    {
      const layer = nn.rnn(3, 4)
      const params = layer.init(0)
      expect(layer.apply(params, ones([2, 5, 3])).shape).toEqual([2, 5, 4])
      const { output, state } = layer.run(params, ones([2, 5, 3]), { state: zeros([2, 4]) })
      expect(state.shape).toEqual([2, 4])
      expect(list(state)).toEqual(list(AG.slice(output, [0, 4, 0], [2, 1, 4])))
      const options: nn.RnnOptions = { nonlinearity: 'relu', bias: false }
      expect(nn.rnn(3, 4, options).name).toBe('rnn(3 → 4, relu)')
    }
    // gru
    {
      const layer = nn.gru(3, 4)
      const params = layer.init(0)
      const first = layer.run(params, ones([2, 5, 3]))
      const second = layer.run(params, ones([2, 5, 3]), { state: first.state })
      expect(second.output.shape).toEqual([2, 5, 4])
      const options: nn.RecurrentOptions = { bias: false }
      expect(nn.gru(3, 4, options).init(0).bx).toBeUndefined()
      const p: nn.RecurrentParams = nn.gru(3, 4).init(0)
      expect([p.wx.shape, p.wh.shape, p.bh?.shape]).toEqual([[3, 12], [4, 12], [12]])
      const runOptions: nn.RunOptions<T.Tensor> = { state: zeros([2, 4]) }
      expect(layer.run(layer.init(0), ones([2, 5, 3]), runOptions).state.shape).toEqual([2, 4])
    }
    // lstm
    {
      const layer = nn.lstm(3, 4)
      const params = layer.init(0)
      const { output, state } = layer.run(params, ones([2, 5, 3]))
      expect(output.shape).toEqual([2, 5, 4])
      expect(state.h.shape).toEqual([2, 4])
      expect(list(state.h)).toEqual(list(AG.slice(output, [0, 4, 0], [2, 1, 4])))
      expect(layer.run(params, ones([2, 5, 3]), { state }).state.c.shape).toEqual([2, 4])
      const s: nn.LstmState = { h: zeros([2, 4]), c: zeros([2, 4]) }
      expect(layer.run(layer.init(0), ones([2, 5, 3]), { state: s }).state.c.shape).toEqual([2, 4])
      const typed: nn.RecurrentLayer<nn.LstmState<AG.Var>, nn.LstmState> = nn.lstm(3, 4)
      expect(typed.hiddenSize).toBe(4)
      expect(typed.apply(typed.init(0), ones([2, 5, 3])).shape).toEqual([2, 5, 4])
    }
    // RunResult
    {
      const layer = nn.rnn(3, 4)
      const r: nn.RunResult<AG.Var> = layer.run(layer.init(0), ones([2, 5, 3]))
      expect([r.output.shape, r.state.shape]).toEqual([
        [2, 5, 4],
        [2, 4],
      ])
    }
  })
})
