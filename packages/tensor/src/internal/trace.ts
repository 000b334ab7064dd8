/**
 * Traces: a record of the kernel calls one run of a function made, which a compiled step replays without
 * running the function's JavaScript again (see `compile` in @gd/train's `trainStep`).
 *
 * While a {@link Trace} is active ({@link tracing}), every op that knows how to be replayed runs its
 * arithmetic through {@link kernel}: the call runs at once, as it would anyway, and the trace keeps it. A
 * replay then runs the kept calls in order on the same arrays: the inputs' (bound to new values first),
 * the intermediates' (which the trace owns from then on) and the constants' (put back as they were).
 * Nothing else runs, so the trace must have seen everything that wrote a value. It makes sure of that:
 *
 * - every tensor made while it is active must lie over an array it knows: an input's, a kept call's
 *   output, a constant registered by a creation op ({@link traceConstant}) or an array a view op saw
 *   ({@link traceView}); a tensor over any other array was computed by code the trace cannot replay,
 *   and the trace refuses it ({@link TraceRefused});
 * - JavaScript reading the values of an input or an intermediate outside a kernel call (`data`, `item`,
 *   `toArray`, printing) would decide something a replay would not decide again: refused too;
 * - an in-place write (`beforeInPlaceWrite`) is refused.
 *
 * What the traced function reads of JavaScript values (numbers it closes over, options) is fixed at the
 * values they had while it was traced, as with JAX's `jit`.
 * @module
 */
import { boolean, fail, func } from '@gd/check'
import type { Storage } from '../dtype.js'

/** What a trace needs of a tensor it saw made (the Tensor class, without importing it: it imports this module). */
export interface Made {
  __release(message: string): void
  __move(storage: Storage): void
}

/** Thrown while tracing when the function does something a replay could not repeat. */
export class TraceRefused extends Error {}

/**
 * A trace being recorded, as the ops and the Tensor class see it. It lives in `record.ts` (`Recorder`), so that a
 * bundle that never records carries only this interface and the hooks below. @internal
 */
export interface Trace {
  /** The arrays a tensor may be made over: inputs, kernel calls' outputs, constants, arrays views were made of. */
  readonly known: Set<Storage>
  /** The views kernel calls read each input through (see `forReplay`), by the input's array. */
  readonly inputViews: Map<Storage, Made[]>
  /** Refuses a tensor over `s` unless the trace knows `s` or a kernel call is running; keeps `t` to release it. */
  made(s: Storage, t: Made): void
  /** Refuses JavaScript reading the values of an input or an intermediate outside a kernel call. */
  read(s: Storage): void
  /** Refuses an operand that a scope outside the trace owns. */
  refuseOwned(): never
  /** Runs and keeps a kernel call (see {@link kernel}). */
  kernel(outs: readonly Storage[], run: () => unknown, whole: boolean): boolean
  /** Keeps a constant (see {@link traceConstant}). */
  constant(s: Storage): void
  /**
   * The array a replay writes the values of `key` to, when `key` is one of this trace's stand-ins: a key the step
   * takes as an argument, or one derived from such a key (see {@link traceKey}).
   */
  keySlot(key: unknown): Uint32Array | undefined
  /** A stand-in key whose values `derive` computes from those of the stand-in with slot `parent`, now and at each replay. */
  deriveKey(parent: Uint32Array, derive: (key: Key, out: Uint32Array) => void): Key
}

/** A random key's two uint32 words (`PRNGKey` in rng.ts, which imports this module). */
type Key = readonly [number, number]

/** The trace being recorded, if any. @internal */
export const tracing: { trace: Trace | null } = { trace: null }

/**
 * Runs `run`, which writes `out` (one array, or several), and keeps it in the active trace. `whole` says
 * that `run` writes every element of each output; otherwise a replay zero-fills them first, as a fresh
 * allocation would be (a call that accumulates into its output must start from zeros each time). A `run`
 * that returns false took no call and wrote nothing (a Wasm kernel declining it): it is not kept, and
 * `kernel` returns false too.
 * @example
 * ```ts
 * import { kernel } from '@gd/tensor/internal'
 * const out = new Float32Array(2)
 * kernel(out, () => out.fill(1), true) // true: ran (and, while a step is recorded, kept)
 * ```
 */
export function kernel(out: Storage | readonly Storage[], run: () => unknown, whole = false): boolean {
  if (!ArrayBuffer.isView(out) && !Array.isArray(out)) fail('kernel', 'out', 'a typed array or an array of them', out)
  if (typeof run !== 'function') func('kernel', 'run', run)
  if (typeof whole !== 'boolean') boolean('kernel', 'whole', whole)
  const t = tracing.trace
  if (t === null) return run() !== false
  return t.kernel(Array.isArray(out) ? out : [out as Storage], run, whole)
}

/**
 * Registers `s`, filled from JavaScript values by a creation op, as a constant: each replay puts its values back.
 * @example
 * ```ts
 * import { traceConstant } from '@gd/tensor/internal'
 * traceConstant(new Float32Array([1, 2])) // nothing to do while no step is recorded
 * ```
 */
export function traceConstant(s: Storage): void {
  if (!ArrayBuffer.isView(s)) fail('traceConstant', 's', 'a typed array', s)
  tracing.trace?.constant(s)
}

/**
 * Whether a trace is being recorded: an op that computes differently for a trace (a copy checked at each replay
 * instead of a cached one) asks this.
 * @example
 * ```ts
 * import { isTracing } from '@gd/tensor/internal'
 * isTracing() // false
 * ```
 */
export function isTracing(): boolean {
  return tracing.trace !== null
}

/**
 * Where `key` stands for a key that each replay of the trace being recorded gives anew (a step's key argument, or one
 * derived from it), the array that holds its values at the replay; otherwise undefined. A random op reads such a key
 * inside its kernel call, from this array; a key that is not a stand-in is fixed, like any JavaScript value. @internal
 */
export function traceKey(key: unknown): Uint32Array | undefined {
  return tracing.trace?.keySlot(key)
}

/** Lets a view op make a tensor over `s`, an array made before the trace (its values are read as they are then). @internal */
export function traceView(s: Storage): void {
  tracing.trace?.known.add(s)
}
