import { promoteTypes, type DType, type Tensor } from '@gd/tensor'
import { complaint, fail, isPlainObject, oneOf } from '@gd/check'
import { input } from './internal/args.js'
import { needed } from './internal/walk.js'
import { Var, isInput, isRecording, toVar, type Input } from './variable.js'

/** The definition of a differentiable primitive. */
export interface PrimitiveSpec {
  /** The op's name, used in errors. */
  name: string
  /**
   * The inputs' names, used in errors (`add: b must be a Tensor, a Var or a number, got undefined`);
   * when given, the op takes exactly these inputs. Without them inputs are named `inputs[k]`.
   */
  inputNames?: readonly string[]
  /** Computes the value from the inputs' values. */
  forward: (...inputs: Tensor[]) => Tensor
  /**
   * The vector-Jacobian product: given the output cotangent `g`, the inputs and the output (all
   * `Var`s, so the rule is itself differentiable), the cotangent of each input, or null for none.
   * A rule may return cotangents in the broadcast output shape; the engine sums them back.
   * `needs[k]` is false when input k is a constant to the backward pass that runs the rule (a
   * constant, or a value only an enclosing transform tracks), whose cotangent the engine would drop:
   * an expensive rule (a matmul, a convolution) skips computing it and returns null there.
   */
  backward: (g: Var, inputs: readonly Var[], output: Var, needs: readonly boolean[]) => readonly (Var | null)[]
  /**
   * Where the op is smooth, by input name (`{ b: 'awayFromZero' }` for a division); inputs left out
   * are smooth anywhere. Plain data for property tests, which draw each input from its domain.
   */
  domain?: OpDomain
}

/**
 * The kinds of values on which an input of an op is smooth (its gradient defined and continuous):
 * `'anywhere'`; `'positive'` (log, sqrt); `'awayFromZero'` (a pole or a kink at 0);
 * `'nearIntegers'` and `'nearHalfIntegers'` (two inputs that must never tie, as in maximum: values
 * near integers are never near half-integers); `'distinct'` (no two elements of the input tie, as in
 * max or max pooling).
 * @example
 * ```ts
 * import { log, type SmoothDomain } from '@gd/autograd'
 * const kind: SmoothDomain | undefined = log.domain.x
 * kind // 'positive'
 * ```
 */
export type SmoothDomain = 'anywhere' | 'positive' | 'awayFromZero' | 'nearIntegers' | 'nearHalfIntegers' | 'distinct'

/**
 * An op's smooth domain by input name; inputs left out are smooth anywhere.
 * @example
 * ```ts
 * import { maximum, type OpDomain } from '@gd/autograd'
 * const domain: OpDomain = maximum.domain
 * domain // { a: 'nearIntegers', b: 'nearHalfIntegers' }
 * ```
 */
export type OpDomain = Readonly<Record<string, SmoothDomain>>

/**
 * A differentiable op made by {@link primitive}: a function of its inputs that also carries its smooth domain.
 * @example
 * ```ts
 * import { div, type Primitive } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * const op: Primitive = div
 * op(tensor([1]), 4).toArray() // [0.25]
 * op.domain // { b: 'awayFromZero' }
 * ```
 */
export interface Primitive {
  (...inputs: Input[]): Var
  /** Where the op is smooth, by input name (see {@link PrimitiveSpec.domain}); `{}` when smooth anywhere. */
  readonly domain: OpDomain
}

const smoothDomain = /* @__PURE__ */ oneOf<SmoothDomain>([
  'anywhere',
  'positive',
  'awayFromZero',
  'nearIntegers',
  'nearHalfIntegers',
  'distinct',
])

/**
 * Makes a differentiable op from a forward computation and a gradient rule written with
 * differentiable ops (so gradients of gradients come for free). The op records its inputs only when
 * one of them is tracked and recording is on; otherwise it is as cheap as the forward.
 *
 * Numbers among the inputs become constants of the tensors' promoted dtype.
 *
 * @example
 * ```ts
 * import { primitive, mul, grad, sum, type Var } from '@gd/autograd'
 * import * as T from '@gd/tensor'
 * // square(x) = x², with d/dx = 2x
 * const square = primitive({
 *   name: 'square',
 *   forward: (x) => T.mul(x, x),
 *   backward: (g, [x]) => [mul(g, mul(x!, 2))],
 * })
 * grad((x: Var) => sum(square(x)))(T.tensor([3])).toArray() // [6]
 * ```
 */
