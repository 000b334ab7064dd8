import * as api from '@gd/nn'
import type { Layer } from '@gd/nn'
import { ones, tensor, zeros } from '@gd/tensor'
import { fuzzSuite } from '@gd/testing'
import { act, image, layer } from '../test/fuzzLayer.js'
import * as recurrent from '../test/rows/recurrent.js'
import * as transformer from '../test/rows/transformer.js'
import * as upsampling from '../test/rows/upsampling.js'

// issue 17: no engine crash, no silently accepted bad input, no mutated input
const limits = { crash: 0, silent: 0, mutated: 0 }

fuzzSuite(
  '@gd/nn',
  api,
  {
    relu: act(api.relu),
    sigmoid: act(api.sigmoid),
    tanh: act(api.tanh),
    leakyRelu: act(api.leakyRelu, () => [0.1]),
    elu: act(api.elu, () => [1]),
    gelu: act(api.gelu),
    softplus: act(api.softplus),
    softmax: act(api.softmax),
    logSoftmax: act(api.logSoftmax),
    batchNorm: layer(
      api.batchNorm,
      () => [2, { momentum: 0.1, eps: 1e-5, affine: true }],
      () =>
        tensor([
          [1, 2],
          [3, 5],
        ]),
      1,
    ),
    conv2d: layer(api.conv2d, () => [2, 3, 3, { padding: 'same', stride: 1, bias: true }], image, 3),
    dropout: layer(
      api.dropout,
      () => [0.5],
      () => ones([4]),
    ),
    initState: { args: () => [api.sequential(api.linear(2, 3), api.batchNorm(3), api.relu())] },
    applyWithState: {
      args: () => {
        const model = api.sequential(api.linear(2, 3), api.batchNorm(3))
        return [model, model.init(0), api.initState(model), ones([4, 2]), { train: true }]
      },
      options: [4],
    },
    stateless: {
      args: () => ['double', (x: never) => x],
      keep: { 1: 'any function is a valid body' },
      then: (l: Layer) => l.apply({}, tensor([1])),
    },
    linear: layer(
      api.linear,
      () => [3, 2, { bias: true }],
      () => ones([4, 3]),
      2,
    ),
    parameterCount: { args: () => [{ w: zeros([3, 2]), b: zeros([2]) }] },
    maxPool2d: layer(api.maxPool2d, () => [{ kernelSize: 2, stride: 2 }], image, 0),
    avgPool2d: layer(api.avgPool2d, () => [{ kernelSize: 2, stride: 2 }], image, 0),
    flatten: layer(api.flatten, () => [], image),
    reshape: layer(api.reshape, () => [[2, -1, 2]], image),
    sequential: layer(
      api.sequential,
      () => [api.linear(3, 4), api.relu(), api.linear(4, 2)],
      () => ones([2, 3]),
    ),
    ...transformer.fuzzRows,
    ...recurrent.fuzzRows,
    ...upsampling.fuzzRows,
  },
  limits,
)
