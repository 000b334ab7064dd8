import { boolean, fail, func, string } from '@gd/check'
import { Tensor, type DType, type NestedArray, type Shape } from '@gd/tensor'
import { traceConstant } from '@gd/tensor/internal'

/**
 * The gradient rule of one recorded op: given the cotangent of the output, the cotangents of the
 * inputs (in the output's broadcast shape; the engine sums them back to each input's shape), or
 * `null` for an input that gets no gradient.
 */
export type Backward = (cotangent: Var) => readonly (Var | null)[]

let nextId = 1
let recordingOff = 0
/** How many transforms are open; the next one opens level `depth`. */
let depth = 0
/** Levels are bits of a 32-bit mask, so at most this many transforms nest. */
const MAX_DEPTH = 30

/**
 * A value inside a differentiable computation: a {@link Tensor} plus, when it depends on something
 * being differentiated, the op that made it. Every op of @gd/autograd takes and returns `Var`s, so a
 * raw @gd/tensor op cannot be used on one by accident: that is a type error (and a runtime error).
 *
 * Memory is the garbage collector's: a graph lives as long as something refers to its output.
 *
 * @example
 * ```ts
 * import { grad, mul, sum, type Var } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * const df = grad((x: Var) => sum(mul(x, x)))
 * df(tensor([1, 2])).toArray() // [2, 4]
 * ```
 */
export class Var {
  /** The computed value. */
  readonly value: Tensor
  /** Creation order; the engine only walks nodes created inside the transform that asks. */
  readonly id: number
  /** Whether gradients flow to this value (it depends on the leaves of some open transform). */
  readonly tracked: boolean
  /**
   * The trace levels this value depends on, one bit per level: bit k is set when the value was
   * computed from a leaf of the transform that opened level k (see {@link withLevel}). An op's
   * levels are the union of its inputs' levels, so a transform can tell a value that depends on an
   * enclosing transform's leaves (a closed-over parameter, say) from one that depends on its own only.
   */
  readonly levels: number
  /** The inputs of the op that made this value (empty for constants and leaves). */
  readonly parents: readonly Var[]
  /** The op's gradient rule (null for constants and leaves). */
  readonly backward: Backward | null
  /** The op's name, for error messages and debugging. */
  readonly op: string
  /**
   * The engine's visit stamp: the number of the last graph walk that reached this node (a field
   * instead of a Map keyed by node, which the walk over every recorded op would fill and rehash).
   * @internal
   */
  visited = 0

  constructor(
    value: Tensor,
    op = 'constant',
    parents: readonly Var[] = [],
    backward: Backward | null = null,
    levels = 0,
  ) {
    if (!(value instanceof Tensor)) fail('Var', 'value', 'a Tensor', value)
    this.value = value
    this.id = nextId++
    this.op = op
    this.levels = levels
    this.tracked = levels !== 0
    this.parents = parents
    this.backward = backward
  }

  /** The value's shape. */
  get shape(): Shape {
    return this.value.shape
  }

  /** The value's dtype. */
  get dtype(): DType {
    return this.value.dtype
  }

  /** The value's rank. */
  get rank(): number {
    return this.value.rank
  }

  /** The value's element count. */
  get size(): number {
    return this.value.size
  }

  /** The single element of a one-element value. */
  item(): number {
    return this.value.item()
  }

  /** The value as nested arrays. */
  toArray(): NestedArray {
    return this.value.toArray()
  }

  /** A readable summary: the op that made it, then its value as {@link Tensor.toString} prints it. */
  toString(): string {
    return `Var(${this.op}) ${this.value.toString()}`
  }

