import { describe, expect, it } from 'vitest'
import * as nn from '@gd/nn'
import { ones, tensor, transpose, zeros, type Tensor } from '@gd/tensor'
import { exportOnnx } from '@gd/onnx'
import { decodeModel } from '../test/decode.js'

const f32 = (values: number[]): number[] => Array.from(Float32Array.from(values))
const flat = (t: Tensor): number[] => f32(Array.from(t.data as Float32Array))

describe('exportOnnx: the model file', () => {
  const model = nn.sequential(nn.linear(4, 8), nn.relu(), nn.linear(8, 3))
  const params = model.init(0)

  it("is a ModelProto: IR 8 and opset 17 by default, producer @gd/onnx, the model's name", () => {
    const m = decodeModel(exportOnnx(model, params, { inputShape: [4] }))
    expect(m.irVersion).toBe(8)
    expect(m.opset).toBe(17)
    expect(m.producer).toBe('@gd/onnx')
    expect(m.graph.name).toBe('sequential(linear(4 → 8), relu, linear(8 → 3))')
  })

  it('has one float input and output with a dynamic batch axis, and named nodes in order', () => {
    const { graph } = decodeModel(exportOnnx(model, params, { inputShape: [4] }))
    expect(graph.inputs).toEqual([{ name: 'input', elemType: 1, shape: ['batch', 4] }])
    expect(graph.outputs).toEqual([{ name: 'output', elemType: 1, shape: ['batch', 3] }])
    expect(graph.nodes.map((n) => [n.op, n.inputs, n.outputs])).toEqual([
      ['MatMul', ['input', '0.w'], ['model.layers[0].matmul']],
      ['Add', ['model.layers[0].matmul', '0.b'], ['model.layers[0].add']],
      ['Relu', ['model.layers[0].add'], ['model.layers[1].Relu']],
      ['MatMul', ['model.layers[1].Relu', '2.w'], ['model.layers[2].matmul']],
      ['Add', ['model.layers[2].matmul', '2.b'], ['model.layers[2].add']],
      ['Identity', ['model.layers[2].add'], ['output']],
    ])
  })

  it('holds the parameters as float32 initializers named by their place in the tree', () => {
    const { graph } = decodeModel(exportOnnx(model, params, { inputShape: [4] }))
    expect(graph.initializers.map((t) => [t.name, t.dims, t.dataType])).toEqual([
      ['0.w', [4, 8], 1],
      ['0.b', [8], 1],
      ['2.w', [8, 3], 1],
      ['2.b', [3], 1],
    ])
    expect(graph.initializers[0]!.values).toEqual(flat(params[0].w))
    expect(graph.initializers[3]!.values).toEqual(flat(params[2].b!))
    // a strided view (a transposed weight, as when tying weights) is written in row-major order
    const tied = decodeModel(
      exportOnnx(
        nn.linear(2, 2, { bias: false }),
        {
          w: transpose(
            tensor([
              [1, 2],
              [3, 4],
            ]),
          ),
        },
        { inputShape: [2] },
      ),
    )
    expect(tied.graph.initializers[0]!.values).toEqual([1, 3, 2, 4])
  })

  it('writes float64 parameters as float32, and takes names, dynamic axes and an opset', () => {
    const layer = nn.linear(2, 1)
    const p = { w: tensor([[0.1], [1 / 3]], { dtype: 'float64' }), b: tensor([2], { dtype: 'float64' }) }
    const m = decodeModel(exportOnnx(layer, p, { inputShape: ['time', 2], inputName: 'x', outputName: 'y', opset: 21 }))
    expect([m.irVersion, m.opset]).toEqual([10, 21])
    expect(m.graph.initializers.map((t) => [t.name, t.values])).toEqual([
      ['w', f32([0.1, 1 / 3])],
      ['b', [2]],
    ])
    expect(m.graph.inputs).toEqual([{ name: 'x', elemType: 1, shape: ['batch', 'time', 2] }])
    expect(m.graph.outputs).toEqual([{ name: 'y', elemType: 1, shape: ['batch', 'time', 1] }])
  })

  it("maps conv2d's padding to ONNX's pads (starts, then ends) and tracks the output shape", () => {
    const conv = nn.conv2d(2, 3, [3, 2], { padding: [0, 1, 2, 3], stride: [2, 1], dilation: [1, 2] })
    const { graph } = decodeModel(exportOnnx(conv, conv.init(0), { inputShape: [2, 7, 6] }))
    expect(graph.nodes[0]).toMatchObject({
      op: 'Conv',
      inputs: ['input', 'w', 'b'],
      attributes: { kernel_shape: [3, 2], strides: [2, 1], dilations: [1, 2], pads: [0, 2, 1, 3], group: 1 },
    })
    // height: floor((7 + 0 + 1 − 3) / 2) + 1 = 3; width: dilated kernel 3, floor((6 + 2 + 3 − 3) / 1) + 1 = 9
    expect(graph.outputs[0]!.shape).toEqual(['batch', 3, 3, 9])
  })

  it("writes 'same' padding on a dynamic height and width as auto_pad SAME_UPPER, @gd's split", () => {
    // @gd pads ⌊total / 2⌋ before and the odd one after: ONNX's SAME_UPPER, exact for dilation 1
    // and a kernel at least the stride (ONNX Runtime takes no dilation with auto_pad, and lets the
    // total go negative for a kernel smaller than the stride)
    const conv = nn.conv2d(2, 3, 3, { padding: 'same', stride: 2 })
    const { graph } = decodeModel(exportOnnx(conv, conv.init(0), { inputShape: [2, 'height', 'width'] }))
    expect(graph.nodes[0]).toMatchObject({
      op: 'Conv',
      inputs: ['input', 'w', 'b'],
      attributes: { kernel_shape: [3, 3], strides: [2, 2], dilations: [1, 1], auto_pad: 'SAME_UPPER', group: 1 },
    })
    expect(graph.nodes[0]!.attributes.pads).toBeUndefined()
    expect(graph.outputs[0]!.shape).toEqual(['batch', 3, null, null])
    // a fixed height keeps its size: ceil(7 / 2) = 4
    const mixed = decodeModel(exportOnnx(conv, conv.init(0), { inputShape: [2, 7, 'width'] }))
    expect(mixed.graph.outputs[0]!.shape).toEqual(['batch', 3, 4, null])
    const pool = nn.maxPool2d({ kernelSize: 2, padding: 'same' })
    expect(decodeModel(exportOnnx(pool, {}, { inputShape: [2, 'h', 'w'] })).graph.nodes[0]).toMatchObject({
      op: 'MaxPool',
      attributes: { kernel_shape: [2, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' },
    })
  })

  it("computes 'same' pads in the graph where auto_pad differs from @gd: dilation, a kernel smaller than the stride", () => {
    const conv = nn.conv2d(1, 1, 3, { padding: 'same', dilation: 2, bias: false })
    const { graph } = decodeModel(exportOnnx(conv, conv.init(0), { inputShape: [1, 'h', 'w'] }))
    const at = (name: string) => `model.same.${name}`
    expect(graph.nodes.map((n) => [n.op, n.inputs])).toEqual([
      ['Shape', ['input']],
      ['Add', [at('size'), 'const_[0,0]']],
      ['Div', [at('up'), 'const_[1,1]']],
      ['Sub', [at('out'), 'const_[1,1]']],
      ['Mul', [at('steps'), 'const_[1,1]']],
      ['Add', [at('span'), 'const_[5,5]']],
      ['Sub', [at('reach'), at('size')]],
      ['Max', [at('needed'), 'const_[0,0]']],
      ['Div', [at('total'), 'const_[2,2]']],
      ['Sub', [at('total'), at('before')]],
      ['Concat', ['const_[0,0]', at('before'), 'const_[0,0]', at('after')]],
      ['Pad', ['input', at('pads')]],
      ['Conv', ['model.pad', 'w']],
      ['Identity', ['model.conv']],
    ])
    expect(graph.nodes[0]!.attributes).toEqual({ start: 2, end: 4 })
    expect(graph.nodes[12]!.attributes).toEqual({ kernel_shape: [3, 3], strides: [1, 1], dilations: [2, 2], group: 1 })
    // max pooling pads with −∞; average pooling divides the mean over zero padding by the share of real pixels
    const max = decodeModel(
      exportOnnx(nn.maxPool2d({ kernelSize: 2, stride: 3, padding: 'same' }), {}, { inputShape: [1, 'h', 'w'] }),
    )
    expect(max.graph.nodes.slice(-3).map((n) => [n.op, n.inputs])).toEqual([
      ['Pad', ['input', 'model.same.pads', 'const_-Infinity']],
      ['MaxPool', ['model.pad']],
      ['Identity', ['model.MaxPool']],
    ])
    const avg = decodeModel(
      exportOnnx(nn.avgPool2d({ kernelSize: 2, stride: 3, padding: 'same' }), {}, { inputShape: [1, 'h', 'w'] }),
    )
    expect(avg.graph.nodes.slice(-9).map((n) => [n.op, n.inputs])).toEqual([
      ['Pad', ['input', 'model.same.pads']],
      ['AveragePool', ['model.pad']],
      ['Shape', ['input']],
      ['Concat', ['const_[1,1]', 'model.size']],
      ['ConstantOfShape', ['model.imageShape']],
      ['Pad', ['model.ones', 'model.same.pads']],
      ['AveragePool', ['model.padOnes']],
      ['Div', ['model.sums', 'model.share']],
      ['Identity', ['model.AveragePool']],
    ])
  })

  it('keeps explicit padding on a dynamic height and width', () => {
    const conv = nn.conv2d(1, 2, 3, { padding: [1, 2], stride: 2 })
    const { graph } = decodeModel(exportOnnx(conv, conv.init(0), { inputShape: [1, 'h', 9] }))
    expect(graph.nodes[0]!.attributes).toMatchObject({ pads: [1, 2, 1, 2], strides: [2, 2] })
    // width: floor((9 + 4 − 3) / 2) + 1 = 6
    expect(graph.outputs[0]!.shape).toEqual(['batch', 2, null, 6])
  })

  it("reorders and transposes GRU and LSTM weights into ONNX's gate order", () => {
    // hidden 1, input 1: wx holds one number per gate, so the reordering is visible directly
    const gru = nn.gru(1, 1)
    const g = { wx: tensor([[1, 2, 3]]), wh: tensor([[4, 5, 6]]), bx: tensor([7, 8, 9]), bh: tensor([10, 11, 12]) }
    const gm = decodeModel(exportOnnx(gru, g, { inputShape: ['time', 1] }))
    // @gd's r, z, n → ONNX's z, r, h; B = [Wb, Rb]
    expect(gm.graph.initializers.map((t) => [t.name, t.dims, t.values])).toEqual([
      ['W', [1, 3, 1], [2, 1, 3]],
      ['R', [1, 3, 1], [5, 4, 6]],
      ['B', [1, 6], [8, 7, 9, 11, 10, 12]],
      ['const_[1]', [1], [1n]],
    ])
    expect(gm.graph.nodes.find((n) => n.op === 'GRU')!.attributes).toEqual({
      hidden_size: 1,
      linear_before_reset: 1,
      direction: 'forward',
    })
    const lstm = nn.lstm(1, 1, { bias: false })
    const lm = decodeModel(
      exportOnnx(lstm, { wx: tensor([[1, 2, 3, 4]]), wh: tensor([[5, 6, 7, 8]]) }, { inputShape: [3, 1] }),
    )
    // @gd's i, f, g, o → ONNX's i, o, f, c
    expect(lm.graph.initializers.slice(0, 2).map((t) => t.values)).toEqual([
      [1, 4, 2, 3],
      [5, 8, 6, 7],
    ])
    expect(lm.graph.nodes.map((n) => n.op)).toEqual(['Transpose', 'LSTM', 'Squeeze', 'Transpose', 'Identity'])
    expect(lm.graph.outputs[0]!.shape).toEqual(['batch', 3, 1])
  })

  it('takes a key padding mask as a second input, given to every attention layer', () => {
    const lm = nn.sequential(nn.embedding(5, 4), nn.transformerBlock(4, 2, { causal: true }), nn.linear(4, 5))
    const { graph } = decodeModel(exportOnnx(lm, lm.init(0), { inputShape: ['time'], maskName: 'mask' }))
    expect(graph.inputs).toEqual([
      { name: 'input', elemType: 6, shape: ['batch', 'time'] },
      { name: 'mask', elemType: 9, shape: ['batch', 'time'] },
    ])
    const attention = 'model.layers[1].attention'
    const find = (name: string) => graph.nodes.find((n) => n.outputs[0] === name)
    // [batch, time] → [batch, 1, 1, time]: broadcast over heads and queries
    expect(find('mask.keys')).toMatchObject({ op: 'Unsqueeze', inputs: ['mask', 'const_[1,2]'] })
    expect(find(`${attention}.allowed`)).toMatchObject({ op: 'And', inputs: ['mask.keys', `${attention}.causal`] })
    expect(find(`${attention}.masked`)).toMatchObject({
      op: 'Where',
      inputs: [`${attention}.allowed`, `${attention}.scaled`, 'const_-Infinity'],
    })
    expect(find(`${attention}.weights`)).toMatchObject({ op: 'Softmax', inputs: [`${attention}.masked`] })
    // weights 0 where not allowed: a query with no key left gets zeros (as @gd), not the softmax's NaN
    expect(find(`${attention}.maskedWeights`)).toMatchObject({
      op: 'Where',
      inputs: [`${attention}.allowed`, `${attention}.weights`, 'const_0'],
    })
    expect(find(`${attention}.attended`)).toMatchObject({
      inputs: [`${attention}.maskedWeights`, `${attention}.value.heads`],
    })
    // without a mask input the graph is as before: no Unsqueeze, And or second Where
    const plain = decodeModel(exportOnnx(lm, lm.init(0), { inputShape: ['time'] })).graph
    expect(plain.inputs.map((v) => v.name)).toEqual(['input'])
    expect(plain.nodes.filter((n) => ['Unsqueeze', 'And', 'Where'].includes(n.op)).map((n) => n.op)).toEqual(['Where'])
  })

  it("uses batchNorm's running statistics from the state", () => {
    const bn = nn.batchNorm(2, { eps: 1e-3 })
    const state = { mean: tensor([1, 2]), variance: tensor([3, 4]) }
    const { graph } = decodeModel(exportOnnx(bn, bn.init(0), { inputShape: [2], state }))
    expect(graph.nodes[0]).toMatchObject({
      op: 'BatchNormalization',
      inputs: ['input', 'gamma', 'beta', 'mean', 'variance'],
    })
    expect(graph.nodes[0]!.attributes.epsilon).toBeCloseTo(1e-3, 9)
    expect(graph.initializers.map((t) => [t.name, t.values])).toEqual([
      ['mean', [1, 2]],
      ['variance', [3, 4]],
      ['gamma', [1, 1]],
      ['beta', [0, 0]],
    ])
  })

  it('gives an int32 input to a model that starts with an embedding', () => {
    const lm = nn.sequential(nn.embedding(5, 2), nn.linear(2, 5))
    const { graph } = decodeModel(exportOnnx(lm, lm.init(0), { inputShape: ['time'] }))
    expect(graph.inputs).toEqual([{ name: 'input', elemType: 6, shape: ['batch', 'time'] }])
    expect(graph.nodes[0]).toMatchObject({ op: 'Gather', inputs: ['0.w', 'input'], attributes: { axis: 0 } })
    expect(graph.outputs[0]!.shape).toEqual(['batch', 'time', 5])
  })

  it("writes gelu as opset 20's Gelu, or composed before it", () => {
    const ops = (opset: number) =>
      decodeModel(exportOnnx(nn.gelu(), {}, { inputShape: [3], opset })).graph.nodes.map((n) => n.op)
    expect(ops(20)).toEqual(['Gelu', 'Identity'])
    expect(ops(17)).toEqual(['Mul', 'Mul', 'Mul', 'Add', 'Mul', 'Tanh', 'Add', 'Mul', 'Mul', 'Identity'])
  })

  it('reshapes with the batch size copied from the input, inferring a −1 where the sizes are known', () => {
    const { graph } = decodeModel(exportOnnx(nn.reshape([3, -1]), {}, { inputShape: [2, 6] }))
    expect(graph.nodes[0]).toMatchObject({ op: 'Reshape', inputs: ['input', 'const_[0,3,-1]'] })
    expect(graph.initializers).toEqual([{ name: 'const_[0,3,-1]', dims: [3], dataType: 7, values: [0n, 3n, -1n] }])
    expect(graph.outputs[0]!.shape).toEqual(['batch', 3, 4])
    const dynamic = decodeModel(exportOnnx(nn.reshape([3, -1]), {}, { inputShape: ['time', 6] }))
    expect(dynamic.graph.outputs[0]!.shape).toEqual(['batch', 3, null])
  })

  it('writes a hand-made layer whose config says identity as Identity', () => {
    const augment = {
      name: 'randomShift(2)',
      config: { kind: 'identity' },
      init: () => ({}),
      apply: (_p: unknown, x: never) => x,
    }
    const model = nn.sequential(augment, nn.linear(3, 2))
    const { graph } = decodeModel(exportOnnx(model, model.init(0), { inputShape: [3] }))
    expect(graph.nodes.map((n) => n.op)).toEqual(['Identity', 'MatMul', 'Add', 'Identity'])
  })

  it('leaves its arguments as they were', () => {
    const p = model.init(1)
    const before = flat(p[0].w)
    exportOnnx(model, p, { inputShape: [4] })
    expect(flat(p[0].w)).toEqual(before)
  })
})

describe('exportOnnx: errors', () => {
  const mlp = nn.sequential(nn.linear(4, 8), nn.relu(), nn.linear(8, 3))
  const params = mlp.init(0)
  const message = (f: () => unknown): string => {
    try {
      f()
    } catch (e) {
      return (e as Error).message
    }
    throw new Error('did not throw')
  }

  it('names a layer that cannot be exported', () => {
    const double = nn.stateless('double', (x) => x as never)
    expect(
      message(() => exportOnnx(nn.sequential(nn.linear(4, 4), double), [params[0], {}], { inputShape: [4] })),
    ).toBe(
      "exportOnnx: cannot export model.layers[1] double: it has no config (only the layers @gd/nn's factories make describe themselves; not those made with stateless, by hand or copied with spread)",
    )
    const copy = {
      ...nn.linear(4, 4),
      apply: () => {
        throw new Error('mine')
      },
    }
    expect(message(() => exportOnnx(copy, params[0], { inputShape: [4] }))).toMatch(
      /^exportOnnx: cannot export model linear\(4 → 4\): it has no config/,
    )
    const forged = { ...nn.relu(), name: 'forged', config: { kind: 'upsample2d' } }
    expect(message(() => exportOnnx(forged, {}, { inputShape: [1, 4, 4] }))).toMatch(
      /^exportOnnx: cannot export model forged: its config does not fit kind "upsample2d" \(/,
    )
    const chain = { ...nn.relu(), name: 'chain', config: { kind: 'sequential' } }
    expect(message(() => exportOnnx(chain, [], { inputShape: [4] }))).toBe(
      'exportOnnx: cannot export model chain: its config does not fit kind "sequential" (it has no list of layers)',
    )
    const odd = { ...nn.relu(), name: 'odd', config: { kind: 'odd' } }
    expect(message(() => exportOnnx(odd, {}, { inputShape: [4] }))).toBe(
      'exportOnnx: cannot export model odd: @gd/onnx has no mapping for layers of kind "odd"',
    )
  })

  it('checks the model and the options', () => {
    expect(message(() => exportOnnx({} as never, params, { inputShape: [4] }))).toBe(
      'exportOnnx: model must be a layer from @gd/nn (an object with init and apply functions), got {}',
    )
    expect(message(() => exportOnnx(mlp, params, { inputShape: [4], opset: 16 }))).toBe(
      'exportOnnx: opset must be an integer from 17 to 22, got 16',
    )
    expect(message(() => exportOnnx(mlp, params, { inputShapes: [4] } as never))).toBe(
      'exportOnnx: unknown option inputShapes, expected one of inputShape, state, inputName, outputName, maskName, opset; did you mean inputShape?',
    )
    expect(message(() => exportOnnx(mlp, params, {} as never))).toBe(
      "exportOnnx: inputShape must be a list of positive integers or axis names (one example's shape, without the batch axis), got undefined",
    )
    expect(message(() => exportOnnx(mlp, params, { inputShape: [4], outputName: 'input' }))).toBe(
      'exportOnnx: outputName must be another name than the input\'s (input), got "input"',
    )
  })

  it('checks the mask input', () => {
    const attention = nn.multiHeadAttention(4, 2)
    const p = attention.init(0)
    expect(message(() => exportOnnx(attention, p, { inputShape: [3, 4], mask: 'mask' } as never))).toBe(
      'exportOnnx: unknown option mask, expected one of inputShape, state, inputName, outputName, maskName, opset; did you mean maskName?',
    )
    expect(message(() => exportOnnx(attention, p, { inputShape: [3, 4], maskName: 'input' }))).toBe(
      'exportOnnx: maskName must be another name than the input\'s and the output\'s (input, output), got "input"',
    )
    expect(message(() => exportOnnx(attention, p, { inputShape: [3, 4], maskName: '' }))).toBe(
      'exportOnnx: maskName must be a non-empty string, got ""',
    )
    expect(message(() => exportOnnx(mlp, params, { inputShape: [4], maskName: 'mask' }))).toBe(
      'exportOnnx: maskName must be left out for a model without a multiHeadAttention or transformerBlock layer (the mask is their key padding mask), got "mask"',
    )
    // one mask for every attention layer: they must attend over the same positions
    const twoLengths = nn.sequential(nn.multiHeadAttention(4, 2), nn.reshape([2, 8]), nn.multiHeadAttention(8, 2))
    expect(message(() => exportOnnx(twoLengths, twoLengths.init(0), { inputShape: [4, 4], maskName: 'mask' }))).toBe(
      "exportOnnx: model.layers[2] multiHeadAttention(8, 2 heads) attends over 2 positions, not the 4 of the mask input mask (the first attention layer's)",
    )
  })

  it('checks the parameters against the model, naming the parameter', () => {
    expect(message(() => exportOnnx(mlp, params.slice(0, 2), { inputShape: [4] }))).toBe(
      'exportOnnx: params must be a list of 3 parameter trees (one per layer of model), got an array of length 2',
    )
    expect(message(() => exportOnnx(mlp, [params[0], {}, { w: zeros([8, 2]) }], { inputShape: [4] }))).toBe(
      'exportOnnx: params[2].w must be a float32 or float64 Tensor of shape [8,3], got a float32 Tensor of shape [8,2]',
    )
  })

  it('checks the input shape against the layers', () => {
    expect(message(() => exportOnnx(mlp, params, { inputShape: [5] }))).toBe(
      'exportOnnx: model.layers[0] linear(4 → 8) expects input [batch, …, 4] of floats, got shape [batch,5]',
    )
    expect(message(() => exportOnnx(nn.reshape([4, -1]), {}, { inputShape: [3, 3] }))).toBe(
      'exportOnnx: model reshape([4,-1]) expects input [batch, …] of a multiple of 4 values per example, got shape [batch,3,3]',
    )
    const conv = nn.conv2d(1, 2, 3)
    expect(message(() => exportOnnx(conv, conv.init(0), { inputShape: [1, 'h', 2] }))).toBe(
      'exportOnnx: window [3,3] (kernel [3,3], dilation [1,1]) does not fit input [h,2] padded by [0,0,0,0]',
    )
  })

  it('asks for the state of a model with batchNorm', () => {
    const model = nn.sequential(nn.linear(2, 2), nn.batchNorm(2))
    expect(message(() => exportOnnx(model, model.init(0), { inputShape: [2] }))).toBe(
      "exportOnnx: state[1] must be batchNorm(2)'s state { mean, variance } (the running statistics: pass the model's state as options.state), got undefined",
    )
    expect(
      message(() =>
        exportOnnx(model, model.init(0), { inputShape: [2], state: [{}, { mean: ones([3]), variance: ones([2]) }] }),
      ),
    ).toBe(
      'exportOnnx: state[1].mean must be a float32 or float64 Tensor of shape [2], got a float32 Tensor of shape [3]',
    )
  })
})
