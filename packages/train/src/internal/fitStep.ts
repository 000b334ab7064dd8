// One training step of fit: the loss and its gradient on a batch, the callbacks' say on the gradients,
// then the update θ ← θ + update(∇θ J), computed in full before anything is written.
import { fail } from '@gd/check'
import { valueAndGrad, Var, type MaybeTraced } from '@gd/autograd'
import { applyUpdates, type InjectState } from '@gd/optimizers'
import { foldIn, treeMap, type PRNGKey, type Tensor, type Tree } from '@gd/tensor'
import type { StepAction } from '../callback.js'
import type { TrainState } from '../checkpoint.js'
import { eachCallback } from './fitContext.js'
import { inStepScope, type RunTrees } from './fitScope.js'
import type { FitRun, Gradient, LiveRun, StepOutput } from './fitRun.js'
import { compiled } from './compiled.js'
import { copied } from './copied.js'
import { takeRows, type Dataset } from '../dataset.js'

/**
 * Runs one step on the batch of examples `rows` (in a step scope of the run's, see `fitScope.ts`),
 * then advances the step counters and calls the callbacks' `onStepEnd`. @internal
 */
export function trainStep<P, S>(live: LiveRun<P, S>, rows: number[]): void {
  const { s, ctx } = live
  let outcome: [number, StepAction] = [NaN, undefined]
  inStepScope(
    live.scope,
    () => runTrees(s),
    () => (outcome = stepBody(live, rows)),
  )
  const [value, action] = outcome
  s.step += 1
  s.batchInEpoch += 1
  eachCallback(live, (c) => c.onStepEnd?.(ctx, { loss: value, skipped: action !== undefined }))
}

/** The run's trees that a step replaces. */
function runTrees(s: TrainState): RunTrees {
  return { params: s.params, optimizerState: s.optimizerState, modelState: s.modelState }
}

/**
 * The step itself: batch, loss and gradients, the callbacks' `onGradients`, then the update (or the
 * skip). Returns the loss and the callbacks' action.
 */
function stepBody<P, S>(live: LiveRun<P, S>, rows: number[]): [number, StepAction] {
  const { run, s, ctx } = live
  const batch = takeRows(run.data, rows)
  const [[lossValue, output], grads] = lossAndGradients(live, batch)
  const value = lossValue.item()
  let action: StepAction
  for (const c of run.callbacks) {
    action = c.onGradients?.(ctx, { loss: value, grads, batchSize: rows.length }) ?? undefined
    if (action !== undefined) break
  }
  if (action === undefined) {
    update(live, grads, value, output.modelState)
    addToSums(live, value, output.predictions, batch.y, rows.length)
  } else {
    s.running.skipped += 1
    if (action === 'stop') ctx.stop(`non-finite or rejected step at step ${s.step}`)
  }
  return [value, action]
}

/**
 * The loss on the batch and its gradient with respect to the parameters, with the step's dropout key;
 * a model with state runs `applyWithState` in training mode and also gives its new state.
 */
function lossAndGradients<P, S>(live: LiveRun<P, S>, batch: Dataset): [[Tensor, StepOutput], Tree] {
  const { run, s } = live
  live.gradient ??= gradientOf(run)
  const key = foldIn(live.dropoutKey, s.step)
  const [[value, output], grads] = live.gradient(s.params as Tree, batch.x, batch.y, s.modelState, key)
  // a compiled step's results are the recording's arrays, which the next step writes again: the state it keeps is copied
  const modelState =
    run.compile && output.modelState !== undefined ? treeMap(copied, output.modelState) : output.modelState
  return [[value, { predictions: output.predictions, modelState }], grads]
}

/**
 * `valueAndGrad` of the run's loss as a function of the parameters, the batch, the model state and the step's key
 * (compiled with the run's `compile`).
 */
function gradientOf<P, S>(run: FitRun<P, S>): Gradient {
  const { model, loss } = run
  const forward = (
    p: MaybeTraced<P>,
    x: Tensor,
    y: Tensor,
    modelState: Tree | undefined,
    key: PRNGKey,
  ): [Var, StepOutput] => {
    if (model.applyWithState === undefined) {
      const predictions = model.apply(p, x, { train: true, key })
      return [scalarLoss(loss(predictions, y)), { predictions: predictions.value, modelState: undefined }]
    }
    const r = model.applyWithState(p, modelState as S, x, { train: true, key })
    return [scalarLoss(loss(r.output, y)), { predictions: r.output.value, modelState: r.state as Tree }]
  }
  // The run keeps its parameters as a tensor tree: the plain form of the model's P.
  const g = valueAndGrad(forward, { hasAux: true }) as unknown as Gradient
  return run.compile ? (compiled(g as (...args: unknown[]) => ReturnType<Gradient>, 'fit') as Gradient) : g
}

/**
 * Replaces the parameters, the optimizer state and the model state by the step's. Everything is
 * computed before anything is written, so a step that throws (an optimizer error, a non-finite
 * learning rate from a schedule) leaves them as they were.
 */
function update<P, S>(live: LiveRun<P, S>, grads: Tree, value: number, modelState: Tree | undefined): void {
  const { s } = live
  const r = live.run.optimizer.update(grads, s.optimizerState, s.params, { value })
  const lr = (r.state as Partial<InjectState> | null)?.hyperparams?.learningRate
  if (typeof lr === 'number' && !Number.isFinite(lr)) {
    throw new Error(`fit: the learning rate at step ${s.step} must be a finite number, got ${lr} (check the schedule)`)
  }
  const nextParams = applyUpdates(s.params, r.updates)
  s.optimizerState = r.state
  s.params = nextParams
  if (modelState !== undefined) s.modelState = modelState
}

/** Adds a step's loss and metrics, weighted by its batch size, to the epoch's running sums. */
function addToSums<P, S>(live: LiveRun<P, S>, value: number, predictions: Tensor, y: Tensor, size: number): void {
  const running = live.s.running
  running.lossSum += value * size
  running.count += size
  for (const [name, m] of Object.entries(live.run.metrics)) running.metricSums[name]! += m(predictions, y) * size
}

/** The loss's result, checked: a Var (the step throws before any write otherwise). */
function scalarLoss(value: unknown): Var {
  if (!(value instanceof Var)) fail('fit', 'the loss', 'a Var (e.g. from @gd/losses or @gd/autograd ops)', value)
  return value
}
