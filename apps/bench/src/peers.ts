import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { defaultDevice, init as jaxInit } from '@jax-js/jax'
import { initWasm } from '@gd/tensor'
import type { Contender, Prepared, Step } from './harness.js'

/** The two TF.js backends measured: the JS 'cpu' one and the WebAssembly one. */
export type TfBackend = 'cpu' | 'wasm'

/** What a TF.js contender builds on its backend. */
export interface TfBuilt {
  step: () => void
  check?: () => number
  /** A checksum of each parameter's gradient at the initial weights (see `Prepared.gradients`). */
  gradients?: () => number[]
  /** Tensors the step keeps across calls (inputs, variables); disposed at the end. */
  keep: tf.Tensor[]
  /** An optimizer whose slots must follow the variables to the backend, and be disposed. */
  optimizer?: tf.Optimizer
}

/**
 * A training step that TF.js's `optimizer.minimize` runs, as a contender's `step` (the loss freed at
 * once) and `check` (the loss read back, for the same-answers check).
 */
export function minimizeStep(run: () => tf.Scalar): Pick<TfBuilt, 'step' | 'check'> {
  return {
    step: () => run().dispose(),
    check: () => {
      const loss = run()
      const value = loss.dataSync()[0]!
      loss.dispose()
      return value
    },
  }
}

let ready: Promise<string> | undefined

/**
 * Starts the peers once: TF.js's cpu and wasm backends and jax-js's wasm device (made the default).
 * Returns a note for the header (TF.js wasm SIMD and threads).
 */
export function initPeers(): Promise<string> {
  ready ??= (async () => {
    const warn = console.warn
    console.warn = () => {} // TF.js's cpu backend advises installing tfjs-node, which cannot install here
    try {
      await tf.setBackend('cpu')
      tf.tensor([0]).dispose() // the advice is printed on the backend's first write
    } finally {
      console.warn = warn
    }
    await tf.setBackend('wasm')
    await tf.ready()
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')
    const devices = await jaxInit('wasm')
    if (!devices.includes('wasm')) throw new Error('initPeers: jax-js has no wasm device here')
    defaultDevice('wasm')
    // as peers get their Wasm backends ready, @gd loads its Wasm kernels up front (gemm and the
    // fused optimizer updates), so no workload's result depends on which one ran first
    const gd = await initWasm()
    return `@gd kernels ${gd}; tfjs 4.22 (wasm SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}); jax-js 0.1.25 on wasm (one thread under Node: no Worker global)`
  })()
  return ready
}

/**
 * Moves a TF.js contender's tensors onto the active backend. TF.js moves a tensor's data lazily the
 * first time another backend's kernel reads it; doing it here keeps that copy out of the timings
 * when the two TF.js backends take turns.
 */
async function rehome(built: TfBuilt): Promise<void> {
  const slots = built.optimizer === undefined ? [] : (await built.optimizer.getWeights()).map((w) => w.tensor)
  tf.tidy(() => {
    for (const t of [...built.keep, ...slots]) t.add(0)
  })
}

/** A TF.js contender on one backend; `build` runs with that backend active. */
export function tfContender(backend: TfBackend, build: () => TfBuilt): Contender {
  return {
    name: `tfjs-${backend}`,
    prepare: async (): Promise<Prepared> => {
      await tf.setBackend(backend)
      const built = build()
      return {
        step: built.step,
        ...(built.check === undefined ? {} : { check: async () => built.check!() }),
        ...(built.gradients === undefined ? {} : { gradients: async () => built.gradients!() }),
        activate: async () => {
          if (tf.getBackend() === backend) return
          await tf.setBackend(backend)
          await rehome(built)
        },
        dispose: () => {
          for (const t of built.keep) t.dispose()
          built.optimizer?.dispose()
        },
      }
    },
  }
}

/** Both TF.js contenders of a workload. */
export function tfContenders(build: () => TfBuilt): Contender[] {
  return [tfContender('cpu', build), tfContender('wasm', build)]
}

/** A jax-js contender: `prepare` owns its arrays and its `dispose` releases them. */
export function jaxContender(
  prepare: () => {
    step: Step
    budgetMs?: number
    check?: () => Promise<number>
    gradients?: () => Promise<number[]>
    dispose: () => void
  },
): Contender {
  return { name: 'jax-js', prepare }
}

/** A @gd contender. */
export function gdContender(
  prepare: () => { step: Step; check?: () => Promise<number>; gradients?: () => Promise<number[]> },
): Contender {
  return { name: '@gd', prepare }
}
