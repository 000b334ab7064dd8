// Vanishing and exploding gradients in a deep MLP, as the initialization page runs it: per-layer
// gradient norms under three initializations, and training with and without global-norm clipping.
import { grad, mean, noGrad, square, sub, toVar, type Var } from '@gd/autograd'
import { heNormalInit, normalInit, xavierNormalInit, zerosInit, type Initializer } from '@gd/init'
import { linear, relu, sequential, tanh, type Layer } from '@gd/nn'
import { applyUpdates, chain, clipByGlobalNorm, globalNorm, sgd, type GradientTransformation } from '@gd/optimizers'
import { Tensor, matmul, mul, normal, prngKey, splitKey, tanh as tanhOf, type PRNGKey } from '@gd/tensor'

export type InitName = 'naive N(0, 0.01²)' | 'Xavier' | 'He'
export type Activation = 'tanh' | 'relu'
export const initNames: InitName[] = ['naive N(0, 0.01²)', 'Xavier', 'He']

// #region model
/** The weight initializer for a name, its standard deviation multiplied by `scale` (1 = as published). */
export function weightInit(name: InitName, activation: Activation, scale = 1): Initializer {
  switch (name) {
    case 'naive N(0, 0.01²)':
      return (key, shape) => normalInit(key, shape, { std: 0.01 * scale })
    case 'Xavier': // σ² = 2 / (fanIn + fanOut), as Glorot and Bengio derived it for tanh
      return (key, shape) => xavierNormalInit(key, shape, { gain: scale })
    case 'He': // σ² = 2 / fanIn, as He et al. derived it for relu
      return (key, shape) => mul(heNormalInit(key, shape, { nonlinearity: 'relu' }), scale) as Tensor<'float32'>
  }
}

/** depth × (linear(width → width), activation), then a linear output unit; biases start at 0. */
export function deepMlp(depth: number, width: number, activation: Activation, init: Initializer): Layer<any>[] {
  const bias: Initializer = (_key, shape) => zerosInit(shape)
  const layers: Layer<any>[] = []
  for (let i = 0; i < depth; i++) {
    layers.push(linear(width, width, { weightInit: init, biasInit: bias }))
    layers.push(activation === 'tanh' ? tanh() : relu())
  }
  layers.push(linear(width, 1, { weightInit: init, biasInit: bias }))
  return layers
}
// #endregion model

/** 256 examples of y = tanh(x·w) for a fixed random w, x ~ N(0, I): something for the network to fit. */
export function makeTask(width: number, n = 256, seed = 0): { x: Tensor; y: Tensor } {
  const [kx, kw] = splitKey(prngKey(seed)) as [PRNGKey, PRNGKey]
  const x = normal(kx, [n, width])
  const w = normal(kw, [width, 1], { std: 1 / Math.sqrt(width) })
  return { x, y: tanhOf(matmul(x, w)) }
}

// #region norms
/**
 * For one batch: ‖∂J/∂Wₗ‖ of every layer's weights (from `grad`), and the standard deviation of the
 * activations after every layer (a forward pass without a graph). J is the mean squared error.
 */
export function layerStatistics(layers: Layer<any>[], seed: number, x: Tensor, y: Tensor) {
  const model = sequential(...layers)
  const params = model.init(seed) as unknown[]
  const loss = (p: unknown[]): Var => mean(square(sub(model.apply(p, x), y)))
  const g = grad(loss)(params) as { w?: Tensor }[]
  const gradientNorms = g.filter((layer) => layer.w !== undefined).map((layer) => globalNorm(layer.w!))
  const activationStd: number[] = []
  noGrad(() => {
    let h: Var = toVar('layerStatistics', x)
    layers.forEach((layer, i) => {
      h = layer.apply(params[i], h)
      if (i % 2 === 1 || i === layers.length - 1) activationStd.push(std(h.value))
    })
  })
  return { gradientNorms, activationStd }
}

function std(t: Tensor): number {
  const d = t.data
  let s = 0
  let s2 = 0
  for (let i = 0; i < d.length; i++) {
    s += d[i]!
    s2 += d[i]! * d[i]!
  }
  const m = s / d.length
  return Math.sqrt(Math.max(0, s2 / d.length - m * m))
}
// #endregion norms

// #region clipping
/**
 * Trains with SGD for `steps` full-batch steps, optionally behind clipByGlobalNorm, and records the loss
 * and the gradient's global norm before clipping at every step (null once the loss is not finite).
 */
export function trainDeep(options: {
  layers: Layer<any>[]
  task: { x: Tensor; y: Tensor }
  learningRate: number
  maxNorm: number | null
  steps: number
  seed?: number
}): { losses: (number | null)[]; norms: (number | null)[] } {
  const { layers, task, learningRate, maxNorm, steps } = options
  const model = sequential(...layers)
  const loss = (p: unknown[]): Var => mean(square(sub(model.apply(p, task.x), task.y)))
  const gradient = grad(loss)
  const optimizer: GradientTransformation<any> =
    maxNorm === null ? sgd({ learningRate }) : chain(clipByGlobalNorm({ maxNorm }), sgd({ learningRate }))
  let params = model.init(options.seed ?? 0) as unknown[]
  let state = optimizer.init(params as never)
  const losses: (number | null)[] = []
  const norms: (number | null)[] = []
  for (let i = 0; i < steps; i++) {
    const value = noGrad(() => loss(params).value.item())
    const g = gradient(params)
    const norm = globalNorm(g as never)
    losses.push(Number.isFinite(value) ? value : null)
    norms.push(Number.isFinite(norm) ? norm : null)
    if (!Number.isFinite(value) || !Number.isFinite(norm)) {
      for (let k = i + 1; k < steps; k++) (losses.push(null), norms.push(null))
      break
    }
    const { updates, state: next } = optimizer.update(g as never, state, params as never)
    params = applyUpdates(params as never, updates) as unknown[]
    state = next
  }
  return { losses, norms }
}
// #endregion clipping

if (typeof process !== 'undefined' && process.argv[1]?.endsWith('deep.ts')) {
  const width = 64
  const { x, y } = makeTask(width)
  for (const activation of ['tanh', 'relu'] as const) {
    for (const name of initNames) {
      const t0 = performance.now()
      const s = layerStatistics(deepMlp(20, width, activation, weightInit(name, activation)), 1, x, y)
      console.log(
        activation,
        name,
        s.gradientNorms.map((v) => v.toExponential(1)).join(' '),
        '|',
        s.activationStd.map((v) => v.toExponential(1)).join(' '),
        `${(performance.now() - t0).toFixed(0)} ms`,
      )
    }
  }
  const small = makeTask(32, 64)
  for (const [scale, lr] of [
    [1.2, 0.05],
    [1, 0.2],
  ] as const) {
    for (const maxNorm of [null, 1]) {
      const t0 = performance.now()
      const r = trainDeep({
        layers: deepMlp(20, 32, 'relu', weightInit('He', 'relu', scale)),
        task: small,
        learningRate: lr,
        maxNorm,
        steps: 150,
      })
      console.log(
        scale,
        lr,
        maxNorm,
        r.losses
          .filter((_, i) => i % 15 === 0)
          .map((v) => v?.toExponential(1))
          .join(' '),
        '|',
        r.norms
          .filter((_, i) => i % 15 === 0)
          .map((v) => v?.toExponential(1))
          .join(' '),
        `${(performance.now() - t0).toFixed(0)} ms`,
      )
    }
  }
}
