import * as api from '@gd/nn'
import type { Layer } from '@gd/nn'
import { ones, prngKey, tensor, zeros } from '@gd/tensor'
import { fuzzSuite, type FuzzCall } from '@gd/testing'

type Make = (...args: any[]) => Layer<any, any>

/**
 * A layer factory's rows: its own arguments (probing the layer by one apply), then the layer's
 * init(key), apply(params, x, options) and, when it has state, applyWithState.
 */
function layer(make: Make, args: () => unknown[], x: () => unknown, factoryOptions?: number): FuzzCall[] {
  const build = () => make(...args())
  const name = build().name
  const rows: FuzzCall[] = [
    { args, then: (l: Layer) => l.apply(l.init(0), x() as never, { train: true, key: prngKey(1) }), ...(factoryOptions === undefined ? {} : { options: [factoryOptions] }) },
    { label: `${name}.init`, args: () => [0], call: (key) => build().init(key) },
    {
      label: `${name}.apply`,
      args: () => [build().init(0), x(), { train: true, key: prngKey(1) }],
      options: [2],
      call: (params, input, options) => build().apply(params, input, options),
    },
  ]
  if (build().initState !== undefined) {
    rows.push({
      label: `${name}.applyWithState`,
      args: () => {
        const l = build()
        return [l.init(0), l.initState!(), x(), { train: true }]
      },
      options: [3],
      call: (params, state, input, options) => build().applyWithState!(params, state, input, options),
    })
  }
  return rows
}

const act = (make: Make, args: () => unknown[] = () => []) => layer(make, args, () => tensor([[-1, 0.5]]))
const image = () => ones([1, 2, 4, 4])

// issue 17: no engine crash, no silently accepted bad input, no mutated input
const limits = { crash: 0, silent: 0, mutated: 0 }

fuzzSuite('@gd/nn', api, {
  relu: act(api.relu),
  sigmoid: act(api.sigmoid),
  tanh: act(api.tanh),
  leakyRelu: act(api.leakyRelu, () => [0.1]),
  elu: act(api.elu, () => [1]),
  gelu: act(api.gelu),
  softplus: act(api.softplus),
  softmax: act(api.softmax),
  logSoftmax: act(api.logSoftmax),
  batchNorm: layer(api.batchNorm, () => [2, { momentum: 0.1, eps: 1e-5, affine: true }], () => tensor([[1, 2], [3, 5]]), 1),
  conv2d: layer(api.conv2d, () => [2, 3, 3, { padding: 'same', stride: 1, bias: true }], image, 3),
  dropout: layer(api.dropout, () => [0.5], () => ones([4])),
  initState: { args: () => [api.sequential(api.linear(2, 3), api.batchNorm(3), api.relu())] },
  applyWithState: {
    args: () => {
      const model = api.sequential(api.linear(2, 3), api.batchNorm(3))
      return [model, model.init(0), api.initState(model), ones([4, 2]), { train: true }]
    },
    options: [4],
  },
  stateless: { args: () => ['double', (x: never) => x], keep: { 1: 'any function is a valid body' }, then: (l: Layer) => l.apply({}, tensor([1])) },
  linear: layer(api.linear, () => [3, 2, { bias: true }], () => ones([4, 3]), 2),
  parameterCount: { args: () => [{ w: zeros([3, 2]), b: zeros([2]) }] },
  maxPool2d: layer(api.maxPool2d, () => [{ kernelSize: 2, stride: 2 }], image, 0),
  avgPool2d: layer(api.avgPool2d, () => [{ kernelSize: 2, stride: 2 }], image, 0),
  flatten: layer(api.flatten, () => [], image),
  sequential: layer(api.sequential, () => [api.linear(3, 4), api.relu(), api.linear(4, 2)], () => ones([2, 3])),
}, limits)
