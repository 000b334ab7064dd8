/**
 * {@link recordTrace}: runs a function once while a trace (see `trace.ts`) keeps its kernel calls, and hands
 * back what a replay needs. The arrays the calls write belong to the recording from then on: the run's blocks
 * go to the collector instead of the pool, freed once the recording is unreachable.
 * @module
 */
import { arrayOf, fail, func, rule } from '@gd/check'
import type { Storage } from '../dtype.js'
import { closeScope, holdReleased, openScope, withScope } from '../kernels/runtime/scope.js'
import { forReplay, type Tensor } from '../tensor.js'
import { Trace, TraceRefused, tracing } from './trace.js'

const storageCheck = /* @__PURE__ */ rule<Storage>('a typed array', (v) => ArrayBuffer.isView(v))

/** What a tensor made while a trace was recorded says when read afterwards. */
const RELEASED =
  'compile: this tensor was an intermediate of a compiled step, whose later steps write its values again; ' +
  'run the step without { compile: true } to keep its intermediates'

/** A recorded run: the kept calls and the run's outputs as tensors those calls write again. @internal */
export interface Recording {
  /** Runs every kept call again, in order, on the same arrays. */
  replay(): void
  /** The outputs of the run (as `outputsOf` listed them), over the arrays the calls write. */
  readonly outputs: readonly Tensor[]
  /**
   * Makes the next replays read input `i` (its place in `inputs`) from `storage`, an array of the same type that
   * holds the elements where the recorded one did (the same offset and strides).
   */
  bind(i: number, storage: Storage): void
}

/**
 * Runs `fn` with a trace active whose inputs are the arrays `inputs` (each a different array; `bind` points the
 * replays at others), and returns the recording; `outputsOf` lists the tensors of `fn`'s result that a replay must
 * give again. Throws {@link TraceRefused} when `fn` does something a replay cannot repeat, and whatever `fn`
 * throws; either way nothing is kept.
 * @example
 * ```ts
 * import { recordTrace } from '@gd/tensor/internal'
 * import { add, tensor } from '@gd/tensor'
 * const x = tensor([1, 2])
 * const r = recordTrace(() => add(x, x), [x.storage], (y) => [y])
 * x.storage.set([5, 6])
 * r.replay()
 * r.outputs[0]!.toArray() // [10, 12]
 * r.bind(0, new Float32Array([1, 1]))
 * r.replay()
 * r.outputs[0]!.toArray() // [2, 2]
 * ```
 * @internal
 */
export function recordTrace<T>(
  fn: () => T,
  inputs: readonly Storage[],
  outputsOf: (result: T) => readonly Tensor[],
): Recording {
  func('recordTrace', 'fn', fn)
  arrayOf(storageCheck)('recordTrace', 'inputs', inputs)
  func('recordTrace', 'outputsOf', outputsOf)
  if (new Set(inputs).size !== inputs.length) fail('recordTrace', 'inputs', 'different arrays', inputs)
  if (tracing.trace !== null) throw new TraceRefused('a step is already being compiled (compile inside compile)')
  const trace = new Trace()
  for (const s of inputs) trace.input(s)
  const owner = openScope('compile', { parent: null })
  const release = holdReleased()
  tracing.trace = trace
  let outputs: readonly Tensor[]
  try {
    const result = withScope('compile', fn, () => 'all', { parent: owner })
    outputs = outputsOf(result).map(forReplay)
  } catch (e) {
    tracing.trace = null
    closeScope(owner, null, 'releaseAll')
    release(false)
    throw e
  }
  tracing.trace = null
  closeScope(owner, null, 'keepAll')
  release(true)
  for (const t of trace.tensors) t.__release(RELEASED)
  const steps = trace.steps
  const views = inputs.map((s) => trace.inputViews.get(s)!)
  return {
    outputs,
    bind(i, storage) {
      for (const v of views[i]!) v.__move(storage)
    },
    replay() {
      for (let i = 0; i < steps.length; i++) steps[i]!()
    },
  }
}
