// Gradients of every layer with parameters, checked in float64 against central differences
// (gradcheck) and second order (gradgradcheck) on random inputs, as @gd/losses checks its losses.
// Parameter-free layers wrap @gd/autograd ops, which its own property suite checks.
import { add, gradcheck, gradgradcheck, type Var } from '@gd/autograd'
import { anywhere, gradientTable, type Domain, type GradientRow } from '@gd/testing'
import { Tensor, tensor } from '@gd/tensor'
import * as recurrent from '../test/rows/recurrent.js'
import * as transformer from '../test/rows/transformer.js'
import * as upsampling from '../test/rows/upsampling.js'
import * as nn from './index.js'

const f64 = (values: number[], shape: number[]): Tensor => tensor(values, { dtype: 'float64', shape })
const steps = (shape: number[], step: number): Tensor =>
  f64(
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i * step),
    shape,
  )
/** Small noise added to `steps`, so every channel's batch variance stays far from 0 (σ² ≥ 0.25 or so). */
const jitter: Domain = { min: -0.2, max: 0.2 }

const bn2 = nn.batchNorm(3)
const bn4 = nn.batchNorm(2)
const conv = nn.conv2d(2, 3, 2, { stride: 1, padding: 'same' })
const lin = nn.linear(3, 2)
const chain = nn.sequential(nn.linear(3, 2), nn.batchNorm(2))
const chainX = f64([1, 0, 2, -1, 3, 0.5, 0, 2, -2, 1, 1, 1], [4, 3])
const runningState = { mean: f64([0.5, -1, 2], [3]), variance: f64([1, 0.5, 2], [3]) }

const table: Record<string, GradientRow<Var>> = {
  linear: {
    f: (x, w, b) => lin.apply({ w: w!, b: b! }, x!),
    inputs: [
      [[2, 3], anywhere],
      [[3, 2], anywhere],
      [[2], anywhere],
    ],
  },
  conv2d: {
    f: (x, w, b) => conv.apply({ w: w!, b: b! }, x!),
    inputs: [
      [[1, 2, 3, 3], anywhere],
      [[3, 2, 2, 2], anywhere],
      [[3], anywhere],
    ],
  },
  // Training: the gradient flows through the batch mean and variance of each channel.
  batchNorm: {
    f: (x, gamma, beta) => bn2.apply({ gamma: gamma!, beta: beta! }, add(x!, steps([4, 3], 0.5)), { train: true }),
    inputs: [
      [[4, 3], jitter],
      [[3], anywhere],
      [[3], anywhere],
    ],
  },
  'batchNorm (NCHW, training)': {
    f: (x, gamma, beta) =>
      bn4.apply({ gamma: gamma!, beta: beta! }, add(x!, steps([2, 2, 2, 2], 0.5)), { train: true }),
    inputs: [
      [[2, 2, 2, 2], jitter],
      [[2], anywhere],
      [[2], anywhere],
    ],
  },
  'batchNorm (inference)': {
    f: (x, gamma, beta) => bn2.applyWithState({ gamma: gamma!, beta: beta! }, runningState, x!).output,
    inputs: [
      [[2, 3], anywhere],
      [[3], anywhere],
      [[3], anywhere],
    ],
  },
  // The linear bias is cancelled by the batch mean: its gradient is 0, and so are the differences.
  sequential: {
    f: (w, b, gamma, beta) =>
      chain.apply(
        [
          { w: w!, b: b! },
          { gamma: gamma!, beta: beta! },
        ],
        chainX,
        { train: true },
      ),
    inputs: [
      [[3, 2], { min: 0.5, max: 2 }],
      [[2], anywhere],
      [[2], anywhere],
      [[2], anywhere],
    ],
  },
  ...transformer.gradientRows,
  ...recurrent.gradientRows,
  ...upsampling.gradientRows,
}

/** Exports that are not layers with parameters: helpers, and layers whose ops @gd/autograd checks. */
const covered = [
  'applyWithState',
  'initState',
  'parameterCount',
  'stateless',
  'avgPool2d',
  'maxPool2d',
  'flatten',
  'reshape',
  'dropout',
  'relu',
  'sigmoid',
  'tanh',
  'leakyRelu',
  'elu',
  'gelu',
  'softplus',
  'softmax',
  'logSoftmax',
  ...transformer.covered,
  ...recurrent.covered,
  ...upsampling.covered,
]

gradientTable({
  title: 'gradients of every layer with parameters (float64)',
  module: nn,
  exempt: covered,
  rows: table,
  checks: { gradcheck, gradgradcheck },
})
