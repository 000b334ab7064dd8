import * as api from '@gd/tensor'
import * as internal from '@gd/tensor/internal'
import * as threads from './threads.js'
import type { Tensor } from '@gd/tensor'
// @gd/tensor cannot list @gd/testing (which depends on it); its tests reach the harness by its entry.
import { fuzzSuite, type FuzzCall, type FuzzTable } from '../../testing/src/index.js'

const { tensor, ones, prngKey } = api
const ints = (values: number[]) => tensor(values, { dtype: 'int32' })
/** A [2, 3] float32 operand, positive so every unary op is in its domain. */
const x23 = () =>
  tensor([
    [0.5, 1, 1.5],
    [2, 2.5, 3],
  ])
const image = () =>
  tensor([
    [
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
    ],
  ])
const pooled = () =>
  tensor([
    [
      [
        [1, 2, 5, 6],
        [3, 4, 7, 8],
      ],
    ],
  ])
const pool = () => ({ kernelSize: 2, stride: 2, padding: 'valid' })

const rows = (names: readonly string[], row: FuzzCall): FuzzTable => Object.fromEntries(names.map((n) => [n, row]))

const unary = [
  'neg',
  'abs',
  'sign',
  'square',
  'sqrt',
  'rsqrt',
  'reciprocal',
  'exp',
  'log',
  'log1p',
  'expm1',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu',
  'floor',
  'isFinite',
  'isNaN',
  'contiguous',
  'flatten',
  'matrixTranspose',
]
const binary = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'equal',
  'notEqual',
  'greater',
  'greaterEqual',
  'less',
  'lessEqual',
  'reluGrad',
]
const reductions = ['sum', 'prod', 'mean', 'max', 'min', 'logSumExp', 'argmax', 'argmin']
const uniformOptions = { low: -1, high: 1, dtype: 'float64' }

