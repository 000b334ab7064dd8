import {
  arrayOf,
  boolean,
  complaint,
  either,
  fail,
  func,
  nonNegativeInteger,
  optional,
  readOptions,
  withDefault,
  type Read,
  type Spec,
} from '@gd/check'
import { Tensor, ones } from '@gd/tensor'
import { formatList } from '@gd/tensor/internal'
import { backpropagate, trace } from './internal/engine.js'
import { transformScope } from './internal/scope.js'
import type { Plain, PlainArgs } from './types.js'
import { Var, isInput, isRecording, toVar, withLevel, withRecording, type Input, type Level } from './variable.js'

/** Options for {@link grad} and {@link valueAndGrad}. */
export interface GradOptions {
  /** Which positional argument(s) to differentiate with respect to; 0 unless said otherwise. */
  argnums?: number | readonly number[]
}

/** Options for {@link valueAndGrad}. */
export interface ValueAndGradOptions extends GradOptions {
  /** `f` returns `[loss, aux]`; aux is passed through untouched. */
  hasAux?: boolean
}

/** A transform's result: a Var when an enclosing transform differentiates through it, else its tensor. */
function result(v: Var, nested: boolean): Tensor | Var {
  return nested ? v : v.value
}

/** Positions of the arguments to differentiate: one index or a list of distinct ones. */
const argnumsCheck = either(nonNegativeInteger, arrayOf(nonNegativeInteger), 'an argument index or a list of them')
const gradSpec: Spec<GradOptions> = { argnums: optional(argnumsCheck) }
const valueAndGradSpec: Spec<ValueAndGradOptions> = { ...gradSpec, hasAux: withDefault(boolean, false) }

/** The chosen argument positions, checked against the number of arguments of this call. */
function argnumList(op: string, argnums: number | readonly number[] | undefined, count: number): number[] {
  const list = argnums === undefined ? [0] : typeof argnums === 'number' ? [argnums] : [...argnums]
  if (list.length === 0) fail(op, 'argnums', 'a non-empty list', argnums)
  list.forEach((a, k) => {
    if (a >= count)
      fail(
        op,
        typeof argnums === 'object' ? `argnums[${k}]` : 'argnums',
        `less than the number of arguments (${count})`,
        a,
      )
  })
  if (new Set(list).size !== list.length) throw complaint(op, 'argnums', 'must not repeat an argument', argnums)
  return list
}

/** Checks f's result: a Var, a tensor or a number with one element. */
function scalarOutput(op: string, out: unknown): Var {
  if (!isInput(out)) throw complaint(op, 'f', 'must return a Var, a Tensor or a number', out)
  const v = toVar(op, out)
  if (v.size !== 1) {
    throw new Error(
      `${op}: f must return a scalar (one element), got shape ${formatList(v.shape)}; use vjp or jacobian for non-scalar outputs`,
    )
  }
  return v
}

/**
 * Runs f on traced copies of the chosen arguments, under a trace level of its own, and
 * backpropagates from its scalar output. The gradients are built as a graph (and returned as Vars)
 * only when the output depends on an enclosing transform's values, be they arguments or values f
 * closes over; otherwise the backward pass records nothing.
 */
function differentiate(
  op: string,
  f: (...args: unknown[]) => unknown,
  args: readonly unknown[],
  options: Read<typeof valueAndGradSpec>,
): { value: Tensor | Var; aux: unknown; grads: unknown[] } {
  const nums = argnumList(op, options.argnums, args.length)
  return withLevel(op, (level) =>
    transformScope(
      op,
      () => level.outer,
      () => run(op, f, args, options, nums, level),
    ),
  )
}

/**
 * {@link differentiate}'s body under its trace level and scope (a top-level function: a nested one is renamed with a
 * defineProperty per call in a source run through tsx, whose esbuild transform keeps names).
 */
function run(
  op: string,
  f: (...args: unknown[]) => unknown,
  args: readonly unknown[],
  options: Read<typeof valueAndGradSpec>,
  nums: readonly number[],
  level: Level,
): { value: Tensor | Var; aux: unknown; grads: unknown[] } {
  const traced = withRecording(true, () =>
    nums.map((i) => trace(op, nums.length > 1 || i > 0 ? `args[${i}]` : 'x', args[i], level)),
  )
  const callArgs = [...args]
  nums.forEach((i, k) => (callArgs[i] = traced[k]!.traced))
  const raw = withRecording(true, () => f(...callArgs))
  let out: unknown = raw
  let aux: unknown
  if (options.hasAux) {
    if (!Array.isArray(raw) || raw.length !== 2) throw complaint(op, 'f', 'must return [value, aux] with hasAux', raw)
    ;[out, aux] = raw as [unknown, unknown]
  }
  const v = scalarOutput(op, out)
  const nested = (v.levels & level.outer) !== 0
  const leaves = traced.flatMap((t) => t.leaves)
  const grads = backpropagate(v, new Var(ones(v.shape, { dtype: v.dtype })), leaves, level, nested)
  let at = 0
  const trees = traced.map((t) => {
    const part = grads.slice(at, at + t.leaves.length).map((g) => result(g, nested))
    at += t.leaves.length
    return t.rebuild(part)
  })
  return { value: result(v, nested), aux, grads: trees }
}