  /**
   * What Node's `console.log` and `util.inspect` print: the same summary as `toString`, not the graph.
   *
   * @example
   * ```ts
   * import { inspect } from 'node:util'
   * import { tanh } from '@gd/autograd'
   * import { tensor } from '@gd/tensor'
   * inspect(tanh(tensor([0]))) // 'Var(tanh) Tensor(float32, [1]) [0]'
   * ```
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString()
  }
}

/** What differentiable ops accept: a traced value, a plain tensor, or a number (a constant). */
export type Input = Var | Tensor | number

const INPUT = 'a Tensor, a Var or a number'

/**
 * True for what differentiable ops accept: a {@link Var}, a Tensor or a number.
 * @example
 * ```ts
 * import { isInput } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * isInput(tensor([1])) // true
 * isInput({ value: 1 }) // false
 * ```
 * @internal
 */
export const isInput = (x: unknown): x is Input => x instanceof Var || x instanceof Tensor || typeof x === 'number'

/**
 * Wraps an input as a {@link Var}; tensors and numbers become constants (a number takes `dtype`).
 * `name` is the argument's name in the error for anything else.
 * @throws Error `<op>: <name> must be a Tensor, a Var or a number, got <value>` for anything else.
 * @example
 * ```ts
 * import { toVar } from '@gd/autograd'
 * toVar('add', 2).item() // 2
 * toVar('abs', undefined as never) // throws 'abs: x must be a Tensor, a Var or a number, got undefined'
 * ```
 */
export function toVar(op: string, x: Input, dtype: DType = 'float32', name = 'x'): Var {
  if (typeof op !== 'string') string('toVar', 'op', op)
  if (x instanceof Var) return x
  if (x instanceof Tensor) return new Var(x)
  if (typeof x === 'number') {
    const storage =
      dtype === 'float64' ? new Float64Array(1) : dtype === 'int32' ? new Int32Array(1) : new Float32Array(1)
    storage[0] = x // (the conversion an array constructor makes of each element)
    traceConstant(storage)
    return new Var(new Tensor(storage, [], dtype === 'bool' ? 'float32' : dtype))
  }
  return fail(op, name, INPUT, x)
}

/** True while ops record graphs (false inside {@link noGrad} and inside a first-order backward pass). */
export function isRecording(): boolean {
  return recordingOff === 0
}

/**
 * Runs `fn` with recording switched off: ops compute values only, so nothing inside is
 * differentiated and no graph is kept. Returns what `fn` returns.
 *
 * @example
 * ```ts
 * import { grad, mul, noGrad, sum, type Var } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * // The noGrad part is a constant: d/dx [x · c] with c = x (frozen) is c.
 * grad((x: Var) => sum(mul(x, noGrad(() => mul(x, 1)))))(tensor([3])).toArray() // [3]
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  func('noGrad', 'fn', fn)
  recordingOff++
  try {
    return fn()
  } finally {
    recordingOff--
  }
}

/**
 * Runs `fn` with recording switched on or off as `on` says, whatever the enclosing scope does.
 * Transforms record their own function even inside {@link noGrad}; their results are constants
 * to the outside all the same.
 * @internal
 */
export function withRecording<T>(on: boolean, fn: () => T): T {
  if (typeof on !== 'boolean') boolean('withRecording', 'on', on)
  if (typeof fn !== 'function') func('withRecording', 'fn', fn)
  const saved = recordingOff
  recordingOff = on ? 0 : 1
  try {
    return fn()
  } finally {
    recordingOff = saved
  }
}

/** The id the next Var will get: nodes at or above it were made after this call. @internal */
export function peekId(): number {
  return nextId
}

/**
 * One open transform, JAX-style: its own level bit, the bits of the enclosing transforms it is
 * differentiable by (none when opened with recording off: inside {@link noGrad} the enclosing
 * transforms see its results as constants), and the first id it made.
 * @internal
 */
export interface Level {
  /** This transform's bit. */
  readonly bit: number
  /** The bits of the enclosing transforms that see through this one. */
  readonly outer: number
  /** Nodes made before this id are constants to this transform. */
  readonly startId: number
}

/**
 * Opens a trace level for a transform, runs `fn` with it, and closes it (levels nest like calls).
 * @example
 * ```ts
 * import { withLevel } from '@gd/autograd'
 * withLevel('mine', (level) => level.bit) // 1 at the top level, 2 inside another transform, …
 * ```
 * @internal
 */
export function withLevel<T>(op: string, fn: (level: Level) => T): T {
  string('withLevel', 'op', op)
  func('withLevel', 'fn', fn)
  if (depth >= MAX_DEPTH) throw new Error(`${op}: transforms nest at most ${MAX_DEPTH} deep`)
  const bit = 1 << depth
  const level: Level = { bit, outer: isRecording() ? bit - 1 : 0, startId: nextId }
  depth++
  try {
    return fn(level)
  } finally {
    depth--
  }
}

/**
 * A tracked leaf of `level`: the point a transform differentiates with respect to. When `x`
 * depends on an enclosing transform that sees through this one, the leaf is recorded as an
 * identity of `x`, so that transform differentiates through it.
 * @internal
 */
export function leaf(x: Var | Tensor, level: Level): Var {
  if (!(x instanceof Var || x instanceof Tensor)) fail('leaf', 'x', 'a Tensor or a Var', x)
  if (typeof level?.bit !== 'number') fail('leaf', 'level', 'a level opened by withLevel', level)
  const v = x instanceof Var ? x : new Var(x)
  const outer = v.levels & level.outer
  if (outer !== 0) return new Var(v.value, 'leaf', [v], (g) => [g], v.levels | level.bit)
  return new Var(v.value, 'leaf', [], null, level.bit)
}
