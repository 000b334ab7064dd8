import { add, logSoftmax, mean, mul, square, sub, type Var } from '@gd/autograd'
import { hinge, mse, multiclassHinge, nll, sigmoidBinaryCrossEntropy, softmaxCrossEntropy } from '@gd/losses'
import {
  conv2d,
  dropout,
  embedding,
  flatten,
  gru,
  linear,
  lstm,
  maxPool2d,
  positionEmbedding,
  relu,
  sequential,
  transformerBlock,
  upsample2d,
} from '@gd/nn'
import { adam, adamw } from '@gd/optimizers'
import {
  categorical,
  exp,
  foldIn,
  initWasm,
  multinomial,
  ones,
  prngKey,
  reshape,
  slice,
  splitKey,
  Tensor,
  tensor,
  toWasmMemory,
  tril,
  useWasm,
  type PRNGKey,
  type Tree,
} from '@gd/tensor'
import { beforeAll, describe, expect, it } from 'vitest'
import { trainStep } from './trainStep.js'
import { thrown } from '../test/thrown.js'

const model = sequential(linear(40, 96), relu(), linear(96, 5))
const lossOf = (p: unknown[], xs: Tensor, ys: Tensor) => softmaxCrossEntropy(model.apply(p as never, xs) as Var, ys)

/** `n` samples of 40 features and their labels, different for each `seed`. */
function batch(seed: number, n = 64): [Tensor, Tensor] {
  const xs = tensor(
    Array.from({ length: n * 40 }, (_, i) => Math.sin(i * 0.71 + seed)),
    { shape: [n, 40] },
  )
  const ys = tensor(
    Array.from({ length: n }, (_, i) => (i * 3 + seed) % 5),
    { dtype: 'int32' },
  )
  return [xs, ys]
}

const fresh = (): unknown[] => toWasmMemory(model.init(0) as unknown as Tree) as unknown as unknown[]

const values = (tree: unknown): number[][] =>
  (tree as { w?: Tensor; b?: Tensor }[]).flatMap((l) => (l.w ? [Array.from(l.w.data), Array.from(l.b!.data)] : []))

/** Runs the same steps eagerly and compiled, from the same start, and expects the same bits throughout. */
function expectSameAsEager(batches: [Tensor, Tensor][], optimizer = adam({ learningRate: 0.01 })): void {
  const eager = fresh()
  const compiled = fresh()
  let se = optimizer.init(eager as unknown as Tree)
  let sc = optimizer.init(compiled as unknown as Tree)
  const stepE = trainStep(lossOf, optimizer)
  const stepC = trainStep(lossOf, optimizer, { compile: true })
  for (const [xs, ys] of batches) {
    const [le, ne] = stepE(eager, se, xs, ys)
    const [lc, nc] = stepC(compiled, sc, xs, ys)
    se = ne
    sc = nc
    expect(lc.item()).toBe(le.item())
    expect(values(compiled)).toEqual(values(eager))
  }
  expect(sc).toEqual(se)
}

