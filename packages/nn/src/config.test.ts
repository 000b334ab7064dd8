import { describe, expect, it } from 'vitest'
import * as nn from '@gd/nn'
import { tensor } from '@gd/tensor'

// Every layer @gd/nn's factories make describes itself: kind plus the arguments that shape its
// forward pass, with defaults filled in; exporters (@gd/onnx) read these.
describe('layer configs', () => {
  it("record each factory's arguments with the defaults filled in", () => {
    expect(nn.linear(3, 2).config).toEqual({ kind: 'linear', inFeatures: 3, outFeatures: 2, bias: true })
    expect(nn.linear(3, 2, { bias: false }).config).toEqual({
      kind: 'linear',
      inFeatures: 3,
      outFeatures: 2,
      bias: false,
    })
    expect(nn.conv2d(1, 8, 5, { padding: 'same' }).config).toEqual({
      kind: 'conv2d',
      inChannels: 1,
      outChannels: 8,
      kernelSize: [5, 5],
      stride: 1,
      padding: 'same',
      dilation: 1,
      groups: 1,
      bias: true,
    })
    expect(nn.convTranspose2d(4, 2, [3, 2], { stride: 2 }).config).toEqual({
      kind: 'convTranspose2d',
      inChannels: 4,
      outChannels: 2,
      kernelSize: [3, 2],
      stride: [2, 2],
      padding: [0, 0],
      outputPadding: [0, 0],
      dilation: [1, 1],
      groups: 1,
      bias: true,
    })
    expect(nn.maxPool2d({ kernelSize: 2 }).config).toEqual({
      kind: 'maxPool2d',
      kernelSize: 2,
      stride: 2,
      padding: 'valid',
    })
    expect(nn.avgPool2d({ kernelSize: 3, stride: 1, padding: 1 }).config).toEqual({
      kind: 'avgPool2d',
      kernelSize: 3,
      stride: 1,
      padding: 1,
    })
    expect(nn.flatten().config).toEqual({ kind: 'flatten' })
    expect(nn.upsample2d({ mode: 'bilinear' }).config).toEqual({
      kind: 'upsample2d',
      scale: [2, 2],
      mode: 'bilinear',
      alignCorners: false,
    })
    expect(nn.dropout(0.25).config).toEqual({ kind: 'dropout', rate: 0.25 })
    expect(nn.batchNorm(4).config).toEqual({ kind: 'batchNorm', channels: 4, momentum: 0.1, eps: 1e-5, affine: true })
    expect(nn.layerNorm([2, 3], { affine: false }).config).toEqual({
      kind: 'layerNorm',
      shape: [2, 3],
      eps: 1e-5,
      affine: false,
    })
    expect(nn.rmsNorm(3).config).toEqual({ kind: 'rmsNorm', shape: [3], eps: undefined, affine: true })
    expect(nn.embedding(10, 4, { paddingIndex: 0 }).config).toEqual({
      kind: 'embedding',
      vocabSize: 10,
      dim: 4,
      paddingIndex: 0,
    })
    expect(nn.positionEmbedding(16, 4).config).toEqual({ kind: 'positionEmbedding', maxLength: 16, dim: 4 })
    expect(nn.multiHeadAttention(8, 2, { causal: true }).config).toEqual({
      kind: 'multiHeadAttention',
      dModel: 8,
      numHeads: 2,
      causal: true,
      dropout: 0,
      bias: true,
    })
    expect(nn.transformerBlock(8, 2).config).toEqual({
      kind: 'transformerBlock',
      dModel: 8,
      numHeads: 2,
      hidden: 32,
      dropout: 0,
      causal: false,
    })
    expect(nn.rnn(3, 4, { nonlinearity: 'relu' }).config).toEqual({
      kind: 'rnn',
      inputSize: 3,
      hiddenSize: 4,
      nonlinearity: 'relu',
      bias: true,
    })
    expect(nn.gru(3, 4).config).toEqual({ kind: 'gru', inputSize: 3, hiddenSize: 4, bias: true })
    expect(nn.lstm(3, 4, { bias: false }).config).toEqual({ kind: 'lstm', inputSize: 3, hiddenSize: 4, bias: false })
  })

  it("record the activations' arguments", () => {
    for (const kind of ['relu', 'sigmoid', 'tanh', 'gelu', 'softplus'] as const)
      expect(nn[kind]().config).toEqual({ kind })
    expect(nn.leakyRelu().config).toEqual({ kind: 'leakyRelu', slope: 0.01 })
    expect(nn.elu(0.5).config).toEqual({ kind: 'elu', alpha: 0.5 })
    expect(nn.softmax(1).config).toEqual({ kind: 'softmax', axis: 1 })
    expect(nn.logSoftmax().config).toEqual({ kind: 'logSoftmax', axis: -1 })
  })

  it('hold the inner layers of sequential and residual, stateful or not', () => {
    const inner = [nn.linear(2, 2), nn.relu()] as const
    const chain = nn.sequential(...inner)
    expect(chain.config).toEqual({ kind: 'sequential', layers: inner })
    expect(chain.config?.layers).toEqual(inner)
    const withState = nn.sequential(nn.linear(2, 2), nn.batchNorm(2))
    expect((withState.config?.layers as nn.Layer[]).map((l) => l.config?.kind)).toEqual(['linear', 'batchNorm'])
    const block = nn.residual(withState)
    expect(block.config).toEqual({ kind: 'residual', layer: withState })
    expect(nn.residual(chain).config?.layer).toBe(chain)
  })

  it('are absent on layers made with stateless', () => {
    expect(nn.stateless('double', (x) => x as never).config).toBeUndefined()
  })

  it("are read-only and not copied by spread, so a copy with another apply does not claim the original's function", () => {
    const layer = nn.linear(3, 2)
    expect(Object.keys(layer)).toEqual(['name', 'init', 'apply'])
    expect(() => {
      ;(layer as { config: unknown }).config = { kind: 'relu' }
    }).toThrow(TypeError)
    expect(
      {
        ...layer,
        apply: () => {
          throw new Error('mine')
        },
      }.config,
    ).toBeUndefined()
    const stateful = nn.residual(nn.sequential(nn.linear(2, 2), nn.batchNorm(2)))
    expect(stateful.config?.kind).toBe('residual')
    expect((stateful.config?.layer as nn.Layer).config?.kind).toBe('sequential')
  })
})

describe('reshape', () => {
  it('reshapes every example, keeping the batch axis, with one inferred size', () => {
    const x = tensor([
      [1, 2, 3, 4, 5, 6],
      [7, 8, 9, 10, 11, 12],
    ])
    expect(nn.reshape([2, 3]).apply({}, x).toArray()).toEqual([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [
        [7, 8, 9],
        [10, 11, 12],
      ],
    ])
    expect(nn.reshape([3, -1]).apply({}, x).shape).toEqual([2, 3, 2])
    expect(nn.reshape([1, 2, 3]).config).toEqual({ kind: 'reshape', shape: [1, 2, 3] })
    expect(nn.reshape([1, 2, 3]).name).toBe('reshape([1,2,3])')
  })

  it('rejects a bad shape and input of another size', () => {
    expect(() => nn.reshape([2, -1, -1])).toThrow(
      'reshape: shape must be a non-empty list of positive integers (one of them may be -1, inferred), got [2,-1,-1]',
    )
    expect(() => nn.reshape([])).toThrow(
      'reshape: shape must be a non-empty list of positive integers (one of them may be -1, inferred), got []',
    )
    expect(() => nn.reshape([4]).apply({}, tensor([[1, 2, 3]]))).toThrow(/^reshape: /)
  })
})
