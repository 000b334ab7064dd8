import { Tensor, fmt, mapStructure, ones } from '@gd/tensor'
import { backpropagate, isLeafValue, trace, untrace } from './internal/engine.js'
import type { Plain, PlainArgs } from './types.js'
import { Var, peekId, toVar, withRecording, type Input } from './variable.js'

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

/** True when any leaf of `tree` is a tracked Var: the transform runs inside another one. @internal */
export function isNested(tree: unknown): boolean {
  let found = false
  try {
    mapStructure('transform', isLeafValue, (x: Tensor | Var) => {
      if (x instanceof Var && x.tracked) found = true
    }, tree)
  } catch {
    // Not a tree of tensors; the caller reports that with its own name.
  }
  return found
}

/** A transform's result: a Var inside another transform (so it can be differentiated again), else its tensor. */
function result(v: Var, nested: boolean): Tensor | Var {
  return nested ? v : v.value
}

function normalizeArgnums(op: string, argnums: number | readonly number[] | undefined, count: number): number[] {
  const list = argnums === undefined ? [0] : typeof argnums === 'number' ? [argnums] : [...argnums]
  for (const a of list) {
    if (!Number.isInteger(a) || a < 0 || a >= count) {
      throw new Error(`${op}: argnums entry ${a} is out of range for ${count} argument(s)`)
    }
  }
  if (list.length === 0) throw new Error(`${op}: argnums must name at least one argument`)
  return list
}

/** Runs f on traced copies of the chosen arguments and backpropagates from its scalar output. */
function differentiate(
  op: string,
  f: (...args: never[]) => unknown,
  args: readonly unknown[],
  options: ValueAndGradOptions,
): { value: Tensor | Var; aux: unknown; grads: unknown[] } {
  const nums = normalizeArgnums(op, options.argnums, args.length)
  const startId = peekId()
  const nested = nums.some((i) => isNested(args[i]))
  const traced = withRecording(true, () => nums.map((i) => trace(op, args[i])))
  const callArgs = [...args]
  nums.forEach((i, k) => (callArgs[i] = traced[k]!.traced))
  const raw = withRecording(true, () => (f as (...a: unknown[]) => unknown)(...callArgs))
  let out: unknown = raw
  let aux: unknown
  if (options.hasAux === true) {
    if (!Array.isArray(raw) || raw.length !== 2) {
      throw new Error(`${op}: with hasAux, f must return [value, aux], got ${Array.isArray(raw) ? `an array of length ${raw.length}` : typeof raw}`)
    }
    ;[out, aux] = raw as [unknown, unknown]
  }
  const v = toVar(op, out as Input)
  if (v.size !== 1) {
    throw new Error(`${op}: f must return a scalar (one element), got shape ${fmt(v.shape)}; use vjp or jacobian for non-scalar outputs`)
  }
  const leaves = traced.flatMap((t) => t.leaves)
  const grads = backpropagate(v, new Var(ones(v.shape, { dtype: v.dtype })), leaves, startId, nested)
  let at = 0
  const trees = nums.map((i, k) => {
    const n = traced[k]!.leaves.length
    const part = grads.slice(at, at + n).map((g) => result(g, nested))
    at += n
    return untrace(op, args[i], part)
  })
  return { value: result(v, nested), aux, grads: trees }
}

/**
 * The gradient transform: `grad(f)` is a function returning ∇f at its arguments, a tree of the same
 * structure as the differentiated argument (or a list of trees for several `argnums`). `f` must
 * return a scalar. Works on parameter trees: nested plain objects and arrays of tensors.
 *
 * Inside another transform the result's leaves are traced values, so `grad(grad(f))` works.
 *
 * @throws Error when f's output is not a scalar, an input is not float, or argnums is out of range.
 * @example
 * ```ts
 * import { grad, mul, sum } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * const f = (p: { w: Var }) => sum(mul(p.w, p.w))
 * grad(f)({ w: tensor([1, 2]) }).w.toArray() // [2, 4]
 * ```
 */
export function grad<A extends unknown[]>(
  f: (...args: A) => Input,
  options: GradOptions = {},
): (...args: PlainArgs<A>) => Plain<A[0]> {
  return (...args) => {
    const { grads } = differentiate('grad', f as never, args, options)
    return (typeof options.argnums === 'object' ? grads : grads[0]) as Plain<A[0]>
  }
}

/**
 * Like {@link grad}, but returns `[value, gradient]`, computing both in one pass, which is what a
 * training step wants. With `hasAux`, f returns `[loss, aux]` and the result is `[[loss, aux], grads]`.
 *
 * @example
 * ```ts
 * import { mean, square, sub, valueAndGrad } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * const loss = (w: Var) => mean(square(sub(w, 3)))
 * const [value, g] = valueAndGrad(loss)(tensor([1]))
 * value.item() // 4
 * g.toArray() // [-4]
 * ```
 */
export function valueAndGrad<A extends unknown[]>(
  f: (...args: A) => unknown,
  options: ValueAndGradOptions = {},
): (...args: PlainArgs<A>) => [Tensor, Plain<A[0]>] {
  return (...args) => {
    const { value, aux, grads } = differentiate('valueAndGrad', f as never, args, options)
    const g = (typeof options.argnums === 'object' ? grads : grads[0]) as Plain<A[0]>
    return [(options.hasAux === true ? [value, aux] : value) as Tensor, g]
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
 * import { mul, vjp } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * const [out, pullback] = vjp((x: Var) => mul(x, x), tensor([1, 2]))
 * pullback(tensor([1, 1]))[0].toArray() // [2, 4]
 * ```
 */
export function vjp<A extends unknown[]>(
  f: (...args: A) => Input,
  ...primals: PlainArgs<A>
): [Tensor, (cotangent: Input) => unknown[]] {
  const startId = peekId()
  const nested = primals.some((p) => isNested(p))
  const traced = withRecording(true, () => primals.map((p) => trace('vjp', p)))
  const out = toVar('vjp', withRecording(true, () => (f as (...a: unknown[]) => Input)(...traced.map((t) => t.traced))))
  const leaves = traced.flatMap((t) => t.leaves)
  const pullback = (cotangent: Input): unknown[] => {
    const seed = toVar('vjp', cotangent, out.dtype)
    if (seed.shape.length !== out.rank || seed.shape.some((d, i) => d !== out.shape[i])) {
      throw new Error(`vjp: cotangent has shape ${fmt(seed.shape)}, expected the output's shape ${fmt(out.shape)}`)
    }
    const createGraph = nested || seed.tracked
    const grads = backpropagate(out, seed, leaves, startId, createGraph)
    let at = 0
    return primals.map((p, k) => {
      const n = traced[k]!.leaves.length
      const part = grads.slice(at, at + n).map((g) => result(g, createGraph))
      at += n
      return untrace('vjp', p, part)
    })
  }
  return [result(out, nested) as Tensor, pullback]
}
