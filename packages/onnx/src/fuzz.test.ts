import * as api from '@gd/onnx'
import * as nn from '@gd/nn'
import { tensor } from '@gd/tensor'
// @gd/onnx does not list @gd/testing; its tests reach it by its entry, as @gd/schedules' do.
import { fuzzSuite, type FuzzCall } from '../../testing/src/index.js'

/** A row exporting `make()` with its own parameters (and state) and every option given. */
function row(label: string, make: () => nn.Layer<any, any>, inputShape: (number | string)[], opset = 17): FuzzCall {
  return {
    label,
    args: () => {
      const model = make()
      return [model, model.init(0), { inputShape, state: nn.initState(model), inputName: 'x', outputName: 'y', opset }]
    },
    options: [2],
  }
}

/**
 * A row spoiling one part of a model's parameters (or state): the harness replaces `part`, found at
 * `path` in a fresh parameter tree (or state), with each value of its catalogue.
 */
function part(
  label: string,
  make: () => nn.Layer<any, any>,
  inputShape: (number | string)[],
  where: 'params' | 'state',
  path: (string | number)[],
): FuzzCall {
  const tree = (model: nn.Layer<any, any>) => (where === 'params' ? model.init(0) : nn.initState(model))
  const at = (root: any) => path.slice(0, -1).reduce((node, key) => node[key], root)
  return {
    label: `exportOnnx(${label}) with ${where}${path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')} spoiled`,
    args: () => [at(tree(make()))[path.at(-1)!]],
    call: (value: unknown) => {
      const model = make()
      const params = model.init(0)
      const state = nn.initState(model)
      at(where === 'params' ? params : state)[path.at(-1)!] = value
      return api.exportOnnx(model, params, { inputShape, state })
    },
  }
}

const cnn = () =>
  nn.sequential(
    nn.conv2d(1, 2, 3, { padding: 'same' }),
    nn.maxPool2d({ kernelSize: 2 }),
    nn.batchNorm(2),
    nn.relu(),
    nn.flatten(),
    nn.linear(8, 2),
  )
const lm = () =>
  nn.sequential(nn.embedding(6, 4), nn.transformerBlock(4, 2, { causal: true }), nn.gru(4, 3), nn.linear(3, 6))

// issue 17's bar: no engine crash, no silently accepted bad input, no mutated input
fuzzSuite('@gd/onnx', api, {
  exportOnnx: [
    row(
      'exportOnnx(mlp)',
      () => nn.sequential(nn.linear(4, 3), nn.gelu(), nn.dropout(0.1), nn.linear(3, 2), nn.softmax()),
      [4],
    ),
    row('exportOnnx(cnn)', cnn, [1, 4, 4]),
    row(
      'exportOnnx(cnn with a dynamic height and width)',
      () =>
        nn.sequential(
          nn.conv2d(1, 2, 3, { padding: 'same', stride: 2 }),
          nn.conv2d(2, 2, 3, { padding: 'same', dilation: 2 }),
          nn.maxPool2d({ kernelSize: 2, stride: 3, padding: 'same' }),
          nn.avgPool2d({ kernelSize: 1, stride: 2, padding: 'same' }),
        ),
      [1, 'height', 'width'],
    ),
    part('cnn', cnn, [1, 4, 4], 'params', [0, 'w']),
    part('cnn', cnn, [1, 4, 4], 'params', [2]),
    part('cnn', cnn, [1, 4, 4], 'state', [2, 'variance']),
    part('cnn', cnn, [1, 4, 4], 'params', [5, 'b']),
    part('language model', lm, ['time'], 'params', [0, 'w']),
    part('language model', lm, ['time'], 'params', [1, 'attention', 'query']),
    part('language model', lm, ['time'], 'params', [1, 'norm2', 'gamma']),
    part('language model', lm, ['time'], 'params', [2, 'wx']),
    row(
      'exportOnnx(language model)',
      () =>
        nn.sequential(
          nn.embedding(6, 4),
          nn.positionEmbedding(8, 4),
          nn.transformerBlock(4, 2, { causal: true }),
          nn.layerNorm(4),
          nn.linear(4, 6),
        ),
      ['time'],
      20,
    ),
    row(
      'exportOnnx(recurrent)',
      () => nn.sequential(nn.gru(2, 3), nn.residual(nn.lstm(3, 3)), nn.rnn(3, 2, { nonlinearity: 'relu' })),
      ['time', 2],
    ),
    {
      label: 'exportOnnx(language model with a mask input)',
      args: () => {
        const model = lm()
        return [model, model.init(0), { inputShape: ['time'], inputName: 'tokens', maskName: 'mask' }]
      },
      options: [2],
    },
    {
      label: 'exportOnnx(float64 params)',
      args: () => [
        nn.linear(2, 1),
        { w: tensor([[1], [2]], { dtype: 'float64' }), b: tensor([3], { dtype: 'float64' }) },
        { inputShape: [2] },
      ],
      options: [2],
    },
  ],
})
