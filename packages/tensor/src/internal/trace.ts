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

/** What the trace needs of a tensor it saw made (the Tensor class, without importing it: it imports this module). */
interface Made {
  __release(message: string): void
  __move(storage: Storage): void
}

/** Thrown while tracing when the function does something a replay could not repeat. @internal */
export class TraceRefused extends Error {}

/** The trace being recorded, if any. @internal */
export const tracing: { trace: Trace | null } = { trace: null }

/**
 * What a trace keeps: the calls in order, the arrays it knows and, of those, the ones whose values a
 * replay changes (inputs and outputs of calls), which JavaScript must not read outside a call. @internal
 */
export class Trace {
  readonly steps: (() => unknown)[] = []
  readonly known = new Set<Storage>()
  readonly dynamic = new Set<Storage>()
  /** Depth of kernel calls running now (their reads are the call's own). */
  inKernel = 0

  /** The views kernel calls read each input through (see `forReplay`), by the input's array. */
  readonly inputViews = new Map<Storage, Made[]>()

  /** An input: a replay reads it through views that `bind` of the recording (see `record.ts`) points at another array. */
  input(s: Storage): void {
    this.known.add(s)
    this.dynamic.add(s)
    this.inputViews.set(s, [])
  }

  /** The tensors made while it was active: released when it ends, since replays write their arrays again. */
  readonly tensors: Made[] = []

  /**
   * Refuses a tensor over `s` unless the trace knows `s` or a kernel call is running; keeps `t` to release it when
   * the trace ends.
   */
  made(s: Storage, t: Made): void {
    if (this.inKernel > 0) return // a kernel call's own temporary (a broadcast view it reads through)
    if (!this.known.has(s)) refuse('a tensor was computed by an op that cannot be replayed yet')
    this.tensors.push(t)
  }

  /** Refuses an operand that a scope outside the trace owns. */
  refuseOwned(): never {
    refuse('an operand is an intermediate of an enclosing transform, which may release it between replays')
  }

  /** Refuses JavaScript reading the values of an input or an intermediate outside a kernel call. */
  read(s: Storage): void {
    if (this.inKernel === 0 && this.dynamic.has(s)) {
      refuse('JavaScript read the values of a tensor the step computes (data, item, toArray or printing)')
    }
  }
}

/**
 * Runs `run`, which writes `out` (one array, or several), and keeps it in the active trace. `whole` says
 * that `run` writes every element of each output; otherwise a replay zero-fills them first, as a fresh
 * allocation would be (a call that accumulates into its output must start from zeros each time). A `run`
 * that returns false took no call and wrote nothing (a Wasm kernel declining it): it is not kept, and
 * `kernel` returns false too.
 * @internal
 */
export function kernel(out: Storage | readonly Storage[], run: () => unknown, whole = false): boolean {
  if (!ArrayBuffer.isView(out) && !Array.isArray(out)) fail('kernel', 'out', 'a typed array or an array of them', out)
  if (typeof run !== 'function') func('kernel', 'run', run)
  if (typeof whole !== 'boolean') boolean('kernel', 'whole', whole)
  const t = tracing.trace
  if (t === null) return run() !== false
  t.inKernel++
  let took: boolean
  try {
    took = run() !== false
  } finally {
    t.inKernel--
  }
  if (!took) return false
  const outs: readonly Storage[] = Array.isArray(out) ? out : [out as Storage]
  for (const s of outs) {
    t.known.add(s)
    t.dynamic.add(s)
  }
  if (whole) t.steps.push(run)
  else
    t.steps.push(() => {
      for (const s of outs) s.fill(0)
      run()
    })
  return true
}

/** Registers `s`, filled from JavaScript values by a creation op, as a constant: each replay puts its values back. @internal */
export function traceConstant(s: Storage): void {
  if (!ArrayBuffer.isView(s)) fail('traceConstant', 's', 'a typed array', s)
  const t = tracing.trace
  if (t === null || t.known.has(s)) return
  t.known.add(s)
  const values = s.slice()
  t.steps.push(() => s.set(values))
}

/**
 * Whether a trace is being recorded: an op that computes differently for a trace (a copy checked at each replay
 * instead of a cached one) asks this.
 * @example
 * ```ts
 * import { isTracing } from '@gd/tensor/internal'
 * isTracing() // false
 * ```
 * @internal
 */
export function isTracing(): boolean {
  return tracing.trace !== null
}

/** Lets a view op make a tensor over `s`, an array made before the trace (its values are read as they are then). @internal */
export function traceView(s: Storage): void {
  tracing.trace?.known.add(s)
}

/** Throws {@link TraceRefused}, naming the first caller outside the tensor core. */
function refuse(what: string): never {
  const frames = (new Error().stack ?? '').split('\n').slice(1)
  const at = frames.find((f) => !/[/\\](trace|tensor)\.[jt]s|new Tensor|Tensor\.|get data/.test(f))
  throw new TraceRefused(`${what}${at === undefined ? '' : ` (${at.trim()})`}`)
}
