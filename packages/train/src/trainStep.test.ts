import { mean, square, sub, valueAndGrad, type Var } from '@gd/autograd'
import { softmaxCrossEntropy } from '@gd/losses'
import { linear, relu, sequential } from '@gd/nn'
import { adam, sgd, stepInPlace } from '@gd/optimizers'
import { initWasm, memoryStats, tensor, toWasmMemory, type Tensor, type Tree } from '@gd/tensor'
import { useScopes } from '@gd/tensor/internal'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trainStep } from './trainStep.js'

/** A small classifier's step inputs: 64 samples of 40 features, 5 classes. */
const model = sequential(linear(40, 96), relu(), linear(96, 5))
const x = tensor(
  Array.from({ length: 64 * 40 }, (_, i) => Math.sin(i * 0.71)),
  { shape: [64, 40] },
)
const y = tensor(
  Array.from({ length: 64 }, (_, i) => (i * 3) % 5),
  { dtype: 'int32' },
)
const lossOf = (p: unknown[], xs: Tensor, ys: Tensor) => softmaxCrossEntropy(model.apply(p as never, xs) as Var, ys)

/** Fresh parameters the loop owns, in the kernels' memory. */
const fresh = (): unknown[] => toWasmMemory(model.init(0) as unknown as Tree) as unknown as unknown[]

const values = (tree: unknown[]): number[][] =>
  (tree as { w?: Tensor; b?: Tensor }[]).flatMap((l) => (l.w ? [Array.from(l.w.data), Array.from(l.b!.data)] : []))

describe('trainStep', () => {
  // scopes on whatever GD_SCOPES says, and the Wasm kernels loaded: results of 64 elements or more
  // are born in the arena, so the gradients stay there
  let restore: () => void
  beforeAll(async () => {
    await initWasm()
    restore = useScopes(true)
  })
  afterAll(() => restore())

  it('gives what valueAndGrad then stepInPlace give, bit for bit, over several steps', () => {
    const opt = adam({ learningRate: 0.01 })
    const a = fresh()
    const b = fresh()
    let sa = opt.init(a as unknown as Tree)
    let sb = opt.init(b as unknown as Tree)
    const step = trainStep(lossOf, opt)
    const vg = valueAndGrad(lossOf)
    for (let i = 0; i < 3; i++) {
      const [la, na] = step(a, sa, x, y)
      sa = na
      const [lb, grads] = vg(b, x, y)
      sb = stepInPlace(opt, grads as unknown as Tree, sb, b as unknown as Tree)
      expect(la.item()).toBe(lb.item())
    }
    expect(values(a)).toEqual(values(b))
    expect(sa).toEqual(sb)
  })

  it('copies no gradient to the JavaScript heap (valueAndGrad at the top level copies each one out once)', () => {
    const opt = sgd({ learningRate: 0.01 })
    const params = fresh()
    const step = trainStep(lossOf, opt)
    const [, state] = step(params, opt.init(params as unknown as Tree), x, y)
    // copiedBytes counts every copy into or out of the kernels' memory (the batch streamed in too)
    const before = memoryStats().copiedBytes
    const [, next] = step(params, state, x, y)
    const fused = memoryStats().copiedBytes - before
    const start = memoryStats().copiedBytes
    const [, grads] = valueAndGrad(lossOf)(params, x, y)
    stepInPlace(opt, grads as unknown as Tree, next, params as unknown as Tree)
    const apart = memoryStats().copiedBytes - start
    // valueAndGrad copies the gradients out at its return: w 40·96 floats (15,360 bytes) and b 96
    // (384 bytes) of the first layer, w 96·5 (1,920 bytes) of the second (its b, 5 floats, is below the
    // arena's minimum), and sgd's scaling streams them back in to its Wasm kernel; trainStep copies none
    expect(apart - fused).toBe(2 * (15360 + 384 + 1920))
  })

  it('converges on a quadratic with a scalar loss of plain tensors', () => {
    const params = { w: tensor([1, -2]) }
    const opt = sgd({ learningRate: 0.5 })
    const step = trainStep((p: { w: Var }) => mean(square(sub(p.w, 3))), opt)
    let state = opt.init(params)
    // d/dw mean((w − 3)²) = w − 3 for two elements: at learning rate ½ each step halves the distance to 3
    const losses: number[] = []
    for (let i = 0; i < 3; i++) {
      const [loss, next] = step(params, state)
      losses.push(loss.item())
      state = next
    }
    // distances [2, 5] → [1, 2.5] → [0.5, 1.25]: losses (4 + 25)/2, (1 + 6.25)/2, (0.25 + 1.5625)/2
    expect(losses).toEqual([14.5, 3.625, 0.90625])
    expect(params.w.toArray()).toEqual([2.75, 2.375]) // distances [0.25, 0.625] after the third step
  })

  it('rejects a loss that is not a function and an optimizer that is not a transformation', () => {
    expect(() => trainStep(3 as never, sgd({ learningRate: 0.1 }))).toThrow('trainStep: loss must be a function, got 3')
    expect(() => trainStep(() => 0, {} as never)).toThrow(
      'trainStep: optimizer must be a gradient transformation, got {}',
    )
  })

  it('leaves the parameters and the state as they were when the loss throws or the state is spent', () => {
    const opt = adam({ learningRate: 0.01 })
    const params = fresh()
    const state = opt.init(params as unknown as Tree)
    const saved = values(params)
    const savedState = JSON.stringify(state)
    const failing = trainStep((p: unknown[]) => {
      lossOf(p, x, y)
      throw new Error('the loss failed')
    }, opt)
    expect(() => failing(params, state)).toThrow('the loss failed')
    expect(values(params)).toEqual(saved)
    expect(JSON.stringify(state)).toBe(savedState)
    const step = trainStep(lossOf, opt)
    step(params, state, x, y)
    const after = values(params)
    expect(() => step(params, state, x, y)).toThrow(/state was already used by an update/)
    expect(values(params)).toEqual(after)
  })
})
