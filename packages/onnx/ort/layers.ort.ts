// Every exportable layer of @gd/nn, exported with random parameters and run in ONNX Runtime: its
// output must equal @gd's own float32 forward pass to float32 rounding.
import { afterAll, describe, it } from 'vitest'
import * as nn from '@gd/nn'
import type { Layer } from '@gd/nn'
import { add, mul, normal, prngKey, tensor, type Tensor } from '@gd/tensor'
import { exportOnnx, type ExportOnnxOptions } from '@gd/onnx'
import { close, runOnnx } from './runtime.js'

/** Exports `model` with params from init (and the state given), runs both, compares. */
async function check(
  model: Layer<any, any>,
  x: Tensor,
  options: Omit<ExportOnnxOptions, 'inputShape'> & { inputShape?: ExportOnnxOptions['inputShape'] } = {},
  params: unknown = model.init(prngKey(7)),
) {
  const state = options.state ?? nn.initState(model)
  const gd = nn.applyWithState(model, params as never, state as never, x).output.value
  const bytes = exportOnnx(model, params, { inputShape: x.shape.slice(1), ...options, state })
  const worst = close(
    await runOnnx(bytes, x, { input: options.inputName ?? 'input', output: options.outputName ?? 'output' }),
    gd,
  )
  largest = Math.max(largest, worst)
  return worst
}

let largest = 0
afterAll(() => console.log(`largest |onnx − @gd| over every layer: ${largest.toExponential(2)}`))

const rand = (shape: number[], seed = 1): Tensor => normal(prngKey(seed), shape)

