/**
 * {@link recordTrace}: runs a function once while a trace (see `trace.ts`) keeps its kernel calls, and hands
 * back what a replay needs. The arrays the calls write belong to the recording from then on: the run's blocks
 * go to the collector instead of the pool, freed once the recording is unreachable.
 * @module
 */
import { arrayOf, fail, func, rule, within, type Check } from '@gd/check'
import type { Storage } from '../dtype.js'
import { closeScope, holdReleased, openScope, withScope } from '../kernels/runtime/scope.js'
import { checkKey } from '../rng.js'
import { forReplay, Tensor } from '../tensor.js'
import { TraceRefused, tracing, type Made, type Trace } from './trace.js'

const storageCheck = /* @__PURE__ */ rule<Storage>('a typed array', (v) => ArrayBuffer.isView(v))
const keyCheck: Check<Key> = (fn, _name, value) => checkKey(fn, value as Key)

/**
 * The trace {@link recordTrace} records: the calls in order, the arrays it knows and, of those, the ones whose values
 * a replay changes (inputs and outputs of calls), which JavaScript must not read outside a call.
 */
class Recorder implements Trace {
  readonly steps: (() => unknown)[] = []
  readonly known = new Set<Storage>()
  readonly dynamic = new Set<Storage>()
  readonly inputViews = new Map<Storage, Made[]>()
  /** The tensors made while it was active: released when it ends, since replays write their arrays again. */
  readonly tensors: Made[] = []
  /** Depth of kernel calls running now (their reads are the call's own). */
  inKernel = 0
  /** The stand-in keys the traced function sees, each with the array that holds its values at a replay. */
  readonly keys = new WeakMap<object, Uint32Array>()

  /** An input: a replay reads it through views that `bind` points at another array. */
  input(s: Storage): void {
    this.known.add(s)
    this.dynamic.add(s)
    this.inputViews.set(s, [])
  }

  made(s: Storage, t: Made): void {
    if (this.inKernel > 0) return // a kernel call's own temporary (a broadcast view it reads through)
    if (!this.known.has(s)) refuse('a tensor was computed by an op that cannot be replayed yet')
    this.tensors.push(t)
  }

  read(s: Storage): void {
    if (this.inKernel === 0 && this.dynamic.has(s)) {
      refuse('JavaScript read the values of a tensor the step computes (data, item, toArray or printing)')
    }
  }

  refuseOwned(): never {
    refuse('an operand is an intermediate of an enclosing transform, which may release it between replays')
  }

  kernel(outs: readonly Storage[], run: () => unknown, whole: boolean): boolean {
    this.inKernel++
    let took: boolean
    try {
      took = run() !== false
    } finally {
      this.inKernel--
    }
    if (!took) return false
    for (const s of outs) {
      this.known.add(s)
      this.dynamic.add(s)
    }
    if (whole) this.steps.push(run)
    else
      this.steps.push(() => {
        for (const s of outs) s.fill(0)
        run()
      })
    return true
  }

  constant(s: Storage): void {
    if (this.known.has(s)) return
    this.known.add(s)
    const values = s.slice()
    this.steps.push(() => s.set(values))
  }

  keySlot(key: unknown): Uint32Array | undefined {
    return typeof key === 'object' && key !== null ? this.keys.get(key) : undefined
  }

  deriveKey(parent: Uint32Array, derive: (key: Key, out: Uint32Array) => void): Key {
    const slot = new Uint32Array(2)
    const run = (): void => derive([parent[0]!, parent[1]!], slot)
    run()
    this.steps.push(run)
    return this.standIn(slot)
  }

  /**
   * A key for the traced function that holds the values `slot` has now, and whose numbers JavaScript may not read
   * while the trace records (a replay would not decide again what it decided from them): only @gd/tensor's random
   * functions take it, and they read `slot`.
   */
  standIn(slot: Uint32Array): Key {
    const active = (): boolean => tracing.trace === this
    const key = new Proxy(Object.freeze([slot[0]!, slot[1]!] as const), {
      get(target, p, receiver) {
        if ((p === '0' || p === '1') && active()) {
          refuse(
            'JavaScript read the numbers of a random key the step takes as an argument (or derives from one), which ' +
              "each step gives anew; hand it only to @gd/tensor's random functions, splitKey and foldIn",
          )
        }
        return Reflect.get(target, p, receiver) as unknown
      },
    })
    this.keys.set(key, slot)
    return key
  }
}

/** A random key's two uint32 words. */
type Key = readonly [number, number]

