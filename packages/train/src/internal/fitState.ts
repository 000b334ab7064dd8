// fit's starting state, fresh or resumed from a checkpoint (checked against the run before any
// write), and the checkpoint of a live run.
import { show } from '@gd/check'
import { prngKey, type PRNGKey, type Tree } from '@gd/tensor'
import { fromCheckpoint, toCheckpoint, type Checkpoint, type TrainState } from '../checkpoint.js'
import type { FitRun } from './fitRun.js'
import { structureDifferences, treeStructure } from './structure.js'
import type { Metric } from '../metrics.js'

/**
 * The state a run starts from: the checkpoint's when resuming (after checking that its batching,
 * parameter tree and model-state tree fit this run, and loading the callbacks' saved state), a fresh
 * one otherwise. @internal
 */
export function startState<P, S>(run: FitRun<P, S>): TrainState {
  const setup = { examples: run.examples, batchSize: run.batchSize, dropLast: run.dropLast, shuffle: run.shuffle }
  if (run.resume !== undefined) return resumedState(run, run.resume, setup)
  const key = run.key ?? prngKey(run.seed ?? 0)
  // Parameter and model-state trees are tensor trees; P and S name their shape for the model.
  const params = run.params as Tree
  const s: TrainState = {
    params,
    optimizerState: run.optimizer.init(params),
    key,
    step: 0,
    epoch: 0,
    batchInEpoch: 0,
    history: [],
    callbacks: {},
    running: freshSums(run.metrics),
    setup,
  }
  if (run.stateful) s.modelState = (run.state ?? run.model.initState!()) as Tree
  return s
}

function resumedState<P, S>(run: FitRun<P, S>, resume: Checkpoint, setup: TrainState['setup']): TrainState {
  const s = fromCheckpoint(resume)
  for (const [k, v] of Object.entries(setup)) {
    const saved = (s.setup as Record<string, unknown>)[k]
    if (saved !== v) throw new Error(`fit: resume needs the checkpoint's ${k} ${String(saved)}, got ${v}`)
  }
  if (run.stateful && s.modelState === undefined)
    throw new Error('fit: resume needs the model state, but the checkpoint has none')
  const modelState = run.stateful ? (run.state ?? run.model.initState?.()) : undefined
  const differs = structureDifferences(
    [...treeStructure(s.params, 'params'), ...treeStructure(s.modelState, 'modelState')],
    [...treeStructure(run.params, 'params'), ...treeStructure(modelState, 'modelState')],
  )
  if (differs.length > 0) throw new Error(`fit: the checkpoint does not fit the model: ${differs.join('; ')}`)
  checkResumedKey(run, s.key)
  if (run.continueStopped) delete s.stopReason
  for (const c of run.callbacks) if (c.load && c.name in s.callbacks) c.load(s.callbacks[c.name])
  return s
}

/**
 * A resumed run continues the checkpoint's key: a `key` given (or else a `seed`) must give that key,
 * or the caller expects a run the checkpoint does not hold.
 */
function checkResumedKey<P, S>(run: FitRun<P, S>, saved: PRNGKey): void {
  const same = (k: PRNGKey) => k[0] === saved[0] && k[1] === saved[1]
  const tail = "a resumed run continues the checkpoint's key"
  if (run.key !== undefined) {
    if (!same(run.key))
      throw new Error(
        `fit: key ${show(run.key)} is not the checkpoint's key ${show(saved)}; ${tail}: pass that key or none`,
      )
  } else if (run.seed !== undefined && !same(prngKey(run.seed))) {
    throw new Error(
      `fit: seed ${run.seed} does not give the checkpoint's key ${show(saved)}; ${tail}: pass the seed the run started with or none`,
    )
  }
}

/** Zeroed running sums of the loss and each metric, for a new epoch. @internal */
export function freshSums(metrics: Readonly<Record<string, Metric>>): TrainState['running'] {
  const metricSums: Record<string, number> = {}
  for (const name of Object.keys(metrics)) metricSums[name] = 0
  return { lossSum: 0, count: 0, metricSums, skipped: 0 }
}

/** A checkpoint of the live state, with the saved state of every callback that keeps some. @internal */
export function checkpointOf<P, S>(run: FitRun<P, S>, s: TrainState): Checkpoint {
  const saved: Record<string, unknown> = {}
  for (const c of run.callbacks) if (c.save) saved[c.name] = c.save()
  return toCheckpoint({ ...s, callbacks: saved })
}
