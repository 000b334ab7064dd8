// One epoch of fit: its steps over the batches in the epoch's seeded order, then its report (the
// mean training loss and metrics, the validation ones) and the callbacks' epoch end.
import type { TrainState } from '../checkpoint.js'
import { epochBatches } from '../epochBatches.js'
import type { EpochLogs } from '../epochLogs.js'
import { evaluate } from '../evaluate.js'
import { eachCallback } from './fitContext.js'
import type { LiveRun } from './fitRun.js'
import { freshSums } from './fitState.js'
import { trainStep } from './fitStep.js'

/**
 * Runs the epoch's steps, from the batch a resumed run stopped at, until the epoch ends, a callback
 * stops the run or `maxSteps` is reached. Returns whether the epoch ran to its end. An epoch that
 * would run no step (`maxSteps` already reached at its start) does not begin: no `onEpochBegin`.
 * @internal
 */
export function runEpoch<P, S>(live: LiveRun<P, S>): boolean {
  const { run, s, ctx } = live
  if (reachedMaxSteps(live)) return false
  if (s.batchInEpoch === 0) eachCallback(live, (c) => c.onEpochBegin?.(ctx))
  const { batchSize, dropLast, shuffle } = run
  const batches = epochBatches(run.examples, s.epoch, { batchSize, dropLast, shuffle, key: live.shuffleKey })
  for (const rows of batches.slice(s.batchInEpoch)) {
    if (live.stopReason !== undefined || reachedMaxSteps(live)) break
    trainStep(live, rows)
  }
  return s.batchInEpoch >= batches.length
}

/** Whether the run has taken `maxSteps` steps; if so it stops, with that reason. */
function reachedMaxSteps<P, S>(live: LiveRun<P, S>): boolean {
  const { run, s } = live
  if (s.step < run.maxSteps) return false
  // The call's budget, not the run's end: not saved in checkpoints, so a resume may go further.
  live.stopReason ??= `maxSteps ${run.maxSteps} reached`
  return true
}

/** Reports the finished epoch into the history, starts the next one and tells the callbacks. @internal */
export function endEpoch<P, S>(live: LiveRun<P, S>): void {
  const { s, ctx } = live
  const logs = epochLogs(live, s, ctx.learningRate)
  s.history.push(logs)
  s.epoch += 1
  s.batchInEpoch = 0
  s.running = freshSums(live.run.metrics)
  eachCallback(live, (c) => c.onEpochEnd?.(ctx, logs))
}

/**
 * The epoch's logs: the mean loss and metrics over its unskipped examples (NaN when every batch was
 * skipped), the skipped batches, the validation loss and metrics, and the learning rate.
 */
function epochLogs<P, S>(live: LiveRun<P, S>, s: TrainState, learningRate: number | undefined): EpochLogs {
  const { metrics, validation, model, loss } = live.run
  const { lossSum, count: seen, metricSums, skipped } = s.running
  const logs: Record<string, number> = { epoch: s.epoch, step: s.step, loss: seen === 0 ? NaN : lossSum / seen }
  for (const name of Object.keys(metrics)) logs[name] = seen === 0 ? NaN : metricSums[name]! / seen
  if (skipped > 0) logs.skipped = skipped
  if (validation !== undefined) {
    // The parameters are the run's P as a tensor tree.
    const v = evaluate(model, s.params as P, loss, validation, { metrics, state: s.modelState })
    for (const [name, value] of Object.entries(v)) logs[`val${name[0]!.toUpperCase()}${name.slice(1)}`] = value
  }
  if (learningRate !== undefined) logs.learningRate = learningRate
  return logs as EpochLogs
}
