// What a schedule does to training: the same MLP trained on the same MNIST digits with SGD and momentum
// 0.9, once under each schedule (all peaking at the same learning rate), its running loss reported step
// by step and its test accuracy at the end.
import { sgd } from '@gd/optimizers'
import {
  constantSchedule,
  cosineDecaySchedule,
  exponentialDecaySchedule,
  oneCycleSchedule,
  stepDecaySchedule,
  warmupCosineDecaySchedule,
  type Schedule,
} from '@gd/schedules'
import { stepsPerEpoch } from '@gd/train'
import { buildModel, testScores, trainDigits, type Digits } from './mnist'

// #region schedules
/** Each schedule over `total` steps, all reaching `peak`: the ones the shapes plot above draws, and a constant rate. */
export function schedulesFor(peak: number, total: number): Record<string, Schedule> {
  return {
    constantSchedule: constantSchedule(peak),
    stepDecaySchedule: stepDecaySchedule({ init: peak, stepSize: Math.max(1, Math.round(total / 4)), gamma: 0.5 }),
    exponentialDecaySchedule: exponentialDecaySchedule({ init: peak, decaySteps: total, decayRate: 0.05 }),
    cosineDecaySchedule: cosineDecaySchedule({ init: peak, decaySteps: total }),
    warmupCosineDecaySchedule: warmupCosineDecaySchedule({
      init: 0,
      peak,
      warmupSteps: Math.round(total / 10),
      totalSteps: total,
    }),
    oneCycleSchedule: oneCycleSchedule({ peak, totalSteps: total }),
  }
}

export interface ScheduleRun {
  /** The mean loss of the last 50 training batches. */
  finalLoss: number
  /** Accuracy on the 1,000 test digits after training. */
  testAccuracy: number
}

/**
 * Trains a fresh 784 → 128 → 10 MLP (seed 0, batches of 32) under each schedule in turn. `onStep`
 * gets each step's batch loss; `shouldStop` is polled before every step.
 */
export async function compareSchedules(options: {
  digits: Digits
  peak: number
  epochs: number
  onStep?: (schedule: string, step: number, loss: number) => void
  shouldStop?: () => boolean
}): Promise<Record<string, ScheduleRun>> {
  const { digits, peak, epochs } = options
  const total = epochs * stepsPerEpoch(digits.train.y.size, 32)
  const runs: Record<string, ScheduleRun> = {}
  for (const [name, schedule] of Object.entries(schedulesFor(peak, total))) {
    const model = buildModel('mlp')
    const losses: number[] = []
    const { params } = await trainDigits({
      data: digits,
      model,
      epochs,
      batchSize: 32,
      seed: 0,
      // Any option that takes a number takes a schedule: (step) => number.
      optimizer: sgd({ learningRate: schedule, momentum: 0.9 }),
      onStep: (r) => (losses.push(r.loss), options.onStep?.(name, r.step, r.loss)),
      shouldStop: () => options.shouldStop?.() === true,
    })
    if (options.shouldStop?.() === true) break
    const last = losses.slice(-50)
    runs[name] = {
      finalLoss: last.reduce((a, b) => a + b, 0) / last.length,
      testAccuracy: (await testScores(model, params, digits.test)).accuracy,
    }
  }
  return runs
}
// #endregion schedules
