// The recurrent family's rows for the package-wide suites: fuzz rows (src/fuzz.test.ts), float64
// gradient rows (src/gradients.test.ts) and the exports those rows need not cover.
import { concat, reshape, type Var } from '@gd/autograd'
import * as nn from '@gd/nn'
import { ones, zeros } from '@gd/tensor'
import type { Domain, FuzzCall, GradientRow } from '@gd/testing'
import { layer } from '../fuzzLayer.js'

/** A sequence of batch 2, time 4, 2 features. */
const sequence = () => ones([2, 4, 2])

/** The rows of a recurrent factory: the layer's own rows and its `run` with an initial state. */
function recurrent(
  make: (...args: any[]) => nn.RecurrentLayer<unknown, unknown>,
  args: () => unknown[],
  state: () => unknown,
): FuzzCall[] {
  const build = () => make(...args())
  return [
    ...layer(make, args, sequence, 2),
    {
      label: `${build().name}.run`,
      args: () => [build().init(0), sequence(), { state: state(), train: false }],
      options: [2],
      call: (params, x, options) => build().run(params, x, options),
      then: (r: nn.RunResult<unknown>) => r.output,
    },
  ]
}

export const fuzzRows: Record<string, FuzzCall | FuzzCall[]> = {
  rnn: recurrent(
    nn.rnn,
    () => [2, 3, { nonlinearity: 'tanh', bias: true }],
    () => zeros([2, 3]),
  ),
  gru: recurrent(
    nn.gru,
    () => [2, 3, { bias: true }],
    () => zeros([2, 3]),
  ),
  lstm: recurrent(
    nn.lstm,
    () => [2, 3, { bias: true }],
    () => ({ h: zeros([2, 3]), c: zeros([2, 3]) }),
  ),
}

// Small sizes (batch 2, time 3, input 2, hidden 3) keep gradgradcheck's second differences quick;
// weights in [-1, 1] keep the gates away from saturation, where every derivative is near 0.
const small: Domain = { min: -1, max: 1 }
const rnnLayer = nn.rnn(2, 3)
const reluLayer = nn.rnn(2, 3, { nonlinearity: 'relu' })
/** Positive inputs and weights keep every pre-activation of the relu RNN above 0, away from its kink. */
const positive: Domain = { min: 0.2, max: 1 }
const gruLayer = nn.gru(2, 3)
const lstmLayer = nn.lstm(2, 3)
const rows = (gates: number): [number[], Domain][] => [
  [[2, 3, 2], small],
  [[2, 3 * gates], small],
  [[3, 3 * gates], small],
  [[3 * gates], small],
  [[3 * gates], small],
]
const flat = (v: Var) => reshape(v, [-1])

export const gradientRows: Record<string, GradientRow<Var>> = {
  rnn: { f: (x, wx, wh, bx, bh) => rnnLayer.apply({ wx: wx!, wh: wh!, bx: bx!, bh: bh! }, x!), inputs: rows(1) },
  gru: { f: (x, wx, wh, bx, bh) => gruLayer.apply({ wx: wx!, wh: wh!, bx: bx!, bh: bh! }, x!), inputs: rows(3) },
  lstm: { f: (x, wx, wh, bx, bh) => lstmLayer.apply({ wx: wx!, wh: wh!, bx: bx!, bh: bh! }, x!), inputs: rows(4) },
  'rnn (relu)': {
    f: (x, wx, wh, bx, bh) => reluLayer.apply({ wx: wx!, wh: wh!, bx: bx!, bh: bh! }, x!),
    inputs: rows(1).map(([shape]) => [shape, positive]),
  },
  // The initial state gets gradients too; the outputs and the final state are checked together.
  'gru (run from a state)': {
    f: (x, wx, wh, bx, bh, h) => {
      const r = gruLayer.run({ wx: wx!, wh: wh!, bx: bx!, bh: bh! }, x!, { state: h! })
      return concat([flat(r.output), flat(r.state)])
    },
    inputs: [...rows(3), [[2, 3], small]],
  },
  'lstm (run from a state)': {
    f: (x, wx, wh, bx, bh, h, c) => {
      const r = lstmLayer.run({ wx: wx!, wh: wh!, bx: bx!, bh: bh! }, x!, { state: { h: h!, c: c! } })
      return concat([flat(r.output), flat(r.state.h), flat(r.state.c)])
    },
    inputs: [...rows(4), [[2, 3], small], [[2, 3], small]],
  },
  'rnn (run from a state)': {
    f: (x, wx, wh, bx, bh, h) => {
      const r = rnnLayer.run({ wx: wx!, wh: wh!, bx: bx!, bh: bh! }, x!, { state: h! })
      return concat([flat(r.output), flat(r.state)])
    },
    inputs: [...rows(1), [[2, 3], small]],
  },
}

export const covered: string[] = []
