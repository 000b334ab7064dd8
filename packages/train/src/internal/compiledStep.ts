// trainStep's `compile`: the loss and its gradient are computed once, eagerly, while a trace of @gd/tensor keeps
// every kernel call (`recordTrace`); later steps whose tensors have the same dtypes, shapes and layouts replay those
// calls, reading each call's tensors where they lie, instead of running the loss function, autograd and the ops'
// JavaScript again. The optimizer's update runs as it does without compile (`stepInPlace`), on the gradients the
// replay wrote.
import { isPlainObject } from '@gd/check'
import { stepInPlace, type GradientTransformation } from '@gd/optimizers'
import { kernelBackend, Tensor, type PRNGKey, type Storage, type Tree } from '@gd/tensor'
import { isMadeKey, recordTrace, TraceRefused, withScope, type Recording } from '@gd/tensor/internal'

/** Recordings kept per step function, one per kind of arguments (the oldest goes first). */
const KEPT = 8

/** One recording: what it depends on, and the gradient tree its replays write. */
interface Program {
  readonly recording: Recording
  /** What it depends on (see {@link leavesOf}). */
  readonly leaves: Leaves
  /** The gradient tree over the tensors a replay writes (`recording.outputs` after the loss). */
  readonly gradients: unknown
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
function leavesOf(node: unknown, out: Leaves, inputs: Inputs): void {
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
    for (const x of node) leavesOf(x, out, inputs)
    out.push(CLOSE)
  } else if (isPlainObject(node)) {
    out.push(OPEN_OBJECT)
    for (const k in node) {
      out.push(k)
      leavesOf(node[k], out, inputs)
    }
    out.push(CLOSE)
  } else if (node === null || ['number', 'string', 'boolean', 'undefined'].includes(typeof node)) {
    out.push(node)
  } else {
    throw new Error(
      'trainStep: with compile, the parameters and arguments must be tensors, numbers, strings, booleans, null or ' +
        `undefined, in arrays and plain objects; got ${Object.prototype.toString.call(node)}`,
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

/** Where a gradient tree's leaf is among a recording's outputs. */
class Output {
  constructor(readonly index: number) {}
}

const isOutput = (x: unknown): x is Output => x instanceof Output

/**
 * The compiled form of trainStep's step: `lossAndGrads` is `valueAndGrad(loss)`; a call replays the recording
 * for its kind of arguments, making it first when there is none.
 */
export function compiledStep<S>(
  lossAndGrads: (params: unknown, ...args: unknown[]) => unknown,
  optimizer: GradientTransformation<S>,
): (params: unknown, state: S, ...args: unknown[]) => [Tensor, S] {
  const programs: Program[] = []
  return (params, state, ...args) => {
    // the kernels in use are part of what a recording depends on: a replay runs the calls it recorded
    const leaves: Leaves = [kernelBackend()]
    const inputs: Inputs = { arrays: [], places: new Map(), keys: [] }
    leavesOf(params, leaves, inputs)
    leavesOf(args, leaves, inputs)
    let program = programs.find((p) => sameLeaves(p.leaves, leaves))
    if (program === undefined) {
      program = record(lossAndGrads, params, args, leaves, inputs)
      // a step that loaded the Wasm kernels midway recorded some calls of each backend: made again next time
      if (kernelBackend() === leaves[0] && programs.unshift(program) > KEPT) programs.pop()
    } else {
      const recording = program.recording
      for (let i = 0; i < inputs.arrays.length; i++) recording.bind(i, inputs.arrays[i]!)
      for (let i = 0; i < inputs.keys.length; i++) recording.bindKey(i, inputs.keys[i]!)
      recording.replay()
    }
    const outputs = program.recording.outputs
    const grads = program.gradients
    return withScope(
      'trainStep',
      (): [Tensor, S] => [copyOut(outputs[0]!), stepInPlace(optimizer, grads as Tree, state, params as Tree)],
      (result) => result,
    )
  }
}

/**
 * Records `lossAndGrads(params, ...args)`, whose tensors read `inputs.arrays`; the loss gets the trace's stand-ins for
 * the keys among its arguments.
 */
function record(
  lossAndGrads: (params: unknown, ...args: unknown[]) => unknown,
  params: unknown,
  args: unknown[],
  leaves: Leaves,
  inputs: Inputs,
): Program {
  const gradientLeaves: Tensor[] = []
  let gradients: unknown
  let recording: Recording
  try {
    recording = recordTrace(
      (standIns) => {
        let i = 0
        const withStandIns = (x: unknown): unknown =>
          standIns.length === 0 ? x : mapLeaves(x, isMadeKey, () => standIns[i++])
        return lossAndGrads(withStandIns(params), ...(withStandIns(args) as unknown[])) as [Tensor, unknown]
      },
      inputs.arrays,
      ([value, grads]) => {
        gradients = mapLeaves(grads, isTensor, (t) => {
          gradientLeaves.push(t)
          return new Output(gradientLeaves.length)
        })
        return [value, ...gradientLeaves]
      },
      inputs.keys,
    )
  } catch (e) {
    if (!(e instanceof TraceRefused)) throw e
    throw new Error(`trainStep: compile cannot replay this step: ${e.message}; run it without { compile: true }`)
  }
  const outputs = recording.outputs
  return { recording, leaves, gradients: mapLeaves(gradients, isOutput, (o) => outputs[o.index]) }
}

/** The loss as a tensor of its own (a replay writes the recording's array again). */
function copyOut(t: Tensor): Tensor {
  return new Tensor(t.data.slice(), [...t.shape], t.dtype)
}
