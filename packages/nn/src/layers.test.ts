import * as AG from '@gd/autograd'
import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import * as nn from './index.js'

const ones = T.ones

describe('linear', () => {
  it('computes x·W + b with PyTorch-style default init, deterministic by key', () => {
    const layer = nn.linear(4, 3)
    const p = layer.init(7)
    expect(p.w.shape).toEqual([4, 3])
    expect(p.b!.shape).toEqual([3])
    // Default init is U(−1/√4, 1/√4) = U(−0.5, 0.5).
    expect([...(p.w as T.Tensor).data].every((v) => Math.abs(v) <= 0.5)).toBe(true)
    expect([...(layer.init(7).w as T.Tensor).data]).toEqual([...(p.w as T.Tensor).data])
    expect([...(layer.init(8).w as T.Tensor).data]).not.toEqual([...(p.w as T.Tensor).data])
    const x = T.tensor([[1, 2, 3, 4]])
    const expected = T.add(T.matmul(x, p.w as T.Tensor), p.b as T.Tensor)
    expect(layer.apply(p, x).toArray()).toEqual(expected.toArray())
    expect(nn.linear(4, 3, { bias: false }).init(0).b).toBeUndefined()
  })

  it('rejects bad sizes', () => {
    expect(() => nn.linear(0, 3)).toThrow('linear: inFeatures must be a positive integer, got 0')
    expect(() => nn.linear(2, 1.5)).toThrow('linear: outFeatures must be a positive integer, got 1.5')
  })
})

describe("linear on autograd's affine", () => {
  const messageOf = (f: () => unknown) => {
    try {
      f()
    } catch (e) {
      return (e as Error).message
    }
    return 'no error'
  }
  /** Seeded values in [-1, 1) (an LCG: the same numbers each run). */
  const values = (shape: number[], dtype: 'float32' | 'float64', seed: number) => {
    let s = seed
    const n = shape.reduce((a, b) => a * b, 1)
    const data = Array.from({ length: n }, () => (s = (s * 1103515245 + 12345) % 2147483648) / 1073741824 - 1)
    return T.reshape(T.tensor(data, { dtype }), shape)
  }

  it('gives the bits of matmul then add: value, ∂x, ∂W and ∂b (batch, batch of sequences, float64)', () => {
    const cases: [number[], number, 'float32' | 'float64'][] = [
      [[16, 20], 7, 'float32'],
      [[3, 5, 20], 7, 'float32'],
      [[6, 20], 7, 'float64'],
    ]
    for (const [shape, out, dtype] of cases) {
      const layer = nn.linear(20, out)
      const p0 = layer.init(3)
      const p = { w: T.cast(p0.w, dtype), b: T.cast(p0.b!, dtype) }
      const x = values(shape, dtype, 5)
      const r = values([...shape.slice(0, -1), out], dtype, 6)
      const composed = (q: { w: AG.Var; b: AG.Var }, xv: AG.Var) => AG.add(AG.matmul(xv, q.w), q.b)
      const viaLayer = (q: { w: AG.Var; b: AG.Var }, xv: AG.Var) => layer.apply(q as never, xv)
      expect([...(viaLayer(p as never, x as never) as AG.Var).value.data]).toEqual([
        ...composed(p as never, x as never).value.data,
      ])
      for (const f of [viaLayer, composed]) expect(f(p as never, x as never).dtype).toBe(dtype)
      const grads = (f: typeof composed) =>
        AG.grad((q: { w: AG.Var; b: AG.Var }, xv: AG.Var) => AG.sum(AG.mul(f(q, xv), r)), { argnums: [0, 1] })(
          p,
          x,
        ) as unknown as [{ w: T.Tensor; b: T.Tensor }, T.Tensor]
      const [fused, plain] = [grads(viaLayer), grads(composed)]
      expect([...fused[0].w.data]).toEqual([...plain[0].w.data])
      expect([...fused[0].b.data]).toEqual([...plain[0].b.data])
      expect([...fused[1].data]).toEqual([...plain[1].data])
    }
  })

  it('keeps the messages of matmul and add for inputs affine does not take, and their results for the rest', () => {
    const layer = nn.linear(4, 3)
    const p = layer.init(0)
    const composed = (x: unknown, w: unknown, b: unknown) => () => AG.add(AG.matmul(x as never, w as never), b as never)
    const cases: [unknown, unknown, unknown, string][] = [
      [ones([2, 5]), p.w, p.b, 'matmul: inner dimensions differ: [2,5] x [4,3]'],
      [ones([2, 4]), p.w, ones([4]), 'add: cannot broadcast shapes [2,3] and [4]'],
      [undefined, p.w, p.b, 'matmul: a must be a Tensor, a Var or a number, got undefined'],
      [ones([2, 4]), p.w, 'b', 'add: b must be a Tensor, a Var or a number, got "b"'],
      [ones([2, 4]), ones([4, 3], { dtype: 'float64' }), p.b, ''],
      [ones([2, 4], { dtype: 'int32' }), p.w, p.b, ''],
    ]
    for (const [x, w, b, message] of cases) {
      const got = messageOf(() => layer.apply({ w, b } as never, x as never))
      expect(got).toBe(messageOf(composed(x, w, b)))
      if (message !== '') expect(got).toBe(message)
    }
    // a vector x (no batch axis) and a [1, 3] bias take matmul and add, as before
    const x = T.tensor([1, 2, 3, 4])
    expect(layer.apply(p, x).toArray()).toEqual(AG.add(AG.matmul(x, p.w), p.b!).toArray())
    const wide = T.reshape(p.b!, [1, 3])
    expect(layer.apply({ w: p.w, b: wide }, ones([2, 4])).toArray()).toEqual(
      AG.add(AG.matmul(ones([2, 4]), p.w), wide).toArray(),
    )
  })
})

