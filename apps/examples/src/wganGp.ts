// WGAN-GP (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs") on the paper's toy problem:
// eight Gaussians on a circle of radius 2. The critic's loss holds a gradient penalty, the squared
// distance from 1 of the norm of ∇ₓD at points between real and generated samples, so training the
// critic differentiates a gradient: grad(critic params) of a function that itself calls grad(x).
//
//   pnpm --filter @gd/examples example wganGp
import {
  add,
  grad,
  mean,
  mul,
  norm,
  square,
  sub,
  sum,
  valueAndGrad,
  type Input,
  type MaybeTraced,
  type Var,
} from '@gd/autograd'
import { integer, optional, positiveInteger, readOptions, withDefault } from '@gd/check'
import { linear, relu, sequential } from '@gd/nn'
import { adam, applyUpdates } from '@gd/optimizers'
import * as T from '@gd/tensor'
import type { PRNGKey, Tensor } from '@gd/tensor'
import { finiteAboveZero, finiteAtLeastZero, logger } from './checks.js'

/** Settings of {@link trainWganGp}: the paper's, with smaller networks, fewer steps and a larger step size. */
export interface WganGpOptions {
  /** Generator steps. Default 2000. */
  steps?: number
  /** Critic steps per generator step (n_critic). Default 5. */
  criticSteps?: number
  /** Samples per batch. Default 256. */
  batch?: number
  /** Weight λ of the gradient penalty. Default 10. */
  lambda?: number
  /** Adam's learning rate for both networks. Default 5·10⁻⁴ (the paper uses 10⁻⁴ over 100,000 steps). */
  learningRate?: number
  /** Hidden width of both networks. Default 64. */
  hidden?: number
  seed?: number
  /** Called every `logEvery` generator steps with a line of progress. */
  log?: (line: string) => void
  logEvery?: number
}

/** What {@link trainWganGp} returns. */
export interface WganGpResult {
  /** The critic's estimate of the Wasserstein distance, E[D(real)] − E[D(fake)], at each generator step. */
  distance: number[]
  /** The gradient penalty at each generator step (mean of (‖∇ₓD‖ − 1)²). */
  penalty: number[]
  /** 2,000 generated points, [2000, 2]. */
  samples: Tensor
  /** How many of the eight modes hold at least 5% of the generated points (within 0.25 of the centre). */
  modesCovered: number
  /** The fraction of generated points within 0.25 of some mode's centre. */
  nearAMode: number
}

const MODES = 8
const RADIUS = 2
const SPREAD = 0.02

/** n points from the eight Gaussians: a uniformly chosen centre on the circle plus N(0, 0.02²) noise. */
export function eightGaussians(key: PRNGKey, n: number): Tensor {
  const [kMode, kNoise] = T.splitKey(key)
  const angle = T.mul(T.randint(kMode, [n], 0, MODES, { dtype: 'float32' }), (2 * Math.PI) / MODES)
  const centres = T.mul(T.stack([T.cos(angle), T.sin(angle)], 1), RADIUS)
  return T.add(centres, T.normal(kNoise, [n, 2], { std: SPREAD }))
}

/** Mode coverage of generated points: see {@link WganGpResult}. */
export function modeCoverage(points: Tensor): { modesCovered: number; nearAMode: number } {
  const counts = new Array<number>(MODES).fill(0)
  const [n] = points.shape as [number, number]
  const p = points.data
  for (let i = 0; i < n; i++) {
    const x = p[2 * i]!
    const y = p[2 * i + 1]!
    for (let m = 0; m < MODES; m++) {
      const a = (2 * Math.PI * m) / MODES
      if (Math.hypot(x - RADIUS * Math.cos(a), y - RADIUS * Math.sin(a)) < 0.25) counts[m]!++
    }
  }
  const near = counts.reduce((a, b) => a + b, 0)
  return { modesCovered: counts.filter((c) => c >= 0.05 * n).length, nearAMode: near / n }
}

const mlp = (inputs: number, hidden: number, outputs: number) =>
  sequential(linear(inputs, hidden), relu(), linear(hidden, hidden), relu(), linear(hidden, outputs))
type GeneratorParams = ReturnType<ReturnType<typeof mlp>['init']>
type CriticParams = GeneratorParams

