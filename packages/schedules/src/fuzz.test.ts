import * as api from '@gd/schedules'
// @gd/schedules does not list @gd/testing (which depends on @gd/tensor); its tests may reach it by its entry.
import { fuzzSuite, type FuzzCall } from '../../testing/src/index.js'

type Options = Record<string, unknown>

/** A schedule factory's rows: its options spoiled (probing the schedule at step 3), then its step. */
function schedule(make: (o: any) => (step: number) => number, options: () => Options | number): FuzzCall[] {
  return [
    { args: () => [options()], options: typeof options() === 'number' ? [] : [0], then: (s) => s(3) },
    {
      label: `${make.name || 'schedule'}(${typeof options() === 'number' ? 'value' : '…'})(step)`,
      args: () => [3],
      call: (step: number) => make(options())(step),
    },
  ]
}

const warmupOptions = () => ({ warmupSteps: 4, schedule: api.cosineDecaySchedule({ init: 0.1, decaySteps: 10 }) })

// every export clean: no crash, no silent acceptance, no failing call that changes its inputs
fuzzSuite('@gd/schedules', api, {
  constantSchedule: [
    ...schedule(api.constantSchedule, () => ({ value: 0.01 })),
    ...schedule(api.constantSchedule, () => 0.01),
  ],
  cosineAnnealingWarmRestartsSchedule: schedule(api.cosineAnnealingWarmRestartsSchedule, () => ({
    init: 0.1,
    period: 10,
    periodMultiplier: 2,
  })),
  cosineDecaySchedule: schedule(api.cosineDecaySchedule, () => ({ init: 0.1, decaySteps: 10, alpha: 0 })),
  cyclicSchedule: schedule(api.cyclicSchedule, () => ({
    init: 0.001,
    peak: 0.006,
    stepSizeUp: 10,
    mode: 'triangular2',
  })),
  exponentialDecaySchedule: schedule(api.exponentialDecaySchedule, () => ({
    init: 0.1,
    decaySteps: 100,
    decayRate: 0.5,
    end: 0.04,
  })),
  inverseTimeDecaySchedule: schedule(api.inverseTimeDecaySchedule, () => ({
    init: 0.1,
    decaySteps: 10,
    decayRate: 0.5,
  })),
  joinSchedules: schedule(api.joinSchedules, () => ({
    schedules: [api.linearSchedule({ init: 0, end: 0.1, transitionSteps: 10 }), api.constantSchedule(0.1)],
    boundaries: [10],
  })),
  linearSchedule: schedule(api.linearSchedule, () => ({ init: 0, end: 0.1, transitionSteps: 100 })),
  multiStepSchedule: schedule(api.multiStepSchedule, () => ({ init: 0.1, milestones: [30, 80], gamma: 0.1 })),
  oneCycleSchedule: schedule(api.oneCycleSchedule, () => ({ peak: 0.1, totalSteps: 100, pctStart: 0.3 })),
  oneCycleMomentumSchedule: schedule(api.oneCycleMomentumSchedule, () => ({ totalSteps: 1000, pctStart: 0.25 })),
  piecewiseConstantSchedule: schedule(api.piecewiseConstantSchedule, () => ({
    boundaries: [100, 200],
    values: [0.1, 0.01, 0.001],
  })),
  piecewiseInterpolateSchedule: schedule(api.piecewiseInterpolateSchedule, () => ({
    boundaries: [4, 8],
    values: [1, 0.1, 0.01],
  })),
  polynomialDecaySchedule: schedule(api.polynomialDecaySchedule, () => ({
    init: 1,
    end: 0.01,
    power: 2,
    decaySteps: 100,
  })),
  stepDecaySchedule: schedule(api.stepDecaySchedule, () => ({ init: 0.1, stepSize: 30, gamma: 0.1 })),
  warmupSchedule: schedule(api.warmupSchedule, warmupOptions),
  warmupCosineDecaySchedule: schedule(api.warmupCosineDecaySchedule, () => ({
    peak: 0.1,
    warmupSteps: 100,
    totalSteps: 1100,
  })),
  reduceOnPlateau: [
    {
      args: () => [{ init: 0.1, patience: 1, factor: 0.5, mode: 'min', threshold: 1e-4, cooldown: 0, minValue: 0 }],
      options: [0],
      then: (p) => p.step(p.init(), 1).value,
    },
    {
      label: 'reduceOnPlateau(…).step(state, metric)',
      args: () => {
        const p = api.reduceOnPlateau({ init: 0.1, patience: 1 })
        return [p.step(p.init(), 1), 0.5]
      },
      call: (state, metric: number) => api.reduceOnPlateau({ init: 0.1, patience: 1 }).step(state, metric).value,
    },
  ],
  checkStep: { args: () => ['cosineDecaySchedule', 3] },
})
