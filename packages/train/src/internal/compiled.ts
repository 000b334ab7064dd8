// trainStep's and fit's `compile`: the loss and its gradient are computed once, eagerly, while a trace of @gd/tensor
// keeps every kernel call (`recordTrace`); later steps whose tensors have the same dtypes, shapes and layouts replay
// those calls, reading each call's tensors where they lie, instead of running the loss function, autograd and the
// ops' JavaScript again. The optimizer's update runs as it does without compile, on the gradients the replay wrote.
import { isPlainObject } from '@gd/check'
import { kernelBackend, Tensor, type PRNGKey, type Storage } from '@gd/tensor'
import { isMadeKey, recordTrace, TraceRefused, type Recording } from '@gd/tensor/internal'

/** Recordings kept per step function, one per kind of arguments (the oldest goes first). */
const KEPT = 8

/** One recording: what it depends on, and the shape of its function's result. */
interface Program {
  readonly recording: Recording
  /** What it depends on (see {@link leavesOf}). */
  readonly leaves: Leaves
  /** The function's result, each tensor replaced by its place among the recording's outputs. */
  readonly result: unknown
}

/**
 * What a recording depends on, as a flat list: each tensor's dtype, shape, strides and offset, and which earlier
 * tensor of the call, if any, shares its array; every other leaf's value; the trees' shape (brackets and keys).
 * A replay reads the tensors' own arrays, whatever they are.
 */
type Leaves = unknown[]

const OPEN_ARRAY = { mark: '[' }
const OPEN_OBJECT = { mark: '{' }
const CLOSE = { mark: ']' }

/** The arrays a call's tensors read (each once, in order of first use), and its random keys (in walk order). */
interface Inputs {
  readonly arrays: Storage[]
  /** The place in `arrays` of each array seen so far. */
  readonly places: Map<Storage, number>
  readonly keys: PRNGKey[]
}

/** Where a call has a random key: its values are the replay's to use, not part of what a recording depends on. */
const KEY = { mark: 'key' }

/**
 * Pushes the leaves of `node` to `out`, and its tensors' arrays and its random keys (those `prngKey`, `splitKey` and
 * `foldIn` made) to `inputs`. Anything but tensors, keys, numbers, strings, booleans, null and undefined in arrays and
 * plain objects cannot be compared between calls, and is refused.
 */
function leavesOf(name: string, node: unknown, out: Leaves, inputs: Inputs): void {
  if (isMadeKey(node)) {
    out.push(KEY)
    inputs.keys.push(node)
  } else if (node instanceof Tensor) {
    const s = node.storage // (a released tensor throws here)
    let place = inputs.places.get(s)
    if (place === undefined) {
      inputs.places.set(s, (place = inputs.arrays.length))
      inputs.arrays.push(s)
    }
    out.push(node.dtype, place, node.offset, ...node.shape, CLOSE, ...node.strides, CLOSE)
  } else if (Array.isArray(node)) {
    out.push(OPEN_ARRAY)
    for (const x of node) leavesOf(name, x, out, inputs)
    out.push(CLOSE)
  } else if (isPlainObject(node)) {
    out.push(OPEN_OBJECT)
    for (const k in node) {
      out.push(k)
      leavesOf(name, node[k], out, inputs)
    }
    out.push(CLOSE)
  } else if (node === null || ['number', 'string', 'boolean', 'undefined'].includes(typeof node)) {
    out.push(node)
  } else {
    throw new Error(
      `${name}: with compile, the parameters and arguments must be tensors, random keys, numbers, strings, booleans, ` +
        `null or undefined, in arrays and plain objects; got ${Object.prototype.toString.call(node)}`,
    )
  }
}

function sameLeaves(a: Leaves, b: Leaves): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false
  return true
}

/** `node` with each leaf that `is` picks replaced by `leaf(it)`, in walk order. */
function mapLeaves<L>(node: unknown, is: (x: unknown) => x is L, leaf: (x: L) => unknown): unknown {
  if (is(node)) return leaf(node)
  if (Array.isArray(node)) return node.map((x) => mapLeaves(x, is, leaf))
  if (isPlainObject(node)) {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, mapLeaves(v, is, leaf)]))
  }
  return node
}

const isTensor = (x: unknown): x is Tensor => x instanceof Tensor

/** Where a result's tensor is among a recording's outputs. */
class Output {
  constructor(readonly index: number) {}
}

const isOutput = (x: unknown): x is Output => x instanceof Output

/**
 * `fn` compiled, for `name` (trainStep, fit): a call replays the recording for its kind of arguments, making it first
 * when there is none, and returns `fn`'s result with each tensor over the recording's arrays: tensors of their own
 * each call, which the next call releases (see `Recording.results`).
 */
export function compiled<R>(fn: (...args: unknown[]) => R, name: string): (...args: unknown[]) => R {
  const programs: Program[] = []
  return (...args) => {
    // the kernels in use are part of what a recording depends on: a replay runs the calls it recorded
    const leaves: Leaves = [kernelBackend()]
    const inputs: Inputs = { arrays: [], places: new Map(), keys: [] }
    leavesOf(name, args, leaves, inputs)
    let program = programs.find((p) => sameLeaves(p.leaves, leaves))
    if (program === undefined) {
      program = record(name, fn, args, leaves, inputs)
      // a step that loaded the Wasm kernels midway recorded some calls of each backend: made again next time
      if (kernelBackend() === leaves[0] && programs.unshift(program) > KEPT) programs.pop()
    } else {
      const recording = program.recording
      for (let i = 0; i < inputs.arrays.length; i++) recording.bind(i, inputs.arrays[i]!)
      for (let i = 0; i < inputs.keys.length; i++) recording.bindKey(i, inputs.keys[i]!)
      recording.replay()
    }
    const results = program.recording.results()
    return mapLeaves(program.result, isOutput, (o) => results[o.index]) as R
  }
}

/**
 * Records `fn(...args)`, whose tensors read `inputs.arrays`; `fn` gets the trace's stand-ins for the keys among its
 * arguments.
 */
function record<R>(
  name: string,
  fn: (...args: unknown[]) => R,
  args: unknown[],
  leaves: Leaves,
  inputs: Inputs,
): Program {
  const tensors: Tensor[] = []
  let result: unknown
  let recording: Recording
  try {
    recording = recordTrace(
      (standIns) => {
        let i = 0
        return fn(...(standIns.length === 0 ? args : (mapLeaves(args, isMadeKey, () => standIns[i++]) as unknown[])))
      },
      inputs.arrays,
      (r) => {
        result = mapLeaves(r, isTensor, (t) => new Output(tensors.push(t) - 1))
        return tensors
      },
      inputs.keys,
    )
  } catch (e) {
    if (!(e instanceof TraceRefused)) throw e
    throw new Error(`${name}: compile cannot replay this step: ${e.message}; run it without { compile: true }`)
  }
  return { recording, leaves, result }
}
