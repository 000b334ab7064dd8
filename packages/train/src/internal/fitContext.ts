// A live fit run: its settings, its state, the keys it derives, why it stopped, and the context its
// callbacks see (which reads and changes that state).
import { setHyperparam, type InjectState } from '@gd/optimizers'
import { splitKey } from '@gd/tensor'
import type { RunScope } from './fitScope.js'
import type { Callback, TrainContext } from '../callback.js'
import type { TrainState } from '../checkpoint.js'
import { handOut } from './fitScope.js'
import { checkpointOf } from './fitState.js'
import type { FitRun, LiveRun } from './fitRun.js'

/**
 * Starts a live run from its state, with the keys derived from the run's key, and the run scope that
 * owns its trees between steps (null when scopes are off). @internal
 */
export function liveRun<P, S>(run: FitRun<P, S>, s: TrainState, scope: RunScope | null): LiveRun<P, S> {
  const [shuffleKey, dropoutKey] = splitKey(s.key)
  const live: LiveRun<P, S> = {
    run,
    s,
    shuffleKey,
    dropoutKey,
    stopReason: s.stopReason,
    scope,
    ctx: trainContext(run, s, (reason) => {
      if (live.stopReason !== undefined) return
      live.stopReason = reason
      s.stopReason = reason // a callback's stop is the run's: checkpoints keep it
    }),
  }
  return live
}

/** Calls `f` on each callback, in order. @internal */
export function eachCallback<P, S>(live: LiveRun<P, S>, f: (c: Callback) => void): void {
  live.run.callbacks.forEach(f)
}

/** The optimizer state when it comes from injectHyperparams with a numeric learning rate. */
function injected(s: TrainState): InjectState | undefined {
  const st = s.optimizerState as Partial<InjectState> | null
  return typeof st?.hyperparams?.learningRate === 'number' ? (st as InjectState) : undefined
}

function trainContext<P, S>(run: FitRun<P, S>, s: TrainState, stop: (reason: string) => void): TrainContext {
  // callbacks get the run's trees on the JavaScript heap (a copy once per tree when a step scope made them),
  // so that what they keep (earlyStopping's best parameters) is never released when the run replaces them
  const params = {}
  const modelState = {}
  return {
    get step() {
      return s.step
    },
    get epoch() {
      return s.epoch
    },
    epochs: run.epochs,
    stepsPerEpoch: run.stepsPerEpoch,
    get batchInEpoch() {
      return s.batchInEpoch
    },
    get params() {
      return handOut(s.params, params)
    },
    get modelState() {
      return handOut(s.modelState, modelState)
    },
    get learningRate() {
      return injected(s)?.hyperparams.learningRate
    },
    setLearningRate(value) {
      const h = injected(s)
      if (h === undefined) {
        throw new Error('fit: setLearningRate needs an optimizer from injectHyperparams with a learningRate, got none')
      }
      s.optimizerState = setHyperparam(h, 'learningRate', value)
    },
    setParams(params) {
      s.params = params
    },
    setModelState(state) {
      if (!run.stateful)
        throw new Error('fit: setModelState needs a model that keeps state, got one without applyWithState')
      s.modelState = state
    },
    stop(reason) {
      stop(reason)
    },
    checkpoint: () => checkpointOf(run, s),
  }
}
