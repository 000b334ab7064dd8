import * as api from '@gd/autograd'
import type { Var } from '@gd/autograd'
import * as T from '@gd/tensor'
import { fuzzSuite, type FuzzCall, type FuzzTable } from '@gd/testing'

const { tensor, ones } = T
const f64 = (values: number[]) => tensor(values, { dtype: 'float64' })
/** A [2, 3] float32 operand, positive so every unary op is in its domain. */
const x23 = () =>
  tensor([
    [0.5, 1, 1.5],
    [2, 2.5, 3],
  ])
const ints = (values: number[]) => tensor(values, { dtype: 'int32' })
const image = () => ones([1, 1, 3, 3])
const kernel = () => ones([1, 1, 2, 2])
const cube = (x: Var) => api.sum(api.mul(api.mul(x, x), x))

const rows = (names: readonly string[], row: FuzzCall): FuzzTable => Object.fromEntries(names.map((n) => [n, row]))

const unary = [
  'identity',
  'sigmoid',
  'relu',
  'gelu',
  'softplus',
  'neg',
  'exp',
  'log',
  'log1p',
  'expm1',
  'sqrt',
  'sin',
  'cos',
  'tanh',
  'abs',
  'square',
  'reciprocal',
  'rsqrt',
]
const binary = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum']
const reductions = ['sum', 'mean', 'max', 'min', 'logSumExp']