/** Throws {@link TraceRefused}, naming the first caller outside the tensor core, the trace and the engine. */
function refuse(what: string): never {
  const frames = (new Error().stack ?? '').split('\n').slice(1)
  const at = frames.find(
    (f) => !/[/\\](trace|record|tensor)\.[jt]s|new Tensor|Tensor\.|get data|\(<anonymous>\)$|\(native\)$/.test(f),
  )
  throw new TraceRefused(`${what}${at === undefined ? '' : ` (${at.trim()})`}`)
}

/** What a tensor made while a trace was recorded says when read afterwards. */
const RELEASED =
  'compile: this tensor was an intermediate of a compiled step, whose later steps write its values again; ' +
  'run the step without { compile: true } to keep its intermediates'

/** What a result handed out by {@link Recording.results} says when read after the next replay. */
const OVERWRITTEN =
  'compile: this tensor was a result of a compiled step, and a later step wrote its values again; copy what ' +
  'you keep past the step (tensor(t.data.slice(), { shape: t.shape }))'

/** A recorded run: the kept calls and the run's outputs as tensors those calls write again. */
export interface Recording {
  /** Runs every kept call again, in order, on the same arrays; the last {@link results} read as released from then on. */
  replay(): void
  /** The outputs of the run (as `outputsOf` listed them), over the arrays the calls write. */
  readonly outputs: readonly Tensor[]
  /**
   * The outputs as tensors of their own over the same arrays, for a caller to hand out: the next replay releases
   * them, so that one kept past it throws when read instead of showing the next step's values.
   */
  results(): Tensor[]
  /**
   * Makes the next replays read input `i` (its place in `inputs`) from `storage`, an array of the same type that
   * holds the elements where the recorded one did (the same offset and strides).
   */
  bind(i: number, storage: Storage): void
  /** Makes the next replays use `key`'s values for key `i` (its place in `keys`). */
  bindKey(i: number, key: Key): void
}

/**
 * Runs `fn` with a trace active whose inputs are the arrays `inputs` (each a different array; `bind` points the
 * replays at others), and returns the recording; `outputsOf` lists the tensors of `fn`'s result that a replay must
 * give again. `fn` gets a stand-in for each of the random `keys` (checked pairs of uint32): the random ops it makes
 * with them, or with keys split or folded from them, draw at each replay from the keys `bindKey` gave (the recorded
 * ones until then). Throws {@link TraceRefused} when `fn` does something a replay cannot repeat, and whatever `fn`
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
 */
export function recordTrace<T>(
  fn: (keys: Key[]) => T,
  inputs: readonly Storage[],
  outputsOf: (result: T) => readonly Tensor[],
  keys: readonly Key[] = [],
): Recording {
  func('recordTrace', 'fn', fn)
  arrayOf(storageCheck)('recordTrace', 'inputs', inputs)
  func('recordTrace', 'outputsOf', outputsOf)
  arrayOf(keyCheck)('recordTrace', 'keys', keys)
  if (new Set(inputs).size !== inputs.length) fail('recordTrace', 'inputs', 'different arrays', inputs)
  if (tracing.trace !== null) throw new TraceRefused('a step is already being compiled (compile inside compile)')
  const trace = new Recorder()
  for (const s of inputs) trace.input(s)
  const slots = keys.map((k) => Uint32Array.from(k))
  const standIns = slots.map((slot) => trace.standIn(slot))
  const owner = openScope('compile', { parent: null })
  const release = holdReleased()
  tracing.trace = trace
  let outputs: readonly Tensor[]
  try {
    const result = withScope(
      'compile',
      () => fn(standIns),
      () => 'all',
      { parent: owner },
    )
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
  let handed: Tensor[] = []
  return {
    outputs,
    bind(i, storage) {
      within({ min: 0, max: views.length - 1, integer: true })('bind', 'i', i)
      for (const v of views[i]!) v.__move(storage)
    },
    bindKey(i, key) {
      within({ min: 0, max: slots.length - 1, integer: true })('bindKey', 'i', i)
      slots[i]!.set(checkKey('bindKey', key))
    },
    replay() {
      for (const t of handed) t.__release(OVERWRITTEN)
      handed = []
      for (let i = 0; i < steps.length; i++) steps[i]!()
    },
    results() {
      const views = outputs.map((t) => new Tensor(t.storage, t.shape, t.dtype, t.strides, t.offset))
      handed.push(...views)
      return views
    },
  }
}