describe('every layer runs in ONNX Runtime as in @gd', () => {
  it('linear, with and without bias, on rank 2 and 3', async () => {
    await check(nn.linear(5, 3), rand([4, 5]))
    await check(nn.linear(5, 3, { bias: false }), rand([4, 5]))
    await check(nn.linear(5, 3), rand([2, 6, 5]))
  })

  it('the activations', async () => {
    const x = rand([3, 7])
    for (const make of [nn.relu, nn.sigmoid, nn.tanh, nn.gelu, nn.softplus, nn.softmax, nn.logSoftmax])
      await check(make(), x)
    await check(nn.leakyRelu(0.2), x)
    await check(nn.elu(0.7), x)
    await check(nn.softmax(1), rand([2, 3, 4]))
  })

  it('gelu in opsets 17 (composed) and 20 (Gelu with approximate tanh)', async () => {
    await check(nn.gelu(), mul(rand([3, 7]), 3), { opset: 17 })
    await check(nn.gelu(), mul(rand([3, 7]), 3), { opset: 20 })
  })

  it('dropout is the identity; flatten and reshape', async () => {
    await check(nn.dropout(0.5), rand([2, 3]))
    await check(nn.flatten(), rand([2, 3, 4, 5]))
    await check(nn.reshape([3, -1]), rand([2, 12]))
    await check(nn.sequential(nn.reshape([2, 3, 4]), nn.conv2d(2, 1, 2)), rand([2, 24]))
  })

  it('conv2d: padding valid, same, numbers, pairs, four sides; stride, dilation, groups, no bias', async () => {
    const x = rand([2, 4, 9, 8])
    await check(nn.conv2d(4, 6, 3), x)
    await check(nn.conv2d(4, 6, 4, { padding: 'same' }), x)
    await check(nn.conv2d(4, 6, [3, 2], { padding: [1, 2], stride: 2 }), x)
    await check(nn.conv2d(4, 6, 3, { padding: [0, 1, 2, 1], dilation: 2 }), x)
    await check(nn.conv2d(4, 6, 3, { padding: 'same', stride: 2, groups: 2, bias: false }), x)
  })

  it("'same' padding with a dynamic height and width: one file at several sizes, odd padding, strides", async () => {
    // each size gives another padding: e.g. kernel 4, stride 1 pads 3 (1 before, 2 after); kernel 3,
    // stride 2 pads 2 on 7 rows, 1 on 8 (0 before, 1 after); kernel 2, stride 3 pads 1 on 7, 0 on 8 and 9
    const models: Layer<any, any>[] = [
      nn.conv2d(2, 3, 4, { padding: 'same' }),
      nn.conv2d(2, 3, 3, { padding: 'same', stride: 2 }),
      nn.conv2d(2, 3, [2, 3], { padding: 'same', stride: [3, 2] }), // kernel < stride: pads in the graph
      nn.conv2d(2, 4, 3, { padding: 'same', stride: 2, dilation: [2, 1], groups: 2 }), // dilation: in the graph
      nn.maxPool2d({ kernelSize: 3, stride: 2, padding: 'same' }),
      nn.avgPool2d({ kernelSize: [2, 3], stride: 2, padding: 'same' }),
      nn.maxPool2d({ kernelSize: 2, stride: 3, padding: 'same' }),
      nn.avgPool2d({ kernelSize: [1, 2], stride: 3, padding: 'same' }),
      nn.sequential(
        nn.conv2d(2, 4, 3, { padding: 'same', stride: 2 }),
        nn.relu(),
        nn.maxPool2d({ kernelSize: 2, padding: 'same' }),
        nn.conv2d(4, 2, 2, { padding: 1, dilation: 2 }),
        nn.avgPool2d({ kernelSize: 3, stride: 1, padding: 'same' }),
      ),
      // the other image layers on a dynamic size: an encoder and decoder
      nn.sequential(
        nn.conv2d(2, 4, 3, { padding: 'same', stride: 2 }),
        nn.batchNorm(4),
        nn.convTranspose2d(4, 3, 3, { stride: 2, padding: 1, outputPadding: 1 }),
        nn.upsample2d({ mode: 'bilinear' }),
        nn.conv2d(3, 2, 5, { padding: 'same', stride: 3 }),
      ),
    ]
    for (const model of models) {
      const params = model.init(prngKey(5))
      const state = nn.initState(model)
      const bytes = exportOnnx(model, params, { inputShape: [2, 'height', 'width'], state })
      for (const [h, w] of [
        [7, 8],
        [8, 9],
        [9, 5],
        [1, 2],
        [12, 13],
      ] as const) {
        const x = rand([2, 2, h, w], h * 16 + w)
        const gd = nn.applyWithState(model, params, state, x).output.value
        largest = Math.max(largest, close(await runOnnx(bytes, x), gd))
      }
    }
    // a fixed height and a dynamic width
    const conv = nn.conv2d(2, 3, 4, { padding: 'same', stride: 2 })
    const params = conv.init(prngKey(6))
    const bytes = exportOnnx(conv, params, { inputShape: [2, 7, 'width'] })
    for (const w of [3, 6, 11]) {
      const x = rand([1, 2, 7, w], w)
      largest = Math.max(largest, close(await runOnnx(bytes, x), conv.apply(params, x).value))
    }
  })

  it('convTranspose2d', async () => {
    const x = rand([2, 4, 5, 6])
    await check(nn.convTranspose2d(4, 6, 3), x)
    await check(nn.convTranspose2d(4, 6, [3, 2], { stride: 2, padding: 1, outputPadding: 1, groups: 2 }), x)
    await check(nn.convTranspose2d(4, 2, 3, { dilation: 2, bias: false }), x)
  })

  it('maxPool2d and avgPool2d, padding included', async () => {
    const x = rand([2, 3, 9, 8])
    await check(nn.maxPool2d({ kernelSize: 2 }), x)
    await check(nn.maxPool2d({ kernelSize: 3, stride: 2, padding: 1 }), x)
    await check(nn.avgPool2d({ kernelSize: [3, 2], stride: 1, padding: 'same' }), x)
    await check(nn.avgPool2d({ kernelSize: 3, stride: 2, padding: 1 }), x)
  })

  it('upsample2d: nearest, bilinear, aligned corners', async () => {
    const x = rand([2, 3, 4, 5])
    await check(nn.upsample2d(), x)
    await check(nn.upsample2d({ scale: [2, 3], mode: 'bilinear' }), x)
    await check(nn.upsample2d({ scale: 3, mode: 'bilinear', alignCorners: true }), x)
  })

  it('batchNorm with trained running statistics, on [N, C] and NCHW, with and without affine', async () => {
    for (const [bn, x] of [
      [nn.batchNorm(3), rand([5, 3])],
      [nn.batchNorm(3, { affine: false, eps: 1e-3 }), rand([2, 3, 4, 4])],
    ] as const) {
      const model = nn.sequential(nn.linear(x.shape.at(-1)!, x.shape.at(-1)!), bn)
      const params = model.init(3)
      // a few training steps move the running statistics away from 0 and 1
      let state = nn.initState(model)
      for (let i = 0; i < 3; i++)
        state = nn.applyWithState(model, params, state, add(mul(rand(x.shape as number[], 10 + i), 2), 1), {
          train: true,
        }).state
      await check(model, x, { state }, params)
    }
  })

  it('layerNorm and rmsNorm over one and two axes, with and without affine', async () => {
    const x = rand([2, 3, 4])
    await check(nn.layerNorm(4), x)
    await check(nn.layerNorm([3, 4], { affine: false, eps: 1e-3 }), x)
    await check(nn.rmsNorm(4), x)
    await check(nn.rmsNorm([3, 4], { eps: 1e-6, affine: false }), x, { opset: 18 })
  })

  it('embedding (int32 input) and positionEmbedding, with a dynamic time axis', async () => {
    const tokens = tensor(
      [
        [3, 1, 0, 7],
        [2, 2, 9, 0],
      ],
      { dtype: 'int32' },
    )
    await check(nn.embedding(10, 6), tokens)
    await check(nn.embedding(10, 6, { paddingIndex: 0 }), tokens, { inputShape: ['time'] })
    await check(nn.sequential(nn.embedding(10, 6), nn.positionEmbedding(8, 6)), tokens, { inputShape: ['time'] })
  })

  it('multiHeadAttention, causal or not, with or without biases', async () => {
    const x = rand([2, 5, 8])
    await check(nn.multiHeadAttention(8, 2), x)
    await check(nn.multiHeadAttention(8, 4, { causal: true, bias: false }), x, { inputShape: ['time', 8] })
  })

  it('a key padding mask input, as the attention layers take it in @gd (rows with no key left included)', async () => {
    // sequence 0 ends in padding, 1 has none, 2 is all padding (every query has no key: its weights
    // are 0 in @gd, NaN in a plain softmax), 3 starts with padding (causal: query 0 has no key)
    const mask = tensor(
      [
        [true, true, true, false, false],
        [true, true, true, true, true],
        [false, false, false, false, false],
        [false, true, true, false, true],
      ],
      { dtype: 'bool' },
    )
    const x = rand([4, 5, 8])
    for (const layer of [
      nn.multiHeadAttention(8, 2),
      nn.multiHeadAttention(8, 4, { causal: true, bias: false }),
      nn.transformerBlock(8, 2, { hidden: 12 }),
      nn.transformerBlock(8, 2, { causal: true }),
    ]) {
      const params = layer.init(prngKey(4))
      const gd = layer.apply(params as never, x, { mask }).value
      const bytes = exportOnnx(layer, params, { inputShape: ['time', 8], maskName: 'mask' })
      largest = Math.max(largest, close(await runOnnx(bytes, x, { input: 'input', output: 'output' }, { mask }), gd))
    }
  })

  it('a language model with a mask input: one file at several batch sizes and lengths, as a loop giving every block the mask', async () => {
    const layers = [
      nn.embedding(12, 8),
      nn.positionEmbedding(16, 8),
      nn.transformerBlock(8, 2, { causal: true }),
      nn.transformerBlock(8, 2),
      nn.layerNorm(8),
      nn.linear(8, 12),
    ] as const
    const lm = nn.sequential(...layers)
    const params = lm.init(prngKey(8))
    const bytes = exportOnnx(lm, params, { inputShape: ['time'], maskName: 'keep' })
    for (const [batch, time] of [
      [1, 1],
      [3, 7],
      [2, 16],
    ] as const) {
      const tokens = tensor(
        Array.from({ length: batch * time }, (_, i) => (i * 5) % 12),
        { dtype: 'int32', shape: [batch, time] },
      )
      // the last b tokens of sequence b are padding
      const keep = tensor(
        Array.from({ length: batch * time }, (_, i) => i % time < time - Math.floor(i / time)),
        { dtype: 'bool', shape: [batch, time] },
      )
      // @gd's sequential passes no mask: the model applied as a loop that gives it to the blocks
      let h: any = tokens
      layers.forEach((layer, i) => {
        const options = layer.config?.kind === 'transformerBlock' ? { mask: keep } : {}
        h = (layer as nn.Layer<any>).apply(params[i], h, options as never)
      })
      const onnx = await runOnnx(bytes, tokens, { input: 'input', output: 'output' }, { keep })
      largest = Math.max(largest, close(onnx, h.value))
    }
  })

  it('transformerBlock, and a small character language model', async () => {
    await check(nn.transformerBlock(8, 2, { causal: true, hidden: 12 }), rand([2, 5, 8]))
    const lm = nn.sequential(
      nn.embedding(12, 8),
      nn.positionEmbedding(16, 8),
      nn.transformerBlock(8, 2, { causal: true }),
      nn.layerNorm(8),
      nn.linear(8, 12),
    )
    const tokens = tensor(
      [
        [1, 5, 9, 2, 11, 0],
        [3, 3, 4, 7, 8, 10],
      ],
      { dtype: 'int32' },
    )
    await check(lm, tokens, { inputShape: ['time'] })
  })

  it('rnn (tanh, relu), gru and lstm, with and without biases', async () => {
    const x = rand([2, 6, 3])
    await check(nn.rnn(3, 4), x)
    await check(nn.rnn(3, 4, { nonlinearity: 'relu', bias: false }), x)
    await check(nn.gru(3, 4), x)
    await check(nn.gru(3, 4, { bias: false }), x, { inputShape: ['time', 3] })
    await check(nn.lstm(3, 4), x)
    await check(nn.lstm(3, 5, { bias: false }), x)
  })

  it('one exported file serves any batch size and, when named dynamic, any sequence length', async () => {
    const lm = nn.sequential(
      nn.embedding(12, 8),
      nn.positionEmbedding(16, 8),
      nn.transformerBlock(8, 2, { causal: true }),
      nn.gru(8, 5),
      nn.linear(5, 12),
    )
    const params = lm.init(prngKey(3))
    const bytes = exportOnnx(lm, params, { inputShape: ['time'] })
    for (const [batch, time] of [
      [1, 1],
      [3, 7],
      [5, 16],
    ] as const) {
      const tokens = tensor(
        Array.from({ length: batch * time }, (_, i) => (i * 7) % 12),
        { dtype: 'int32', shape: [batch, time] },
      )
      largest = Math.max(largest, close(await runOnnx(bytes, tokens), lm.apply(params, tokens).value))
    }
  })

  it('every opset from 17 to 22', async () => {
    const model = nn.sequential(nn.linear(4, 6), nn.gelu(), nn.rmsNorm(6), nn.layerNorm(6), nn.linear(6, 2))
    for (let opset = 17; opset <= 22; opset++) await check(model, rand([3, 4]), { opset })
  })

  it("sequential and residual, with names of one's own", async () => {
    const block = nn.residual(nn.sequential(nn.linear(4, 4), nn.relu(), nn.linear(4, 4)))
    await check(nn.sequential(block, nn.tanh(), block), rand([3, 4]), { inputName: 'features', outputName: 'scores' })
  })
})