/**
 * The critic's WGAN-GP loss: E[D(fake)] − E[D(real)] + λ·E[(‖∇ₓD(x̂)‖₂ − 1)²], x̂ = εx + (1 − ε)x̃
 * with ε ~ U(0, 1) per sample. The inner `grad` closes over the critic's parameters, so the outer
 * transform differentiates through it. Returns the loss and, as aux, the distance estimate
 * E[D(real)] − E[D(fake)] and the penalty.
 */
export function criticLoss<P>(
  critic: (params: P, x: Input) => Var,
  params: P,
  real: Tensor,
  fake: Tensor,
  epsilon: Tensor,
  lambda: number,
): [Var, { distance: Var; penalty: Var }] {
  const between = T.add(T.mul(epsilon, real), T.mul(T.sub(1, epsilon), fake))
  const slope = grad((x: Var) => sum(critic(params, x)))(between) as unknown as Var
  const penalty = mean(square(sub(norm(slope, { axis: 1 }), 1)))
  const distance = sub(mean(critic(params, real)), mean(critic(params, fake)))
  return [add(mul(penalty, lambda), mul(distance, -1)), { distance, penalty }]
}

/**
 * Trains a generator (noise z ~ N(0, I₂) → point) against a WGAN-GP critic with Adam
 * (β₁ = 0.5, β₂ = 0.9) as in Algorithm 1 of the paper, and reports how well the generated
 * points cover the eight modes.
 */
export function trainWganGp(options: WganGpOptions = {}): WganGpResult {
  const { steps, criticSteps, batch, lambda, learningRate, hidden, seed, log, logEvery } = readOptions(
    'trainWganGp',
    options,
    {
      steps: withDefault(positiveInteger, 2000),
      criticSteps: withDefault(positiveInteger, 5),
      batch: withDefault(positiveInteger, 256),
      lambda: withDefault(finiteAtLeastZero, 10),
      learningRate: withDefault(finiteAboveZero, 5e-4),
      hidden: withDefault(positiveInteger, 64),
      seed: withDefault(integer, 0),
      log: optional(logger),
      logEvery: withDefault(positiveInteger, 100),
    },
  )
  const generator = mlp(2, hidden, 2)
  const critic = mlp(2, hidden, 1)
  const [kg, kc, kTrain, kSample] = T.splitKey(T.prngKey(seed), 4)
  let g = generator.init(kg)
  let c = critic.init(kc)
  const gOpt = adam({ learningRate, beta1: 0.5, beta2: 0.9 })
  const cOpt = adam({ learningRate, beta1: 0.5, beta2: 0.9 })
  let gState = gOpt.init(g)
  let cState = cOpt.init(c)
  const distance: number[] = []
  const penalty: number[] = []
  for (let step = 0; step < steps; step++) {
    const stepKey = T.foldIn(kTrain, step)
    let last = { distance: 0, penalty: 0 }
    for (let k = 0; k < criticSteps; k++) {
      const [kReal, kNoise, kEps] = T.splitKey(T.foldIn(stepKey, k), 3)
      const real = eightGaussians(kReal, batch)
      const fake = generator.apply(g, T.normal(kNoise, [batch, 2])).value
      const epsilon = T.uniform(kEps, [batch, 1])
      const [[, aux], grads] = valueAndGrad(
        (p: MaybeTraced<CriticParams>) => criticLoss(critic.apply, p, real, fake, epsilon, lambda),
        { hasAux: true },
      )(c)
      const { updates, state } = cOpt.update(grads, cState, c)
      c = applyUpdates(c, updates)
      cState = state
      last = { distance: aux.distance.value.item(), penalty: aux.penalty.value.item() }
    }
    const z = T.normal(T.foldIn(stepKey, criticSteps), [batch, 2])
    const [, grads] = valueAndGrad((p: MaybeTraced<GeneratorParams>) =>
      mul(mean(critic.apply(c, generator.apply(p, z))), -1),
    )(g)
    const { updates, state } = gOpt.update(grads, gState, g)
    g = applyUpdates(g, updates)
    gState = state
    distance.push(last.distance)
    penalty.push(last.penalty)
    if (log !== undefined && (step + 1) % logEvery === 0) {
      log(`step ${step + 1}: distance ${last.distance.toFixed(4)}, penalty ${last.penalty.toFixed(4)}`)
    }
  }
  const samples = generator.apply(g, T.normal(kSample, [2000, 2])).value
  return { distance, penalty, samples, ...modeCoverage(samples) }
}
