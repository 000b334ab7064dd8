import * as AG from '@gd/autograd'
import { normalInit } from '@gd/init'
import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import * as nn from './index.js'

const int32 = (values: number[], shape: number[]) => T.tensor(values, { dtype: 'int32', shape })
const f64 = (values: number[], shape: number[]) => T.tensor(values, { dtype: 'float64', shape })

describe('embedding', () => {
  const table = f64([0, 1, 10, 11, 20, 21], [3, 2]) // row r is [10r, 10r + 1]

  it('looks rows up for indices of any shape: [...shape, dim]', () => {
    const layer = nn.embedding(3, 2)
    const out = layer.apply({ w: table }, int32([2, 0, 1, 1], [2, 2]))
    expect(out.shape).toEqual([2, 2, 2])
    expect(out.toArray()).toEqual([
      [
        [20, 21],
        [0, 1],
      ],
      [
        [10, 11],
        [10, 11],
      ],
    ])
    expect(layer.apply({ w: table }, int32([1], [])).toArray()).toEqual([10, 11]) // a scalar index gives one row
  })

  it('takes its indices as a Var too, as sequential and fit hand them over', () => {
    const model = nn.sequential(nn.embedding(3, 2), nn.linear(2, 1, { bias: false }))
    // row r of the table is [10r, 10r + 1]; the linear layer gives 10r − (10r + 1) = −1 for every r
    expect(model.apply([{ w: table }, { w: f64([1, -1], [2, 1]) }], int32([2, 0], [2])).toArray()).toEqual([[-1], [-1]])
    expect(
      nn
        .embedding(3, 2)
        .apply({ w: table }, AG.toVar('test', int32([1], [1])))
        .toArray(),
    ).toEqual([[10, 11]])
  })

  it('accumulates the gradient of repeated indices into their row', () => {
    const layer = nn.embedding(3, 2)
    const idx = int32([1, 1, 2], [3])
    // d/dW of Σ out·[[1, 2], [3, 4], [5, 6]]: row 1 gets [1+3, 2+4], row 2 gets [5, 6], row 0 nothing
    const weights = f64([1, 2, 3, 4, 5, 6], [3, 2])
    const g = AG.grad((w: AG.Var) => AG.sum(AG.mul(layer.apply({ w }, idx), weights)))(table)
    expect(g.toArray()).toEqual([
      [0, 0],
      [4, 6],
      [5, 6],
    ])
  })

  it('paddingIndex: the row starts at zero and gets no gradient, but is still looked up', () => {
    const layer = nn.embedding(3, 2, { paddingIndex: 1 })
    const w = layer.init(7)
    expect(((w.w as T.Tensor).toArray() as number[][])[1]).toEqual([0, 0])
    const idx = int32([1, 2, 1], [3])
    expect(layer.apply({ w: table }, idx).toArray()).toEqual([
      [10, 11],
      [20, 21],
      [10, 11],
    ])
    const g = AG.grad((w: AG.Var) => AG.sum(layer.apply({ w }, idx)))(table)
    expect(g.toArray()).toEqual([
      [0, 0],
      [0, 0],
      [1, 1],
    ])
  })

  it('initializes N(0, 1) by default, or with weightInit', () => {
    const w = nn.embedding(100, 50).init(3).w as T.Tensor
    expect(w.shape).toEqual([100, 50])
    const data = [...w.data]
    const mean = data.reduce((a, b) => a + b, 0) / data.length
    const sd = Math.sqrt(data.reduce((a, b) => a + (b - mean) ** 2, 0) / data.length)
    expect(Math.abs(mean)).toBeLessThan(0.05) // 5000 draws: the mean's standard error is 0.014
    expect(Math.abs(sd - 1)).toBeLessThan(0.05)
    const custom = nn.embedding(2, 2, { weightInit: (_k, s) => T.ones(s) }).init(0).w as T.Tensor
    expect(custom.toArray()).toEqual([
      [1, 1],
      [1, 1],
    ])
  })

  it('rejects bad arguments with clear messages, before any work', () => {
    const layer = nn.embedding(3, 2)
    expect(() => nn.embedding(0, 2)).toThrow('embedding: vocabSize must be a positive integer, got 0')
    expect(() => nn.embedding(3, 2.5)).toThrow('embedding: dim must be a positive integer, got 2.5')
    expect(() => nn.embedding(3, 2, { paddingIndex: 3 })).toThrow(
      'embedding: paddingIndex must be an integer in [0, 3), got 3',
    )
    expect(() => nn.embedding(3, 2, { paddingIdx: 1 } as never)).toThrow(
      'embedding: unknown option paddingIdx, expected one of weightInit, paddingIndex; did you mean paddingIndex?',
    )
    expect(() => layer.apply({ w: table }, int32([0, 3], [2]))).toThrow(
      'embedding: indices must hold integers in [0, 3), got 3 at flat position 1',
    )
    expect(() => layer.apply({ w: table }, int32([-1], [1]))).toThrow(
      'embedding: indices must hold integers in [0, 3), got -1 at flat position 0',
    )
    expect(() => layer.apply({ w: table }, T.tensor([1.5]))).toThrow(
      'embedding: indices must be an int32 Tensor, got a float32 Tensor of shape [1]',
    )
    expect(() => layer.apply({ w: T.zeros([3, 3]) }, int32([0], [1]))).toThrow(
      'embedding: params.w must be a float32 or float64 Tensor or Var of shape [3,2], got a float32 Tensor of shape [3,3]',
    )
    expect(() => layer.apply(undefined as never, int32([0], [1]))).toThrow(
      "embedding: params must be the layer's parameters { w }, got undefined",
    )
    expect(() => layer.apply({ w: table }, int32([0], [1]), { trian: true } as never)).toThrow(
      'embedding: unknown option trian',
    )
  })
})