// every export clean: no crash, no silent acceptance, no failing call that changes its inputs
fuzzSuite('@gd/tensor', api, {
  ...rows(unary, { args: () => [x23()] }),
  ...rows(binary, { args: () => [x23(), tensor([1, 2, 0.5])] }),
  ...rows(reductions, { args: () => [x23(), { axis: 1, keepdims: true }], options: [1] }),
  variance: { args: () => [x23(), { axis: 1, keepdims: false, correction: 1 }], options: [1] },
  std: { args: () => [x23(), { axis: 0, keepdims: true, correction: 0 }], options: [1] },
  norm: { args: () => [x23(), { axis: 1, keepdims: false, ord: 1 }], options: [1] },
  logicalNot: { args: () => [tensor([true, false])] },
  conv2d: {
    args: () => [image(), ones([1, 1, 2, 2]), { stride: 1, padding: 'same', dilation: 1, groups: 1 }],
    options: [2],
  },
  conv2dBackwardInput: {
    args: () => [ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), [1, 1, 3, 3], { stride: 1, padding: 'valid' }],
    options: [3],
  },
  conv2dBackwardFilter: {
    args: () => [image(), ones([1, 1, 2, 2]), [1, 1, 2, 2], { stride: 1, padding: 'valid' }],
    options: [3],
  },
  full: { args: () => [[2, 2], 7, { dtype: 'int32' }], options: [2] },
  zeros: { args: () => [[2, 3], { dtype: 'float64' }], options: [1] },
  ones: { args: () => [[3], { dtype: 'int32' }], options: [1] },
  scalar: { args: () => [2.5, { dtype: 'float64' }], options: [1] },
  zerosLike: { args: () => [x23(), { dtype: 'float64' }], options: [1] },
  onesLike: { args: () => [x23(), { dtype: 'int32' }], options: [1] },
  fullLike: { args: () => [x23(), 3, { dtype: 'float64' }], options: [2] },
  arange: { args: () => [1, 2, 0.25, { dtype: 'float64' }], options: [3] },
  linspace: { args: () => [0, 1, 5, { dtype: 'float64' }], options: [3] },
  eye: { args: () => [2, 3, { dtype: 'float64' }], options: [2] },
  cast: { args: () => [tensor([1.7, -1.7, 0]), 'int32'] },
  dtypes: { exempt: 'a constant list of dtype names' },
  promoteTypes: { args: () => ['int32', 'float32'] },
  gather: {
    args: () => [
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      ints([2, 0]),
      0,
    ],
  },
  scatterAdd: { args: () => [[3], ints([0, 2, 0]), tensor([1, 2, 3]), 0] },
  oneHot: { args: () => [ints([2, 0]), 3, { dtype: 'float64' }], options: [2] },
  concat: { args: () => [[tensor([[1, 2]]), tensor([[3, 4]])], 0] },
  stack: { args: () => [[tensor([1, 2]), tensor([3, 4])], 1] },
  split: { args: () => [x23(), [1, 2], 1] },
  tile: { args: () => [tensor([[1, 2]]), [2, 1]] },
  takeAlongAxis: { args: () => [x23(), api.reshape(ints([2, 0, 1, 1]), [2, 2]), 1] },
  scatterAddAlongAxis: {
    args: () => [
      [2, 3],
      api.reshape(ints([2, 0, 1, 1]), [2, 2]),
      tensor([
        [1, 2],
        [3, 4],
      ]),
      1,
    ],
  },
  tril: { args: () => [x23(), 1] },
  triu: { args: () => [x23(), -1] },
  matmul: { args: () => [x23(), x23(), { transposeA: false, transposeB: true }], options: [2] },
  dot: { args: () => [tensor([1, 2, 3]), tensor([4, 5, 6])] },
  outer: { args: () => [tensor([1, 2]), tensor([3, 4, 5])] },
  maxPool2d: { args: () => [pooled(), pool()], options: [1] },
  maxPool2dBackward: { args: () => [tensor([[[[10, 20]]]]), pooled(), pool()], options: [2] },
  avgPool2d: { args: () => [pooled(), pool()], options: [1] },
  avgPool2dBackward: { args: () => [tensor([[[[4, 8]]]]), [1, 1, 2, 4], pool()], options: [2] },
  uniform: { args: () => [prngKey(0), [2, 3], { ...uniformOptions }], options: [2] },
  normal: { args: () => [prngKey(0), [4], { mean: 2, std: 0.5, dtype: 'float64' }], options: [2] },
  truncatedNormal: {
    args: () => [prngKey(0), [3, 3], { mean: 0, std: 0.02, lower: -2, upper: 2, dtype: 'float32' }],
    options: [2],
  },
  bernoulli: { args: () => [prngKey(0), [4, 4], { p: 0.9, dtype: 'float32' }], options: [2] },
  randint: { args: () => [prngKey(0), [5], 0, 10, { dtype: 'int32' }], options: [4] },
  permutation: { args: () => [prngKey(0), 5, { dtype: 'int32' }], options: [2] },
  categorical: {
    args: () => [
      prngKey(0),
      tensor([
        [0, 1, -Infinity],
        [2, 0, 0],
      ]),
      { axis: -1, shape: [3, 2] },
    ],
    options: [2],
  },
  multinomial: {
    args: () => [
      prngKey(0),
      tensor([
        [1, 0, 2],
        [3, 1, 1],
      ]),
      2,
      { replacement: false },
    ],
    options: [3],
  },
  shuffle: {
    args: () => [
      prngKey(0),
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      { axis: 0 },
    ],
    options: [2],
  },
  prngKey: { args: () => [42] },
  splitKey: { args: () => [prngKey(0), 3] },
  foldIn: { args: () => [prngKey(1), 17] },
  fusedKernels: { args: () => [] },
  kernels: { exempt: 'the table of kernel functions, an object' },
  useKernels: { args: () => [{ gemm: api.kernels.gemm }], call: (replacements) => api.useKernels(replacements)() },
  resetKernels: { args: () => [] },
  useWasm: { args: () => [true], call: (enabled) => api.useWasm(enabled)() },
  kernelBackend: { args: () => [] },
  initWasm: { args: () => [] },
  where: { args: () => [tensor([true, false]), tensor([1, 2]), 0] },
  clip: { args: () => [tensor([-2, 0.5, 3]), 0, 1] },
  MAX_ELEMENTS: { exempt: 'a number constant' },
  slice: { args: () => [x23(), [0, 1], [2, 2]] },
  flip: { args: () => [x23(), 1] },
  pad: {
    args: () => [
      tensor([[1, 2]]),
      [
        [1, 0],
        [0, 1],
      ],
      0,
    ],
  },
  Tensor: {
    args: () => [new Float32Array([1, 2, 3, 4]), [2, 2], 'float32', [2, 1], 0],
    call: (...a: any[]) => new (api.Tensor as any)(...a),
  },
  tensor: {
    args: () => [
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float64', shape: [2, 3] },
    ],
    options: [1],
  },
  treeLeaves: { args: () => [{ w: x23(), b: [tensor([1])] }] },
  treeMap: { args: () => [(t: Tensor) => api.mul(t, 2), { a: tensor([1, 2]) }] },
  mapStructure: {
    args: () => ['double', (x: unknown): x is number => typeof x === 'number', (x: number) => 2 * x, { a: [1, 2] }],
    keep: { 1: 'the caller’s own leaf test', 2: 'the caller’s own map' },
  },
  reshape: { args: () => [x23(), [3, -1]] },
  transpose: { args: () => [x23(), [1, 0]] },
  expandDims: { args: () => [x23(), -1] },
  squeeze: { args: () => [ones([1, 2, 1]), [0]] },
  broadcastTo: { args: () => [tensor([1, 2]), [2, 2]] },
  toWasmMemory: { args: () => [{ w: tensor([1, 2]), b: [tensor([3])] }] },
  memoryStats: { args: () => [] },
})

