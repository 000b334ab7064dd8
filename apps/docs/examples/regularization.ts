// Regularization, as the regularization page runs it: a degree-9 polynomial fitted to a few noisy
// points with Adam, unregularized, with an L2 or L1 penalty added to the loss (coupled: the penalty's
// gradient goes through Adam's scaling), and with AdamW's decoupled weight decay.
import { add, matmul, noGrad, valueAndGrad, type Var } from '@gd/autograd'
import { l1Penalty, l2Penalty, mse } from '@gd/losses'
import { adam, adamw, applyUpdates, type GradientTransformation } from '@gd/optimizers'
import { Tensor, normal, prngKey, splitKey, tensor, uniform, type PRNGKey } from '@gd/tensor'

// #region data
export const degree = 9
/** The curve the points come from: y = sin(πx) on [−1, 1]. */
export const truth = (x: number): number => Math.sin(Math.PI * x)

/** The features of x: the powers x⁰, x¹, …, x⁹, one row per point. */
export function features(xs: ArrayLike<number>): Tensor {
  const rows = Array.from(xs, (x) => Array.from({ length: degree + 1 }, (_, k) => x ** k))
  return tensor(rows, { dtype: 'float64' })
}

export interface Split {
  xs: number[]
  x: Tensor
  y: Tensor
}

/** n points x ~ U(−1, 1), y = sin(πx) + ε, ε ~ N(0, σ²), all drawn from `seed`. */
export function makePoints(n: number, noise: number, seed: number): Split {
  const [kx, ke] = splitKey(prngKey(seed)) as [PRNGKey, PRNGKey]
  const xs = Array.from(uniform(kx, [n], { low: -1, high: 1, dtype: 'float64' }).data)
  const e = normal(ke, [n], { std: noise, dtype: 'float64' }).data
  return {
    xs,
    x: features(xs),
    y: tensor(
      xs.map((x, i) => [truth(x) + e[i]!]),
      { dtype: 'float64' },
    ),
  }
}
// #endregion data

// #region fit
export type Regularizer =
  | { kind: 'none' }
  | { kind: 'l2 penalty'; lambda: number } // J + (λ/2)‖w‖², Adam sees the gradient of both
  | { kind: 'l1 penalty'; lambda: number } // J + λ‖w‖₁
  | { kind: 'adam weightDecay'; lambda: number } // adam({ weightDecay: λ }): g + λw, then Adam
  | { kind: 'adamw'; lambda: number } // adamw({ weightDecay: λ }): Adam's step, then + ηλw

export interface Run {
  /** Mean squared error on the training points and on the validation points, every `every` steps. */
  train: number[]
  validation: number[]
  /** ‖w‖₂ at the same steps. */
  norm: number[]
  /** The final coefficients w₀ … w₉. */
  w: number[]
}

type Params = { w: Tensor }

/** Full-batch training of ŷ = Σₖ wₖ xᵏ from w = 0, recording the losses and ‖w‖ every `every` steps. */
export function fit(options: {
  train: Split
  validation: Split
  regularizer: Regularizer
  learningRate: number
  steps: number
  every?: number
}): Run {
  const { train, validation, regularizer: r, learningRate, steps, every = 10 } = options
  const dataLoss = (w: Var | Tensor, s: Split): Var => mse(matmul(s.x, w), s.y)
  // The loss the optimizer differentiates: the data term, plus the penalty when it is coupled.
  const objective = ({ w }: { w: Var }): Var => {
    if (r.kind === 'l2 penalty') return add(dataLoss(w, train), l2Penalty(w, { scale: r.lambda }))
    if (r.kind === 'l1 penalty') return add(dataLoss(w, train), l1Penalty(w, { scale: r.lambda }))
    return dataLoss(w, train)
  }
  const optimizer: GradientTransformation<any> =
    r.kind === 'adamw'
      ? adamw({ learningRate, weightDecay: r.lambda })
      : r.kind === 'adam weightDecay'
        ? adam({ learningRate, weightDecay: r.lambda })
        : adam({ learningRate })
  const gradient = valueAndGrad(objective)
  let params: Params = { w: tensor(new Array(degree + 1).fill([0]), { dtype: 'float64' }) }
  let state = optimizer.init(params)
  const run: Run = { train: [], validation: [], norm: [], w: [] }
  const record = (): void => {
    noGrad(() => {
      run.train.push(dataLoss(params.w, train).value.item())
      run.validation.push(dataLoss(params.w, validation).value.item())
    })
    run.norm.push(Math.hypot(...params.w.data))
  }
  record()
  for (let t = 1; t <= steps; t++) {
    const [, g] = gradient(params)
    const { updates, state: next } = optimizer.update(g, state, params)
    params = applyUpdates(params, updates)
    state = next
    if (t % every === 0) record()
  }
  run.w = Array.from(params.w.data)
  return run
}
// #endregion fit

/** ŷ at each x for coefficients w. */
export function predict(w: number[], xs: number[]): number[] {
  return xs.map((x) => w.reduce((s, c, k) => s + c * x ** k, 0))
}

if (typeof process !== 'undefined' && process.argv[1]?.endsWith('regularization.ts')) {
  const train = makePoints(12, 0.2, 0)
  const validation = makePoints(200, 0.2, 1000)
  for (const regularizer of [
    { kind: 'none' },
    { kind: 'l2 penalty', lambda: 0.01 },
    { kind: 'adam weightDecay', lambda: 0.01 },
    { kind: 'l1 penalty', lambda: 0.01 },
    { kind: 'adamw', lambda: 0.01 },
    { kind: 'adamw', lambda: 1 },
  ] as Regularizer[]) {
    const t0 = performance.now()
    const r = fit({ train, validation, regularizer, learningRate: 0.05, steps: 3000 })
    console.log(
      regularizer.kind,
      r.train.at(-1)!.toPrecision(3),
      r.validation.at(-1)!.toPrecision(3),
      'min val',
      Math.min(...r.validation).toPrecision(3),
      r.norm.at(-1)!.toPrecision(3),
      r.w.map((v) => v.toFixed(2)).join(' '),
      `${(performance.now() - t0).toFixed(0)} ms`,
    )
  }
}