export function primitive(spec: PrimitiveSpec): Primitive {
  checkSpec('primitive', spec)
  const domain = checkDomain(spec)
  return Object.assign((...inputs: Input[]) => apply(spec, inputs), { domain: { ...domain } })
}

/** The spec's domain, checked once when the op is made (never per call). */
function checkDomain(spec: PrimitiveSpec): OpDomain {
  const domain = spec.domain ?? {}
  if (!isPlainObject(domain)) fail('primitive', 'spec.domain', 'a plain object of domains by input name', domain)
  const names = spec.inputNames
  for (const [name, kind] of Object.entries(domain)) {
    if (names !== undefined && !names.includes(name)) {
      throw complaint('primitive', 'spec.domain', `must name inputs among ${names.join(', ')}`, name)
    }
    smoothDomain('primitive', `spec.domain.${name}`, kind)
  }
  return domain
}

function checkSpec(fn: string, spec: PrimitiveSpec): void {
  const ok = typeof spec?.name === 'string' && typeof spec.forward === 'function' && typeof spec.backward === 'function'
  if (!ok) fail(fn, 'spec', 'an object with a name and forward and backward functions', spec)
}

/** Runs a primitive on inputs. @internal */
export function apply(spec: PrimitiveSpec, inputs: readonly Input[]): Var {
  checkSpec('apply', spec)
  if (!Array.isArray(inputs)) fail('apply', 'inputs', 'an array', inputs)
  const names = spec.inputNames
  if (names !== undefined && inputs.length !== names.length) {
    throw complaint(
      spec.name,
      'the number of arguments',
      `must be ${names.length} (${names.join(', ')})`,
      inputs.length,
    )
  }
  for (let k = 0; k < inputs.length; k++) {
    if (!isInput(inputs[k])) input(spec.name, names?.[k] ?? `inputs[${k}]`, inputs[k])
  }
  const dtype = commonDtype(inputs)
  // plain loops and no named closures: this runs for every op (tsx's keepNames renames each named
  // closure with a defineProperty per call in the source runs, and each map builds one more array)
  const n = inputs.length
  const vars: Var[] = []
  let levels = 0
  for (let k = 0; k < n; k++) {
    const v = toVar(spec.name, inputs[k]!, dtype)
    vars.push(v)
    levels |= v.levels
  }
  const value =
    n === 1
      ? spec.forward(vars[0]!.value)
      : n === 2
        ? spec.forward(vars[0]!.value, vars[1]!.value)
        : n === 3
          ? spec.forward(vars[0]!.value, vars[1]!.value, vars[2]!.value)
          : spec.forward(...vars.map((v) => v.value))
  if (levels === 0 || !isRecording()) return new Var(value, spec.name)
  let output: Var | undefined
  output = new Var(value, spec.name, vars, (g) => spec.backward(g, vars, output!, needed(vars)), levels)
  return output
}

/**
 * The tensors' promoted dtype, with JAX's weak-type rule for numbers (as @gd/tensor's ops): a number
 * that int32 cannot hold exactly turns an int32 or bool result into float32, so `mul(int32, 0.5)` and
 * `gelu(int32)` compute in float instead of truncating the constant to 0.
 */
function commonDtype(inputs: readonly Input[]): DType {
  let dtype: DType | null = null
  let fractional = false
  for (const x of inputs) {
    if (typeof x === 'number') {
      fractional ||= (x | 0) !== x
      continue
    }
    const d = x.dtype
    // (the dtypes of tensors and Vars are valid: promoteTypes' checks are only needed when two differ)
    dtype = dtype === null || dtype === d ? d : promoteTypes(dtype, d)
  }
  if (dtype === null || (fractional && (dtype === 'int32' || dtype === 'bool'))) return 'float32'
  return dtype
}