describe('trainStep with compile', () => {
  beforeAll(() => initWasm())

  it('gives the eager step’s loss, parameters and state bit for bit, with new batches each step', () => {
    expectSameAsEager([batch(0), batch(1), batch(2), batch(1), batch(3)])
    expectSameAsEager([batch(0), batch(4), batch(5)], adamw({ learningRate: 0.01, weightDecay: 0.1 }))
  })

  it('records again for a new batch size, and for other parameter tensors', () => {
    expectSameAsEager([batch(0), batch(1, 32), batch(2), batch(3, 32), batch(4, 7)])
    const optimizer = adam({ learningRate: 0.01 })
    const step = trainStep(lossOf, optimizer, { compile: true })
    const eager = trainStep(lossOf, optimizer)
    for (const params of [fresh(), fresh()]) {
      const twin = fresh()
      const [lc] = step(params, optimizer.init(params as unknown as Tree), ...batch(0))
      const [le] = eager(twin, optimizer.init(twin as unknown as Tree), ...batch(0))
      expect(lc.item()).toBe(le.item())
      expect(values(params)).toEqual(values(twin))
    }
  })

  it('replays convolutions, pooling, upsampling, recurrent cells, attention, layer norms and embeddings as the eager step runs them', () => {
    const tokens = (seed: number): Tensor =>
      tensor(
        Array.from({ length: 4 * 6 }, (_, i) => (i * 7 + seed * 3) % 11),
        { dtype: 'int32', shape: [4, 6] },
      )
    const cnn = sequential(
      conv2d(1, 4, 3, { padding: 'same' }),
      relu(),
      maxPool2d({ kernelSize: 2 }),
      flatten(),
      linear(4 * 4 * 4, 3),
    )
    const images = (seed: number) =>
      tensor(
        Array.from({ length: 5 * 64 }, (_, i) => Math.cos(i * 0.3 + seed)),
        { shape: [5, 1, 8, 8] },
      )
    const classes = (seed: number) =>
      tensor(
        Array.from({ length: 5 }, (_, i) => (i + seed) % 3),
        { dtype: 'int32' },
      )
    const recurrent = (cell: typeof gru | typeof lstm) => {
      const embed = embedding(11, 8)
      const rnn = cell(8, 12)
      const head = linear(12, 11)
      return {
        init: () => ({ e: embed.init(1), r: rnn.init(2), h: head.init(3) }),
        loss: (p: any, xs: Tensor, ys: Tensor) =>
          softmaxCrossEntropy(head.apply(p.h, rnn.apply(p.r, embed.apply(p.e, xs)) as Var) as Var, ys, {
            ignoreIndex: 0,
          }),
      }
    }
    const block = transformerBlock(8, 2, { causal: true })
    const [table, positions] = [embedding(11, 8), positionEmbedding(6, 8)]
    const transformer = {
      init: () => ({ e: table.init(1), p: positions.init(2), b: block.init(3), h: linear(8, 11).init(4) }),
      loss: (p: any, xs: Tensor, ys: Tensor) => {
        const h = block.apply(p.b, positions.apply(p.p, table.apply(p.e, xs)) as Var) as Var
        return softmaxCrossEntropy(linear(8, 11).apply(p.h, h) as Var, ys, { ignoreIndex: 0 })
      },
    }
    const cases: [
      string,
      { init: () => unknown; loss: (p: any, x: Tensor, y: Tensor) => Var },
      (s: number) => [Tensor, Tensor],
    ][] = [
      [
        'cnn',
        { init: () => cnn.init(0), loss: (p, xs, ys) => softmaxCrossEntropy(cnn.apply(p, xs) as Var, ys) },
        (s) => [images(s), classes(s)],
      ],
      ...(['nearest', 'bilinear'] as const).map((mode): (typeof cases)[number] => {
        const net = sequential(
          upsample2d({ scale: 2, mode }),
          conv2d(1, 2, 3, { padding: 'same' }),
          flatten(),
          linear(512, 3),
        )
        return [
          `upsample ${mode}`,
          { init: () => net.init(0), loss: (p, xs, ys) => softmaxCrossEntropy(net.apply(p, xs) as Var, ys) },
          (s) => [images(s), classes(s)],
        ]
      }),
      ['gru', recurrent(gru), (s) => [tokens(s), tokens(s + 1)]],
      ['lstm', recurrent(lstm), (s) => [tokens(s), tokens(s + 1)]],
      ['transformer', transformer, (s) => [tokens(s), tokens(s + 1)]],
    ]
    for (const wasm of [true, false]) {
      const restore = useWasm(wasm)
      try {
        for (const [name, model, data] of cases) {
          const optimizer = adamw({ learningRate: 0.01, weightDecay: 0.01 })
          const [pe, pc] = [model.init() as Tree, model.init() as Tree]
          let [se, sc] = [optimizer.init(pe), optimizer.init(pc)]
          const eager = trainStep(model.loss, optimizer)
          const compiled = trainStep(model.loss, optimizer, { compile: true })
          for (let step = 0; step < 4; step++) {
            const [le, ne] = eager(pe as never, se, ...data(step))
            const [lc, nc] = compiled(pc as never, sc, ...data(step))
            ;[se, sc] = [ne, nc]
            expect([name, wasm, step, lc.item()]).toEqual([name, wasm, step, le.item()])
          }
          expect(JSON.stringify(pc)).toBe(JSON.stringify(pe))
        }
      } finally {
        restore()
      }
    }
  })

  it('checks the targets of the losses at every replay, as the eager step does', () => {
    const params = { w: tensor([0.5, -0.25, 1, 2]) }
    const optimizer = adam({ learningRate: 0.1 })
    const losses = [
      (p: { w: Var }, y: Tensor) => sigmoidBinaryCrossEntropy(p.w, y),
      (p: { w: Var }, y: Tensor) => hinge(p.w, sub(mul(y, 2), 1)),
      (p: { w: Var }, y: Tensor) => mse(p.w, y),
    ]
    for (const loss of losses) {
      const [a, b] = [{ w: tensor(params.w.data.slice()) }, { w: tensor(params.w.data.slice()) }]
      const [eager, compiled] = [trainStep(loss, optimizer), trainStep(loss, optimizer, { compile: true })]
      let [sa, sb] = [optimizer.init(a), optimizer.init(b)]
      for (const y of [
        [0, 1, 1, 0],
        [1, 1, 0, 0],
        [0, 0, 0, 1],
      ]) {
        const [la, na] = eager(a, sa, tensor(y))
        const [lb, nb] = compiled(b, sb, tensor(y))
        ;[sa, sb] = [na, nb]
        expect(lb.item()).toBe(la.item())
      }
      expect(b.w.toArray()).toEqual(a.w.toArray())
    }
    const step = trainStep(losses[0]!, optimizer, { compile: true })
    const state = optimizer.init(params)
    step(params, state, tensor([0, 1, 1, 0]))
    const before = params.w.toArray()
    expect(thrown(() => step(params, state, tensor([0, 2, 1, 0])))).toBe(
      'sigmoidBinaryCrossEntropy: targets must be in [0, 1], got 2',
    )
    expect(params.w.toArray()).toEqual(before)
  })

  it('replays on other tensors of the same layout without calling the loss again, and records again for another layout', () => {
    let calls = 0
    const counted = (p: unknown[], xs: Tensor, ys: Tensor) => {
      calls++
      return lossOf(p, xs, ys)
    }
    const optimizer = adam({ learningRate: 0.01 })
    const step = trainStep(counted, optimizer, { compile: true })
    const eager = trainStep(lossOf, optimizer)
    const run = (xs: Tensor, ys: Tensor, fresh1 = fresh()): void => {
      const twin = fresh()
      const [lc] = step(fresh1, optimizer.init(fresh1 as unknown as Tree), xs, ys)
      const [le] = eager(twin, optimizer.init(twin as unknown as Tree), xs, ys)
      expect(lc.item()).toBe(le.item())
      expect(values(fresh1)).toEqual(values(twin))
    }
    for (let seed = 0; seed < 3; seed++) run(...batch(seed)) // new parameters and batches each call
    expect(calls).toBe(1)
    // a batch that is a view into a bigger array (another offset): another layout
    const [xs, ys] = batch(4, 65)
    run(slice(xs, [1, 0], [64, 40]), slice(ys, [1], [64]))
    expect(calls).toBe(2)
    // the first 64 rows of the same array: the first layout again (offset 0, rows 40 apart)
    run(slice(xs, [0, 0], [64, 40]), slice(ys, [0], [64]))
    run(...batch(5))
    expect(calls).toBe(2)
  })

  it('replays nll over log-probabilities, the multiclass hinge and triangular masks as the eager step runs them', () => {
    const optimizer = adam({ learningRate: 0.05 })
    const labels = (seed: number) =>
      tensor(
        Array.from({ length: 6 }, (_, i) => (i + seed) % 4),
        { dtype: 'int32' },
      )
    const losses = [
      (p: { w: Var }, y: Tensor) => nll(logSoftmax(p.w), y),
      (p: { w: Var }, y: Tensor) => multiclassHinge(p.w, y),
      (p: { w: Var }, y: Tensor) => nll(logSoftmax(add(p.w, tril(ones([6, 4])))), y),
    ]
    for (const loss of losses) {
      const start = () => ({
        w: tensor(
          Array.from({ length: 24 }, (_, i) => Math.sin(i)),
          { shape: [6, 4] },
        ),
      })
      const [a, b] = [start(), start()]
      const [eager, compiled] = [trainStep(loss, optimizer), trainStep(loss, optimizer, { compile: true })]
      let [sa, sb] = [optimizer.init(a), optimizer.init(b)]
      for (let step = 0; step < 4; step++) {
        const [la, na] = eager(a, sa, labels(step))
        const [lb, nb] = compiled(b, sb, labels(step))
        ;[sa, sb] = [na, nb]
        expect(lb.item()).toBe(la.item())
      }
      expect(b.w.toArray()).toEqual(a.w.toArray())
    }
  })

  it('runs on the JavaScript kernels too', () => {
    const restore = useWasm(false)
    try {
      expectSameAsEager([batch(0), batch(1), batch(2)])
    } finally {
      restore()
    }
  })

  it('hands out a loss of its own: a later step does not change it', () => {
    const params = fresh()
    const optimizer = adam({ learningRate: 0.01 })
    const step = trainStep(lossOf, optimizer, { compile: true })
    let state = optimizer.init(params as unknown as Tree)
    const losses: Tensor[] = []
    for (let i = 0; i < 3; i++) {
      const [loss, next] = step(params, state, ...batch(0))
      state = next
      losses.push(loss)
    }
    const seen = losses.map((l) => l.item())
    expect(new Set(seen).size).toBe(3) // the loss falls
    step(params, state, ...batch(0))
    expect(losses.map((l) => l.item())).toEqual(seen)
  })

  it('checks the labels at every replay: an out-of-range label throws and leaves params and state as they were', () => {
    const params = fresh()
    const optimizer = adam({ learningRate: 0.01 })
    const step = trainStep(lossOf, optimizer, { compile: true })
    const [, state] = step(params, optimizer.init(params as unknown as Tree), ...batch(0))
    const [xs] = batch(1)
    const bad = tensor(
      Array.from({ length: 64 }, (_, i) => (i === 9 ? 7 : i % 5)),
      { dtype: 'int32' },
    )
    const before = values(params)
    const saved = JSON.stringify(state)
    expect(thrown(() => step(params, state, xs, bad))).toBe(
      'softmaxCrossEntropy: label 7 is out of range for 5 classes',
    )
    expect(values(params)).toEqual(before)
    expect(JSON.stringify(state)).toBe(saved)
    // and the recording still replays after it
    expectSameAsEager([batch(0), batch(1)])
  })

  it('refuses a step whose JavaScript reads a value it computes, leaving params and state as they were', () => {
    const params = { w: tensor([1, 2]) }
    const optimizer = adam({ learningRate: 0.1 })
    const state = optimizer.init(params)
    const reads = trainStep(
      (p: { w: Var }) => {
        const loss = mean(square(sub(p.w, 3)))
        return loss.item() > 0 ? loss : mean(p.w)
      },
      optimizer,
      { compile: true },
    )
    expect(thrown(() => reads(params, state))).toMatch(
      /^trainStep: compile cannot replay this step: JavaScript read the values of a tensor the step computes \(data, item, toArray or printing\) \(at .*\); run it without \{ compile: true \}$/,
    )
    expect(params.w.toArray()).toEqual([1, 2])
  })

  it('draws dropout and classes anew at each step from the key argument, as the eager step does, keys split and folded inside too', () => {
    const tokens = (seed: number): Tensor =>
      tensor(
        Array.from({ length: 4 * 6 }, (_, i) => (i * 5 + seed * 3) % 11),
        { dtype: 'int32', shape: [4, 6] },
      )
    const net = sequential(linear(40, 32), relu(), dropout(0.3), linear(32, 5))
    const policy = sequential(linear(40, 16), relu(), linear(16, 5))
    const [table, block, head] = [
      embedding(11, 8),
      transformerBlock(8, 2, { causal: true, dropout: 0.2 }),
      linear(8, 11),
    ]
    type Case = {
      init: () => unknown
      loss: (p: any, xs: Tensor, ys: Tensor, key: PRNGKey) => Var
      data: (s: number) => [Tensor, Tensor]
    }
    const cases: Case[] = [
      {
        init: () => net.init(0),
        loss: (p, xs, ys, key) =>
          softmaxCrossEntropy(net.apply(p, xs, { train: true, key: splitKey(key)[1] }) as Var, ys),
        data: (s) => batch(s),
      },
      {
        init: () => ({ e: table.init(1), b: block.init(2), h: head.init(3) }),
        loss: (p, xs, ys, key) => {
          const h = block.apply(p.b, table.apply(p.e, xs) as Var, { train: true, key: foldIn(key, 3) }) as Var
          return softmaxCrossEntropy(head.apply(p.h, h) as Var, ys, { ignoreIndex: 0 })
        },
        data: (s) => [tokens(s), tokens(s + 1)],
      },
      {
        // a policy's own draws as targets: categorical and multinomial read the logits each replay computes
        init: () => policy.init(4),
        loss: (p, xs, _ys, key) => {
          const logits = policy.apply(p, xs) as Var
          const drawn = categorical(key, logits.value)
          const again = multinomial(foldIn(key, 1), exp(logits.value), 1, { replacement: true })
          return add(softmaxCrossEntropy(logits, drawn), softmaxCrossEntropy(logits, reshape(again, [-1])))
        },
        data: (s) => batch(s),
      },
    ]
    const base = prngKey(7)
    for (const { init, loss, data } of cases) {
      // keys made by prngKey, splitKey or foldIn are the replay's to draw from; a pair written by hand is two numbers
      const keyings: [(s: number) => PRNGKey, number][] = [
        [(s) => foldIn(base, s), 1],
        [(s) => [0, s], 4],
      ]
      for (const [keyAt, recordings] of keyings) {
        const optimizer = adam({ learningRate: 0.01 })
        const [pe, pc] = [init() as Tree, init() as Tree]
        let [se, sc] = [optimizer.init(pe), optimizer.init(pc)]
        let calls = 0
        const eager = trainStep(loss, optimizer)
        const compiled = trainStep(
          (p: any, xs: Tensor, ys: Tensor, key: PRNGKey) => (calls++, loss(p, xs, ys, key)),
          optimizer,
          { compile: true },
        )
        for (let step = 0; step < 4; step++) {
          const [le, ne] = eager(pe as never, se, ...data(step % 2), keyAt(step))
          const [lc, nc] = compiled(pc as never, sc, ...data(step % 2), keyAt(step))
          ;[se, sc] = [ne, nc]
          expect([step, lc.item()]).toEqual([step, le.item()])
        }
        expect(JSON.stringify(pc)).toBe(JSON.stringify(pe))
        expect(calls).toBe(recordings)
      }
    }
  })

  it('refuses a step with an op it cannot replay, naming where', () => {
    const params = { w: tensor([1, 2, 3, 4]) }
    const optimizer = adam({ learningRate: 0.1 })
    // an op of the caller's own, computed in JavaScript outside any kernel call
    const doubled = (t: Tensor) =>
      new Tensor(
        Float32Array.from(t.storage, (v) => 2 * v),
        t.shape,
        'float32',
      )
    const step = trainStep((p: { w: Var }) => mean(mul(p.w, doubled(tensor([1, 0, 1, 0])))), optimizer, {
      compile: true,
    })
    expect(thrown(() => step(params, optimizer.init(params)))).toMatch(
      /^trainStep: compile cannot replay this step: a tensor was computed by an op that cannot be replayed yet \(at .*\); run it without \{ compile: true \}$/,
    )
    expect(params.w.toArray()).toEqual([1, 2, 3, 4])
  })

  it('records again when a number argument changes (numbers are part of what a recording depends on)', () => {
    const optimizer = adam({ learningRate: 0.1 })
    const scaled = (p: { w: Var }, k: number) => mean(square(sub(p.w, k)))
    const a = { w: tensor([1, 2]) }
    const b = { w: tensor([1, 2]) }
    const step = trainStep(scaled, optimizer, { compile: true })
    const eager = trainStep(scaled, optimizer)
    let sa = optimizer.init(a)
    let sb = optimizer.init(b)
    for (const k of [3, 3, 5, 3, -1]) {
      const [la, na] = step(a, sa, k)
      const [lb, nb] = eager(b, sb, k)
      sa = na
      sb = nb
      expect(la.item()).toBe(lb.item())
    }
    expect(a.w.toArray()).toEqual(b.w.toArray())
  })

  it('refuses arguments it cannot compare between calls, and misspelt options', () => {
    const optimizer = adam({ learningRate: 0.1 })
    const params = { w: tensor([1, 2]) }
    const step = trainStep((p: { w: Var }, f: () => number) => mean(square(sub(p.w, f()))), optimizer, {
      compile: true,
    })
    expect(thrown(() => step(params, optimizer.init(params), () => 3))).toBe(
      'trainStep: with compile, the parameters and arguments must be tensors, random keys, numbers, strings, booleans, null or undefined, in arrays and plain objects; got [object Function]',
    )
    expect(params.w.toArray()).toEqual([1, 2])
    expect(thrown(() => trainStep(lossOf, optimizer, { compil: true } as never))).toMatch(
      /^trainStep: unknown option compil.*did you mean compile/,
    )
    expect(thrown(() => trainStep(lossOf, optimizer, { compile: 1 } as never))).toMatch(
      /^trainStep: compile must be a boolean, got 1/,
    )
  })

  it('releases what the recorded step kept of its intermediates, as the eager step does', () => {
    const optimizer = adam({ learningRate: 0.01 })
    const params = fresh()
    let kept: Var | undefined
    const keeping = () =>
      trainStep(
        (p: unknown[], xs: Tensor, ys: Tensor) => {
          kept = model.apply(p as never, xs) as Var
          return softmaxCrossEntropy(kept, ys)
        },
        optimizer,
        { compile: true },
      )
    keeping()(params, optimizer.init(params as unknown as Tree), ...batch(0))
    expect(() => kept!.value.data).toThrow(/was an intermediate of/)
    // on the JavaScript kernels too, where no scope's block holds them
    const restore = useWasm(false)
    try {
      kept = undefined
      keeping()(params, optimizer.init(params as unknown as Tree), ...batch(0))
      expect(() => kept!.value.data).toThrow(
        'compile: this tensor was an intermediate of a compiled step, whose later steps write its values again; run the step without { compile: true } to keep its intermediates',
      )
    } finally {
      restore()
    }
  })
})
