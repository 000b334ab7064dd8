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

// issue 17's bar: no engine crash, no silently accepted bad input, no mutated input
fuzzSuite('@gd/onnx', api, {
  exportOnnx: [
    row('exportOnnx(mlp)', () => nn.sequential(nn.linear(4, 3), nn.gelu(), nn.dropout(0.1), nn.linear(3, 2), nn.softmax()), [4]),
    row('exportOnnx(cnn)', () => nn.sequential(nn.conv2d(1, 2, 3, { padding: 'same' }), nn.maxPool2d({ kernelSize: 2 }), nn.batchNorm(2), nn.relu(), nn.flatten(), nn.linear(8, 2)), [1, 4, 4]),
    row('exportOnnx(language model)', () => nn.sequential(nn.embedding(6, 4), nn.positionEmbedding(8, 4), nn.transformerBlock(4, 2, { causal: true }), nn.layerNorm(4), nn.linear(4, 6)), ['time'], 20),
    row('exportOnnx(recurrent)', () => nn.sequential(nn.gru(2, 3), nn.residual(nn.lstm(3, 3)), nn.rnn(3, 2, { nonlinearity: 'relu' })), ['time', 2]),
    {
      label: 'exportOnnx(float64 params)',
      args: () => [nn.linear(2, 1), { w: tensor([[1], [2]], { dtype: 'float64' }), b: tensor([3], { dtype: 'float64' }) }, { inputShape: [2] }],
      options: [2],
    },
  ],
})