describe('conv2d, pooling, flatten', () => {
  it('chain the CNN shapes of the benchmark model', () => {
    const cnn = nn.sequential(
      nn.conv2d(1, 8, 5),
      nn.relu(),
      nn.maxPool2d({ kernelSize: 2 }),
      nn.conv2d(8, 16, 5),
      nn.relu(),
      nn.maxPool2d({ kernelSize: 2 }),
      nn.flatten(),
      nn.linear(16 * 4 * 4, 10),
    )
    const params = cnn.init(0)
    expect(cnn.apply(params, T.zeros([2, 1, 28, 28])).shape).toEqual([2, 10])
    expect(nn.parameterCount(params as never)).toBe(8 * 25 + 8 + 16 * 8 * 25 + 16 + 256 * 10 + 10)
  })

  it('adds the conv bias per channel', () => {
    const layer = nn.conv2d(1, 2, 1, {
      weightInit: (_k, s) => T.zeros(s),
      biasInit: (_k, s) => T.tensor([1, 2], { shape: s }),
    })
    expect(layer.apply(layer.init(0), T.zeros([1, 1, 2, 2])).toArray()).toEqual([
      [
        [
          [1, 1],
          [1, 1],
        ],
        [
          [2, 2],
          [2, 2],
        ],
      ],
    ])
    expect(
      nn
        .avgPool2d({ kernelSize: 2 })
        .apply({}, T.ones([1, 1, 2, 2]))
        .toArray(),
    ).toEqual([[[[1]]]])
  })

  it('rejects bad channel counts', () => {
    expect(() => nn.conv2d(3, 4, 3, { groups: 2 })).toThrow(
      'conv2d: inChannels 3 and outChannels 4 must both be divisible by groups 2',
    )
    expect(() => nn.conv2d(1, 4, 0)).toThrow('conv2d: kernelSize must be a positive integer or a pair of them, got 0')
  })
})

describe('dropout', () => {
  it('drops about `rate` of the elements in training, rescales the rest, and is the identity otherwise', () => {
    const layer = nn.dropout(0.25)
    const out = layer.apply({}, T.ones([10000]), { train: true, key: T.prngKey(3) })
    const data = [...out.value.data]
    const kept = data.filter((v) => v !== 0)
    // 10000 Bernoulli(0.75) draws: sd of the kept fraction is √(0.75·0.25/10000) ≈ 0.0043; 5 sd.
    expect(Math.abs(kept.length / 10000 - 0.75)).toBeLessThan(0.022)
    kept.forEach((v) => expect(v).toBeCloseTo(1 / 0.75, 6))
    expect(layer.apply({}, T.ones([3])).toArray()).toEqual([1, 1, 1])
    const again = layer.apply({}, T.ones([10000]), { train: true, key: T.prngKey(3) })
    expect([...again.value.data]).toEqual(data)
  })

  it('names what is missing', () => {
    expect(() => nn.dropout(1)).toThrow('dropout: rate must be in [0, 1), got 1')
    expect(() => nn.dropout(0.5).apply({}, T.ones([2]), { train: true })).toThrow(
      'dropout: training needs a key in apply options ({ train: true, key })',
    )
  })
})