// The ./internal subpath (for @gd's own packages): every export clean as well
fuzzSuite('@gd/tensor/internal', internal, {
  checkDtype: { args: () => ['sum', x23(), ['float32', 'float64'], 'x'] },
  allocate: { args: () => ['int32', 3] },
  isFloat: { args: () => ['float64'] },
  checkFloatPair: { args: () => ['conv2d', 'float64', 'float64'] },
  matmulFlags: { args: () => [x23(), x23(), false, true] },
  normalPdf: { args: () => [0] },
  normalCdf: { args: () => [1.959963984540054] },
  normalQuantile: { args: () => [0.975] },
  threefry2x32: { args: () => [[0, 0], 0, 0, new Uint32Array(2), 0] },
  checkKey: { args: () => ['dropout', [0, 7]] },
  randomBits: { args: () => [prngKey(0), 4] },
  checkShape: { args: () => ['zeros', [2, 3], 'shape'] },
  sizeOf: { args: () => [[2, 3, 4]] },
  stridesOf: { args: () => [[2, 3, 4]] },
  broadcastShapes: { args: () => ['add', [2, 1, 3], [4, 1]] },
  normalizeAxis: { args: () => ['sum', -1, 3] },
  normalizeAxes: { args: () => ['sum', [-1, 0], 3] },
  permutationOf: { args: () => [[0, -1, 1], 3] },
  formatList: { args: () => [[2, 3]] },
  typeName: { args: () => [x23()] },
  sameShape: {
    args: () => [
      [2, 3],
      [2, 3],
    ],
  },
  window2d: { args: () => ['conv2d', [4, 4], [3, 3], { padding: 'same', stride: 1, dilation: 1 }], options: [3] },
  readSize2d: { args: () => ['maxPool2d', 'kernelSize', 3] },
  withScope: { args: () => ['step', () => ones([2]), (r: unknown) => r, { parent: null }], options: [3] },
  openScope: { args: () => ['run', { parent: null, advice: 'keep it' }], options: [1] },
  closeScope: { args: () => [internal.openScope('run', { parent: null }), { w: ones([2]) }, 'release'] },
  releaseOwned: { args: () => [{ w: ones([2]) }, internal.openScope('run', { parent: null })] },
  outsideScopes: { args: () => [() => ones([2])] },
  useScopes: { args: () => [internal.scopesOn()], call: (on) => internal.useScopes(on as boolean)() },
  scopesOn: { args: () => [] },
  scopeBlockOf: { args: () => [ones([2])] },
  tensorsIn: { args: () => [{ w: ones([2]), b: [ones([3])], n: 1 }, () => {}, () => undefined] },
  beforeInPlaceWrite: { args: () => [ones([2])] },
  isTracing: { args: () => [] },
  kernel: { args: () => [new Float32Array(2), () => undefined, true], keep: { 1: 'the caller’s own kernel call' } },
  traceConstant: { args: () => [new Float32Array(2)] },
  kernelReading: {
    args: () => [new Float32Array(2), [ones([2])], () => undefined],
    keep: { 2: 'the caller’s own kernel call' },
  },
  isMadeKey: { args: () => [prngKey(0)] },
  TraceRefused: { exempt: 'an error class' },
  recordTrace: {
    args: () => {
      const x = ones([2])
      return [() => api.add(x, 1), [x.storage], (y: Tensor) => [y], [prngKey(1)]]
    },
    keep: { 0: 'the function to record', 2: 'the caller’s own list of outputs' },
  },
  forReplay: { args: () => [ones([2])] },
  wasmGelu: { args: () => [ones([64])] },
  wasmGeluGrad: { args: () => [ones([64]), ones([64])] },
  wasmGruCell: { args: () => [ones([4, 96]), ones([4, 96]), ones([4, 32])] },
  wasmGruCellGrad: { args: () => [ones([4, 32]), ones([4, 96]), ones([4, 32]), api.full([4, 96], 0.5)] },
  wasmSoftmaxRows: { args: () => [ones([1, 1, 16, 16]), 0.5, true, new Uint8Array(16).fill(1)] },
  wasmSoftmaxRowsGrad: { args: () => [ones([16, 16]), ones([16, 16]), 0.5] },
  wasmLstmCell: { args: () => [ones([4, 128]), ones([4, 32])] },
  wasmLstmCellGrad: { args: () => [ones([2, 4, 32]), ones([4, 32]), api.full([640], 0.5)] },
  wasmNormRows: { args: () => [ones([4, 64]), 64, 1e-5, true] },
  wasmNormRowsGrad: { args: () => [ones([4, 64]), ones([4, 64]), 64, 1e-5, false] },
})

// The ./threads subpath: one thread, so only a spoiling that falls back to the default of 2 spawns
// a worker, and each pool made is terminated again.
fuzzSuite('@gd/tensor/threads', threads, {
  threadedGemm: {
    args: () => [{ threads: 1, minMultiplyAdds: 0 }],
    options: [0],
    then: async (gemm: { threads: number }) => {
      await threads.terminateThreads()
      return gemm.threads
    },
  },
  terminateThreads: { args: () => [] },
})
