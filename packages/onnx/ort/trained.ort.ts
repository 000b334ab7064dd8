// The demo's two architectures (apps/demo/src/models.ts: its augmentation layer, made by hand and the
// identity at inference, stands here as a hand-made layer whose config says so; its hand-made reshape
// is nn's reshape; nn's default initializers, as @gd/onnx does not list @gd/init), trained for a few
// SGD steps on random data, exported and run in ONNX Runtime: the outputs must equal @gd's inference
// outputs to float32 rounding.
import { describe, expect, it } from 'vitest'
import * as AG from '@gd/autograd'
import * as nn from '@gd/nn'
import { mul, normal, oneHot, prngKey, randint, sub, treeMap, uniform, type Tensor, type Tree } from '@gd/tensor'
import { exportOnnx } from '@gd/onnx'
import { close, runOnnx } from './runtime.js'

/** A data augmentation made by hand (here it adds noise in training), the identity at inference. */
const augment: nn.Layer<Record<string, never>> = {
  name: 'noise',
  config: { kind: 'identity' },
  init: () => ({}),
  apply: (_p, x, options) =>
    options?.train === true && options.key !== undefined
      ? AG.add(x, mul(normal(options.key, [784]), 0.01))
      : AG.toVar('noise', x),
}

const mlp = (): nn.Layer<any, any> =>
  nn.sequential(augment, nn.linear(784, 256), nn.relu(), nn.dropout(0.2), nn.linear(256, 10))
const convBlock = (i: number, o: number): nn.Layer<any, any>[] => [
  nn.conv2d(i, o, 5, { bias: false }),
  nn.maxPool2d({ kernelSize: 2 }),
  nn.batchNorm(o),
  nn.relu(),
]
const cnn = (): nn.Layer<any, any> =>
  nn.sequential(
    augment,
    nn.reshape([1, 28, 28]),
    ...convBlock(1, 12),
    ...convBlock(12, 24),
    nn.flatten(),
    nn.linear(24 * 4 * 4, 128, { bias: false }),
    nn.batchNorm(128),
    nn.relu(),
    nn.linear(128, 10),
  )

/** A few SGD steps on random images with random labels (enough to move the parameters and running statistics). */
function train(
  model: nn.Layer<any, any>,
  steps: number,
): { params: Tree; state: unknown; first: number; last: number } {
  let params: Tree = model.init(prngKey(0))
  let state = nn.initState(model)
  const losses: number[] = []
  for (let step = 0; step < steps; step++) {
    const key = prngKey(100 + step)
    const x = uniform(key, [16, 784])
    const labels = randint(prngKey(200 + step), [16], 0, 10)
    const target = oneHot(labels, 10)
    const loss = (p: unknown): [AG.Var, unknown] => {
      const r = nn.applyWithState(model, p as never, state as never, x, { train: true, key })
      const nll = AG.neg(AG.mean(AG.sum(AG.mul(AG.logSoftmax(r.output), target), { axis: -1 })))
      return [nll, r.state]
    }
    const lossAndGrad = AG.valueAndGrad(loss, { hasAux: true }) as (p: Tree) => [[Tensor, unknown], Tree]
    const [[value, next], grads] = lossAndGrad(params)
    losses.push(value.item())
    params = treeMap((w: Tensor, g: Tensor) => sub(w, mul(g, 0.05)), params, grads)
    state = next
  }
  return { params, state, first: losses[0]!, last: losses.at(-1)! }
}

describe('trained models run in ONNX Runtime as in @gd', () => {
  for (const [label, make] of [
    ['MLP', mlp],
    ['CNN', cnn],
  ] as const) {
    it(`the demo's ${label}`, async () => {
      const model = make()
      const { params, state, first, last } = train(model, 5)
      const x = uniform(prngKey(9), [32, 784])
      const gd = nn.applyWithState(model, params as never, state as never, x).output.value
      const bytes = exportOnnx(model, params, { inputShape: [784], state })
      const worst = close(await runOnnx(bytes, x), gd, 1e-5, 1e-5)
      console.log(
        `${label}: loss ${first.toFixed(3)} → ${last.toFixed(3)} in 5 steps; ${bytes.length} bytes, largest |onnx − @gd| ${worst.toExponential(2)}`,
      )
      expect(worst).toBeLessThan(1e-4)
    })
  }
})
