import { ones, tensor, zeros } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { loadModel, loadSafetensors, saveModel } from './index.js'

// The trees of @gd/nn's sequential(linear(2, 3), batchNorm(3), relu()): params [{ w, b }, { gamma, beta }, {}]
// and state [{}, { mean, variance }, {}].
const params = () => [
  {
    w: tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]),
    b: tensor([0.1, 0.2, 0.3]),
  },
  { gamma: tensor([1, 1.5, 2]), beta: tensor([0, -1, 1]) },
  {},
]
const state = () => [{}, { mean: tensor([0.5, 0.25, 0]), variance: tensor([1, 2, 3]) }, {}]
const template = () => ({
  params: [{ w: zeros([2, 3]), b: zeros([3]) }, { gamma: ones([3]), beta: zeros([3]) }, {}],
  state: [{}, { mean: zeros([3]), variance: ones([3]) }, {}],
})

describe('saveModel and loadModel', () => {
  it('write parameters and state under one set of state_dict-like names', () => {
    const bytes = saveModel({ params: params(), state: state() }, { metadata: { epoch: '7' } })
    const { tree, metadata } = loadSafetensors(bytes, { flat: true })
    expect(Object.keys(tree)).toEqual(['0.b', '0.w', '1.beta', '1.gamma', '1.mean', '1.variance'])
    expect(metadata).toEqual({ epoch: '7' })
  })

  it("read them back into the model's trees, empty layers included", () => {
    const bytes = saveModel({ params: params(), state: state() })
    const loaded = loadModel(bytes, template())
    expect(loaded.params[0]!).toEqual(params()[0])
    expect(loaded.params[2]).toEqual({})
    expect((loaded.params[1] as { gamma: ReturnType<typeof tensor> }).gamma.toArray()).toEqual([1, 1.5, 2])
    expect((loaded.state![1] as { variance: ReturnType<typeof tensor> }).variance.toArray()).toEqual([1, 2, 3])
    expect(loaded.state![0]).toEqual({})
    expect(loaded.metadata).toEqual({})
  })

  it('work without state, which is then undefined', () => {
    const p = [{ w: tensor([[1]]) }]
    const loaded = loadModel(saveModel({ params: p }), { params: [{ w: zeros([1, 1]) }] })
    expect(loaded.state).toBeUndefined()
    expect(loaded.params[0]!.w.toArray()).toEqual([[1]])
  })

  it('list every difference between the file and the model, before reading a tensor', () => {
    // a PyTorch-named file: running_mean/running_var where the model has mean/variance, and a wider first layer
    const bytes = saveModel({
      params: [
        { w: zeros([2, 4]), b: zeros([4]) },
        { gamma: ones([3]), beta: zeros([3]) },
      ],
      state: [{}, { running_mean: zeros([3]), running_var: ones([3]) }],
    })
    expect(() => loadModel(bytes, template())).toThrow(
      'loadModel: the file does not fit the model (6 differences): 0.w: shape [2,4] in the file, [2,3] in the model; 0.b: shape [4] in the file, [3] in the model; ' +
        '1.mean: missing from the file (the model has float32 [3]); 1.variance: missing from the file (the model has float32 [3]); ' +
        '1.running_mean: in the file (F32 [3]), not in the model; 1.running_var: in the file (F32 [3]), not in the model',
    )
  })

  it('reject a name in both trees and bad arguments', () => {
    expect(() => saveModel({ params: { w: zeros([1]) }, state: { w: zeros([1]) } })).toThrow(
      'saveModel: model.params and model.state both have a tensor named "w"',
    )
    expect(() => saveModel({ params: { w: zeros([1]) }, stat: {} } as never)).toThrow(
      'saveModel: model has a key "stat", expected only params and state',
    )
    expect(() => saveModel([zeros([1])] as never)).toThrow(
      "saveModel: model must be a model's trees { params, state? }, got an array of length 1",
    )
    expect(() => saveModel({ params: { w: zeros([1]) } }, { metadata: { a: 1 } } as never)).toThrow(
      'saveModel: metadata["a"] must be a string, got 1',
    )
    expect(() => loadModel('x' as never, template())).toThrow(
      'loadModel: bytes must be a Uint8Array, Buffer or ArrayBuffer, got "x"',
    )
    expect(() => loadModel(saveModel({ params: params() }), { params: { w: 3 } } as never)).toThrow(
      'loadModel: like.params at "w" must be a tensor, a plain object or an array, got 3',
    )
  })
})