describe('the TSDoc examples, as written', () => {
  it('embedding, EmbeddingOptions and EmbeddingParams', () => {
    const layer = nn.embedding(28, 8, { paddingIndex: 0 })
    const params = layer.init(0)
    const tokens = T.tensor(
      [
        [3, 1, 0],
        [2, 2, 0],
      ],
      { dtype: 'int32' },
    )
    expect(layer.apply(params, tokens).shape).toEqual([2, 3, 8])
    const small = nn.embedding(100, 16, {
      paddingIndex: 0,
      weightInit: (key, shape) => normalInit(key, shape, { std: 0.02 }),
    })
    expect(small.init(0).w.shape).toEqual([100, 16])
    expect(nn.embedding(28, 8).init(0).w.shape).toEqual([28, 8])
  })
})

describe('positionEmbedding', () => {
  const table = f64([0, 1, 10, 11, 20, 21], [3, 2]) // row t is [10t, 10t + 1]

  it('adds row t of the table to position t of every sequence', () => {
    const layer = nn.positionEmbedding(3, 2)
    const x = f64([1, 1, 2, 2, 5, 5, 6, 6], [2, 2, 2]) // two sequences of two positions
    expect(layer.apply({ w: table }, x).toArray()).toEqual([
      [
        [1, 2],
        [12, 13],
      ],
      [
        [5, 6],
        [16, 17],
      ],
    ])
  })

  it('sends each position the sum over the batch of its cotangents; rows past the sequence get none', () => {
    const layer = nn.positionEmbedding(3, 2)
    const x = f64([1, 1, 2, 2, 5, 5, 6, 6], [2, 2, 2])
    const weights = f64([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2])
    const g = AG.grad((w: AG.Var) => AG.sum(AG.mul(layer.apply({ w }, x), weights)))(table)
    expect(g.toArray()).toEqual([
      [1 + 5, 2 + 6],
      [3 + 7, 4 + 8],
      [0, 0],
    ])
  })

  it('initializes N(0, 1) by default, or with weightInit', () => {
    const w = nn.positionEmbedding(100, 50).init(3).w
    const values = [...w.data]
    const mean = values.reduce((a, b) => a + b, 0) / values.length
    expect(Math.abs(mean)).toBeLessThan(0.05)
    expect(
      nn
        .positionEmbedding(2, 2, { weightInit: (_k, s) => T.ones(s) })
        .init(0)
        .w.toArray(),
    ).toEqual([
      [1, 1],
      [1, 1],
    ])
  })

  it('rejects bad arguments with clear messages', () => {
    expect(() => nn.positionEmbedding(0, 2)).toThrow('positionEmbedding: maxLength must be a positive integer, got 0')
    expect(() => nn.positionEmbedding(2, 2, { init: 1 } as never)).toThrow(
      'positionEmbedding: unknown option init, expected one of weightInit',
    )
    const layer = nn.positionEmbedding(3, 2)
    expect(() => layer.apply({ w: table }, T.zeros([1, 4, 2]))).toThrow(
      'positionEmbedding: x must be a float32 or float64 Tensor or Var of shape [batch, time ≤ 3, 2], got a float32 Tensor of shape [1,4,2]',
    )
    expect(() => layer.apply({ w: T.zeros([2, 2]) }, T.zeros([1, 2, 2]))).toThrow(
      'positionEmbedding: params.w must be a float32 or float64 Tensor or Var of shape [3,2]',
    )
  })
})
