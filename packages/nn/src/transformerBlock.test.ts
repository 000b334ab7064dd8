import * as AG from '@gd/autograd'
import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import * as nn from './index.js'

const list = (t: T.Tensor | AG.Var) => [...(t instanceof AG.Var ? t.value : t).data]
const randn = (seed: number, shape: number[]) => T.normal(T.prngKey(seed), shape, { dtype: 'float64' })
const to64 = (tree: unknown): unknown =>
  tree instanceof T.Tensor
    ? T.add(T.cast(tree, 'float64'), randn(tree.size, [...tree.shape]))
    : Object.fromEntries(Object.entries(tree as object).map(([k, v]) => [k, to64(v)]))

describe('transformerBlock', () => {
  const x = randn(1, [2, 3, 8])
  const block = nn.transformerBlock(8, 2, { hidden: 12, causal: true })
  const p = to64(block.init(0)) as nn.TransformerBlockParams // random γ, β and biases, so every term shows

  it('is x + attention(layerNorm(x)), then + mlp(layerNorm(·)) with GELU (pre-norm)', () => {
    const ln = nn.layerNorm(8)
    const attention = nn.multiHeadAttention(8, 2, { causal: true })
    const mask = T.tensor(
      [
        [true, true, false],
        [true, true, true],
      ],
      { dtype: 'bool' },
    )
    const h = AG.add(x, attention.apply(p.attention, ln.apply(p.norm1, x), { mask }))
    const hidden = AG.gelu(AG.add(AG.matmul(ln.apply(p.norm2, h), p.mlp1.w), p.mlp1.b!))
    const want = list(AG.add(h, AG.add(AG.matmul(hidden, p.mlp2.w), p.mlp2.b!)))
    // the block's GELU is fused (one loop), the same function as autograd's composed one up to rounding
    list(block.apply(p, x, { mask })).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12))
  })

  it('is causal: changing a later position leaves earlier outputs exactly as they were', () => {
    const changed = T.add(x, T.tensor([0, 0, 1], { dtype: 'float64', shape: [1, 3, 1] })) // shift position 2 only
    const a = block.apply(p, x).toArray() as number[][][]
    const b = block.apply(p, changed).toArray() as number[][][]
    for (const s of [0, 1]) for (const i of [0, 1]) expect(b[s]![i]).toEqual(a[s]![i])
    expect(b[0]![2]).not.toEqual(a[0]![2])
  })

  it('has plain parameter trees of the right shapes', () => {
    const q = nn.transformerBlock(16, 4).init(0)
    expect(Object.keys(q)).toEqual(['norm1', 'attention', 'norm2', 'mlp1', 'mlp2'])
    expect(q.mlp1.w.shape).toEqual([16, 64]) // hidden defaults to 4·dModel
    expect(q.mlp2.w.shape).toEqual([64, 16])
    // (the cast: layer parameter interfaces, linear's included, are not yet assignable to Tree)
    expect(nn.parameterCount(q as never)).toBe(2 * 32 + 4 * (256 + 16) + (16 * 64 + 64) + (64 * 16 + 16))
  })

  it('uses dropout in training only, reproducibly by key', () => {
    const drop = nn.transformerBlock(8, 2, { hidden: 12, dropout: 0.3 })
    const a = list(drop.apply(p, x, { train: true, key: T.prngKey(3) }))
    expect(list(drop.apply(p, x, { train: true, key: T.prngKey(3) }))).toEqual(a)
    expect(a).not.toEqual(list(drop.apply(p, x)))
    expect(list(drop.apply(p, x))).toEqual(list(nn.transformerBlock(8, 2, { hidden: 12 }).apply(p, x)))
    expect(() => drop.apply(p, x, { train: true })).toThrow(
      'transformerBlock: training with dropout needs a key in apply options ({ train: true, key })',
    )
  })

  it('rejects bad arguments with clear messages', () => {
    expect(() => nn.transformerBlock(10, 4)).toThrow(
      'transformerBlock: dModel must be divisible by numHeads (4), got 10',
    )
    expect(() => nn.transformerBlock(8, 2, { hiden: 4 } as never)).toThrow(
      'transformerBlock: unknown option hiden, expected one of hidden, dropout, causal; did you mean hidden?',
    )
    expect(() => nn.transformerBlock(8, 2, { hidden: 0 })).toThrow(
      'transformerBlock: hidden must be a positive integer, got 0',
    )
    expect(() => block.apply(p, T.zeros([2, 3, 4]))).toThrow(
      'transformerBlock: x must be a float32 or float64 Tensor or Var of shape [batch, time, 8], got a float32 Tensor of shape [2,3,4]',
    )
    expect(() => block.apply({ ...p, mlp2: undefined } as never, x)).toThrow(
      'transformerBlock: params.mlp2 must be a plain object, got undefined',
    )
    expect(() => block.apply(p, x, { mask: T.ones([3, 3], { dtype: 'bool' }) })).toThrow(
      "transformerBlock: mask must be a bool Tensor of shape [2,3] (the input's [batch, time]), got a bool Tensor of shape [3,3]",
    )
  })

  it('learns a task that needs attention: predict the previous token (Adam, 60 steps)', () => {
    const [V, L, D, B] = [6, 6, 16, 32]
    const tok = nn.embedding(V, D)
    const pos = nn.embedding(L, D)
    const layer = nn.transformerBlock(D, 2, { causal: true, hidden: 32 })
    const norm = nn.layerNorm(D)
    const head = nn.linear(D, V)
    type P = {
      tok: nn.EmbeddingParams
      pos: nn.EmbeddingParams
      block: nn.TransformerBlockParams
      norm: nn.LayerNormParams
      head: nn.LinearParams
    }
    let params: T.Tree = {
      tok: tok.init(1),
      pos: pos.init(2),
      block: layer.init(3),
      norm: norm.init(4),
      head: head.init(5),
    } as never
    const positions = T.arange(0, L, 1, { dtype: 'int32' })
    // cross-entropy per token of positions 1.. against the token before each (position 0 has none)
    const loss = (p: P, x: T.Tensor, target: T.Tensor) => {
      const h = norm.apply(p.norm, layer.apply(p.block, AG.add(tok.apply(p.tok, x), pos.apply(p.pos, positions))))
      const logits = AG.slice(head.apply(p.head, h), [0, 1, 0], [B, L - 1, V])
      return AG.neg(AG.mean(AG.sum(AG.mul(AG.logSoftmax(logits), target), { axis: -1 })))
    }
    const step = AG.valueAndGrad(loss)
    let m = T.treeMap((t) => T.zerosLike(t), params)
    let v = m
    const losses: number[] = []
    for (let i = 1; i <= 60; i++) {
      const x = T.randint(T.prngKey(1000 + i), [B, L], 0, V)
      const [value, g] = step(params as never, x, T.oneHot(T.contiguous(T.slice(x, [0, 0], [B, L - 1])), V))
      losses.push(value.item())
      m = T.treeMap((a, b) => T.add(T.mul(a, 0.9), T.mul(b, 0.1)), m, g as never)
      v = T.treeMap((a, b) => T.add(T.mul(a, 0.999), T.mul(T.mul(b, b), 0.001)), v, g as never)
      const [c1, c2] = [1 - 0.9 ** i, 1 - 0.999 ** i]
      params = T.treeMap(
        (p, a, b) => T.sub(p, T.div(T.mul(a, 0.01 / c1), T.add(T.sqrt(T.div(b, c2)), 1e-8))),
        params,
        m,
        v,
      )
    }
    expect(losses[0]).toBeGreaterThan(1.5) // about ln 6 = 1.79 at the start
    expect(losses.at(-1)).toBeLessThan(0.3) // without attention the best is ln 6 (the tokens are independent)
  })
})

describe('the TSDoc examples, as written', () => {
  it('transformerBlock and its types', () => {
    const embed = nn.embedding(28, 32)
    const block = nn.transformerBlock(32, 4, { causal: true, dropout: 0.1 })
    const tokens = T.tensor([[1, 5, 9, 2]], { dtype: 'int32' })
    const h = embed.apply(embed.init(0), tokens)
    expect(h.shape).toEqual([1, 4, 32])
    expect(block.apply(block.init(1), h, { train: true, key: T.prngKey(2) }).shape).toEqual([1, 4, 32])
    const typed: nn.TransformerBlockLayer = nn.transformerBlock(16, 2, { causal: true })
    expect(typed.name).toBe('transformerBlock(16, 2 heads, hidden 64, causal)')
    expect(nn.transformerBlock(64, 4, { hidden: 128, dropout: 0.1, causal: true }).init(0).mlp1.w.shape).toEqual([
      64, 128,
    ])
    expect(Object.keys(nn.transformerBlock(8, 2).init(0))).toEqual(['norm1', 'attention', 'norm2', 'mlp1', 'mlp2'])
  })
})