// every export clean: no crash, no silent acceptance, no failing call that changes its inputs
fuzzSuite('@gd/autograd', api, {
  ...rows(unary, { args: () => [x23()] }),
  ...rows(binary, { args: () => [x23(), tensor([1, 2, 0.5])] }),
  ...rows(reductions, { args: () => [x23(), { axis: 1, keepdims: true }], options: [1] }),
  variance: { args: () => [x23(), { axis: 1, keepdims: false, correction: 1 }], options: [1] },
  std: { args: () => [x23(), { axis: 0, keepdims: true, correction: 0 }], options: [1] },
  norm: { args: () => [x23(), { axis: 1, keepdims: false, ord: 2 }], options: [1] },
  customGradient: {
    args: () => [(x: Var) => ({ value: T.sign(x.value), gradient: (g: Var) => [g] })],
    then: (steSign) => api.grad((x: Var) => api.sum(steSign(x)))(tensor([-2, 3])),
  },
  stopGradient: { args: () => [x23()] },
  grad: [
    {
      args: () => [(p: { w: Var }) => api.sum(api.mul(p.w, p.w)), { argnums: 0 }],
      options: [1],
      then: (df) => df({ w: tensor([1, 2]) }).w,
    },
    {
      label: 'grad(f)(x)',
      args: () => [{ w: tensor([1, 2]) }],
      call: (p) => api.grad((q: { w: Var }) => api.sum(api.mul(q.w, q.w)))(p),
    },
  ],
  valueAndGrad: [
    {
      args: () => [(w: Var) => api.mean(api.square(api.sub(w, 3))), { hasAux: false }],
      options: [1],
      then: (vg) => vg(tensor([1])),
    },
    {
      label: 'valueAndGrad(f)(x)',
      args: () => [tensor([1, 2])],
      call: (x) => api.valueAndGrad((w: Var) => api.mean(api.square(w)))(x),
    },
  ],
  vjp: [
    { args: () => [(x: Var) => api.mul(x, x), tensor([1, 2])], then: ([, pullback]) => pullback(tensor([1, 1])) },
    {
      label: 'vjp(…)[1](cotangent)',
      args: () => [tensor([1, 1])],
      call: (g) => api.vjp((x: Var) => api.mul(x, x), tensor([1, 2]))[1](g),
    },
  ],
  gradcheck: {
    args: () => [
      (x: Var, y: Var) => api.mul(api.sin(x), y),
      [f64([0.5, 1]), f64([2, 3])],
      { eps: 1e-6, atol: 1e-5, rtol: 1e-3, mode: 'full', projections: 2, seed: 0 },
    ],
    options: [2],
    maxCalls: 60,
  },
  gradgradcheck: {
    args: () => [(x: Var) => api.mul(api.mul(x, x), x), [f64([0.5, -1])], { eps: 1e-6, atol: 1e-5, rtol: 1e-3 }],
    options: [2],
    maxCalls: 40,
  },
  jacobian: [
    { args: () => [(x: Var) => api.mul(x, x)], then: (j) => j(tensor([1, 2])) },
    { label: 'jacobian(f)(x)', args: () => [tensor([1, 2])], call: (x) => api.jacobian((v: Var) => api.mul(v, v))(x) },
  ],
  hessian: [
    { args: () => [cube], then: (h) => h(tensor([1, 2])) },
    { label: 'hessian(f)(x)', args: () => [tensor([1, 2])], call: (x) => api.hessian(cube)(x) },
  ],
  jvp: { args: () => [(x: Var) => api.mul(x, x), [tensor([3, 4])], [tensor([1, 0])]] },
  hvp: [
    { args: () => [cube, tensor([1, 2]), tensor([1, 1])] },
    {
      label: 'hvp(f, tree, tree)',
      // f(a, b) = Σ a²·b: the tangent tree must pair with x by key
      args: () => [
        (p: { a: Var; b: Var }) => api.sum(api.mul(api.mul(p.a, p.a), p.b)),
        { a: tensor([1, 2]), b: tensor([3, 4]) },
        { a: tensor([1, 0]), b: tensor([0, 1]) },
      ],
    },
  ],
  numericalGradient: {
    args: () => [(t: T.Tensor<'float64'>) => t.data[0]! ** 2 + 3 * t.data[1]!, f64([1, 2]), { eps: 1e-6 }],
    options: [2],
  },
  leakyRelu: { args: () => [tensor([-10, 2]), 0.01] },
  elu: { args: () => [tensor([-1, 1]), 1] },
  logSoftmax: { args: () => [x23(), 1] },
  softmax: { args: () => [x23(), -1] },
  where: { args: () => [tensor([true, false]), tensor([1, 2]), 0] },
  broadcastTo: { args: () => [tensor([1, 2]), [3, 2]] },
  sumTo: { args: () => [api.toVar('x', ones([3, 2])), [2]] },
  tile: { args: () => [tensor([1, 2]), [2]] },
  conv2d: { args: () => [image(), kernel(), { stride: 1, padding: 'same', dilation: 1, groups: 1 }], options: [2] },
  conv2dBackwardInput: {
    args: () => [ones([1, 1, 2, 2]), kernel(), [1, 1, 3, 3], { stride: 1, padding: 'valid' }],
    options: [3],
  },
  conv2dBackwardFilter: {
    args: () => [image(), ones([1, 1, 2, 2]), [1, 1, 2, 2], { stride: 1, padding: 'valid' }],
    options: [3],
  },
  avgPool2d: { args: () => [ones([1, 1, 4, 4]), { kernelSize: 2, stride: 2, padding: 'valid' }], options: [1] },
  maxPool2d: { args: () => [ones([1, 1, 4, 4]), { kernelSize: 2, stride: 2, padding: 'valid' }], options: [1] },
  matmul: { args: () => [x23(), x23(), { transposeA: false, transposeB: true }], options: [2] },
  affine: { args: () => [x23(), ones([3, 2]), tensor([0.5, -1])] },
  dot: { args: () => [tensor([1, 2]), tensor([3, 4])] },
  outer: { args: () => [tensor([1, 2]), tensor([3, 4])] },
  clip: { args: () => [tensor([-1, 0.5, 2]), 0, 1] },
  reshape: { args: () => [x23(), [3, 2]] },
  transpose: { args: () => [x23(), [1, 0]] },
  expandDims: { args: () => [x23(), 0] },
  squeeze: { args: () => [ones([1, 2]), 0] },
  flatten: { args: () => [ones([4, 2, 3]), { keepBatch: true }], options: [1] },
  slice: { args: () => [x23(), [0, 1], [2, 2]] },
  pad: { args: () => [tensor([1]), [[1, 1]], 0] },
  concat: { args: () => [[tensor([1]), tensor([2, 3])], 0] },
  stack: { args: () => [[tensor([1]), tensor([2])], 0] },
  split: { args: () => [x23(), [1, 2], 1] },
  flip: { args: () => [x23(), [0, 1]] },
  takeAlongAxis: { args: () => [x23(), T.reshape(ints([2, 0, 1, 1]), [2, 2]), 1] },
  scatterAddAlongAxis: {
    args: () => [
      [2, 3],
      T.reshape(ints([2, 0, 1, 1]), [2, 2]),
      tensor([
        [1, 2],
        [3, 4],
      ]),
      1,
    ],
  },
  scan: {
    args: () => [(c: Var, xt: Var) => [api.add(c, xt), api.mul(c, 2)], tensor([0, 1, 2]), x23(), { reverse: true }],
    options: [3],
  },
  tril: { args: () => [x23(), 1] },
  triu: { args: () => [x23(), -1] },
  gather: { args: () => [tensor([5, 6, 7]), ints([2, 0]), 0] },
  scatterAdd: { args: () => [[2], ints([1, 1]), tensor([3, 4]), 0] },
  oneHot: { args: () => [ints([1, 0]), 2, { dtype: 'float64' }], options: [2] },
  primitive: {
    args: () => [
      {
        name: 'square',
        inputNames: ['x'],
        forward: (x: T.Tensor) => T.mul(x, x),
        backward: (g: Var, [x]: readonly Var[]) => [api.mul(g, api.mul(x!, 2))],
      },
    ],
    then: (square) => api.grad((x: Var) => api.sum(square(x)))(tensor([1, 2])),
  },
  apply: {
    args: () => [
      { name: 'double', forward: (x: T.Tensor) => T.mul(x, 2), backward: (g: Var) => [api.mul(g, 2)] },
      [tensor([1, 2])],
    ],
  },
  Var: { args: () => [tensor([1, 2])], call: (t) => new api.Var(t) },
  isInput: { args: () => [tensor([1])] },
  toVar: { args: () => ['add', tensor([2]), 'float32'] },
  isRecording: { args: () => [] },
  noGrad: { args: () => [() => api.mul(tensor([3]), 1)] },
  withRecording: { args: () => [false, () => api.mul(tensor([3]), 1)] },
  peekId: { args: () => [] },
  withLevel: { args: () => ['mine', (level: { bit: number }) => level.bit] },
  leaf: { args: () => [tensor([1, 2])], call: (x) => api.withLevel('mine', (level) => api.leaf(x, level)) },
})