describe('sequential', () => {
  it('trains with valueAndGrad and plain gradient descent: an MLP learns XOR', () => {
    const mlp = nn.sequential(nn.linear(2, 8), nn.tanh(), nn.linear(8, 1))
    let params = mlp.init(1)
    const x = T.tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ])
    const y = T.tensor([[0], [1], [1], [0]])
    const loss = (p: AG.MaybeTraced<typeof params>) => AG.mean(AG.square(AG.sub(mlp.apply(p, x), y)))
    const first = loss(params).item()
    for (let step = 0; step < 2000; step++) {
      const [, g] = AG.valueAndGrad(loss)(params)
      params = T.treeMap((p, d) => T.sub(p, T.mul(d!, 0.2)), params, g) as typeof params
    }
    const last = loss(params).item()
    expect(first).toBeGreaterThan(0.2)
    expect(last).toBeLessThan(0.01)
  })

  it('checks its parameter list', () => {
    expect(() => nn.sequential()).toThrow('sequential: expected at least one layer, got none')
    expect(() => nn.sequential(nn.relu()).apply([] as never, T.ones([1]))).toThrow(
      'sequential: expected a list of 1 parameter trees, got 0',
    )
  })
})

describe('options are read strictly (issue 17)', () => {
  it('rejects misspelt names with a "did you mean", at construction and in apply', () => {
    expect(() => nn.conv2d(1, 2, 3, { strides: 2 } as never)).toThrow(
      'conv2d: unknown option strides, expected one of stride, padding, dilation, groups, bias, weightInit, biasInit; did you mean stride?',
    )
    const drop = nn.dropout(0.5)
    expect(() => drop.apply({}, ones([4]), { training: true } as never)).toThrow(
      'dropout: unknown option training, expected one of train, key',
    )
    expect(() => nn.linear(2, 3).apply(nn.linear(2, 3).init(0), ones([1, 2]), { trian: true } as never)).toThrow(
      'linear: unknown option trian, expected one of train, key; did you mean train?',
    )
    expect(() => nn.linear(2, 3, { baias: false } as never)).toThrow(
      'linear: unknown option baias, expected one of bias, weightInit, biasInit; did you mean bias?',
    )
    expect(() => nn.batchNorm(2, { momentun: 0.1 } as never)).toThrow(
      'batchNorm: unknown option momentun, expected one of momentum, eps, affine; did you mean momentum?',
    )
    expect(() => nn.maxPool2d({ kernelSize: 2, strides: 2 } as never)).toThrow(
      'maxPool2d: unknown option strides, expected one of kernelSize, stride, padding; did you mean stride?',
    )
    const mlp = nn.sequential(nn.linear(2, 2), nn.relu())
    expect(() => mlp.apply(mlp.init(0), ones([1, 2]), { train: 1 } as never)).toThrow(
      'sequential: train must be a boolean, got 1',
    )
  })

  it('checks arguments before using them', () => {
    expect(() => nn.conv2d(1, 2, [3] as never)).toThrow(
      'conv2d: kernelSize must be a positive integer or a pair of them, got [3]',
    )
    expect(() => nn.conv2d(1, 2, null as never)).toThrow(
      'conv2d: kernelSize must be a positive integer or a pair of them, got null',
    )
    expect(() => nn.linear(0, 2)).toThrow('linear: inFeatures must be a positive integer, got 0')
    expect(() => nn.dropout(1)).toThrow('dropout: rate must be in [0, 1), got 1')
    expect(() => nn.leakyRelu('a' as never)).toThrow('leakyRelu: slope must be a finite number, got "a"')
    expect(() => nn.softmax(0.5)).toThrow('softmax: axis must be an integer, got 0.5')
    expect(() => nn.sequential(nn.relu(), 3 as never)).toThrow(
      'sequential: layers[1] must be a layer (an object with init and apply functions), got 3',
    )
    expect(() => nn.initState(null as never)).toThrow(
      'initState: layer must be a layer (an object with init and apply functions), got null',
    )
    expect(() => nn.linear(2, 3).apply(null as never, ones([1, 2]))).toThrow(
      "linear: params must be the layer's parameters { w, b }, got null",
    )
    expect(() => nn.dropout(0.5).apply({}, ones([4]), { train: true, key: [1] as never })).toThrow(/^dropout: key/)
  })
})