/**
 * The gradient transform: `grad(f)` is a function returning ∇f at its arguments, a tree of the same
 * structure as the differentiated argument (or a list of trees for several `argnums`). `f` must
 * return a scalar. Works on parameter trees: nested plain objects and arrays of tensors.
 *
 * Transforms nest, whatever they close over: each call opens a trace level, and when f's value
 * depends on an enclosing transform's values (its arguments, or values f closes over, such as a
 * critic's parameters in a gradient penalty) the gradient is built as a graph and its leaves are
 * `Var`s that the enclosing transform differentiates through, so `grad(grad(f))` and
 * `grad((p) => norm(grad((x) => critic(x, p))(x)))` work. Otherwise the backward pass records
 * nothing and the leaves are tensors.
 *
 * @throws Error when f is not a function, an option is unknown or invalid, f's output is not a
 * scalar, an argument is not a tree of float tensors, or argnums is out of range for the call.
 * @example
 * ```ts
 * import { grad, mul, sum, type Var } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * const f = (p: { w: Var }) => sum(mul(p.w, p.w))
 * grad(f)({ w: tensor([1, 2]) }).w.toArray() // [2, 4]
 * ```
 */
export function grad<A extends unknown[]>(
  f: (...args: A) => Input,
  options: GradOptions = {},
): (...args: PlainArgs<A>) => Plain<A[0]> {
  func('grad', 'f', f)
  const o = { ...readOptions('grad', options, gradSpec), hasAux: false }
  return (...args) => {
    const { grads } = differentiate('grad', f as never, args, o)
    return (typeof o.argnums === 'object' ? grads : grads[0]) as Plain<A[0]>
  }
}

/**
 * Like {@link grad}, but returns `[value, gradient]`, computing both in one pass, which is what a
 * training step wants. With `hasAux`, f returns `[loss, aux]` and the result is `[[loss, aux], grads]`
 * (typed so: `const [[loss, aux], grads] = valueAndGrad(f, { hasAux: true })(params)`).
 *
 * @example
 * ```ts
 * import { mean, square, sub, valueAndGrad, type Var } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * const loss = (w: Var) => mean(square(sub(w, 3)))
 * const [value, g] = valueAndGrad(loss)(tensor([1]))
 * value.item() // 4
 * g.toArray() // [-4]
 * ```
 */
export function valueAndGrad<A extends unknown[], X>(
  f: (...args: A) => readonly [Input, X],
  options: ValueAndGradOptions & { hasAux: true },
): (...args: PlainArgs<A>) => [[Tensor, X], Plain<A[0]>]
export function valueAndGrad<A extends unknown[]>(
  f: (...args: A) => unknown,
  options?: ValueAndGradOptions,
): (...args: PlainArgs<A>) => [Tensor, Plain<A[0]>]
export function valueAndGrad<A extends unknown[]>(
  f: (...args: A) => unknown,
  options: ValueAndGradOptions = {},
): (...args: PlainArgs<A>) => [Tensor | [Tensor, unknown], Plain<A[0]>] {
  func('valueAndGrad', 'f', f)
  const o = readOptions('valueAndGrad', options, valueAndGradSpec)
  return (...args) => {
    const { value, aux, grads } = differentiate('valueAndGrad', f as never, args, o)
    const g = (typeof o.argnums === 'object' ? grads : grads[0]) as Plain<A[0]>
    return [(o.hasAux ? [value, aux] : value) as Tensor | [Tensor, unknown], g]
  }
}

/**
 * Reverse mode for any output shape: evaluates f at `primals` and returns `[output, pullback]`, where
 * `pullback(cotangent)` gives the vector-Jacobian product uᵀJ for each primal (a list with one tree
 * per primal). The pullback can be called many times; each call walks the recorded graph again.
 *
 * @throws Error when the cotangent's shape differs from the output's.
 * @example
 * ```ts
 * import { mul, vjp, type Var } from '@gd/autograd'
 * import { tensor, type Tensor } from '@gd/tensor'
 * const [out, pullback] = vjp((x: Var) => mul(x, x), tensor([1, 2]))
 * const [dx] = pullback(tensor([1, 1])) as Tensor[] // the pullback returns one cotangent per argument
 * dx!.toArray() // [2, 4]
 * ```
 */
export function vjp<A extends unknown[]>(
  f: (...args: A) => Input,
  ...primals: PlainArgs<A>
): [Tensor, (cotangent: Input) => unknown[]] {
  func('vjp', 'f', f)
  const { out, traced, level } = withLevel('vjp', (level) => {
    const traced = withRecording(true, () => primals.map((p, i) => trace('vjp', `primals[${i}]`, p, level)))
    const raw = withRecording(true, () => (f as (...a: unknown[]) => unknown)(...traced.map((t) => t.traced)))
    if (!isInput(raw)) throw complaint('vjp', 'f', 'must return a Var, a Tensor or a number', raw)
    return { out: toVar('vjp', raw), traced, level }
  })
  const nested = (out.levels & level.outer) !== 0
  const leaves = traced.flatMap((t) => t.leaves)
  const pullback = (cotangent: Input): unknown[] => {
    if (!isInput(cotangent)) fail('vjp', 'cotangent', 'a Tensor, a Var or a number', cotangent)
    const seed = toVar('vjp', cotangent, out.dtype)
    if (seed.shape.length !== out.rank || seed.shape.some((d, i) => d !== out.shape[i])) {
      throw new Error(
        `vjp: cotangent has shape ${formatList(seed.shape)}, expected the output's shape ${formatList(out.shape)}`,
      )
    }
    const createGraph = isRecording() && (nested || seed.tracked)
    const grads = backpropagate(out, seed, leaves, level, createGraph)
    let at = 0
    return traced.map((t) => {
      const part = grads.slice(at, at + t.leaves.length).map((g) => result(g, createGraph))
      at += t.leaves.length
      return t.rebuild(part)
    })
  }
  return [result(out, nested) as Tensor, pullback]
}
