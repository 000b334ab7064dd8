import {
  fail,
  func,
  integer,
  nonNegative,
  oneOf,
  optional,
  positive,
  positiveInteger,
  readOptions,
  withDefault,
  type Spec,
} from '@gd/check'
import { Tensor } from '@gd/tensor'
import { formatList } from '@gd/tensor/internal'
import { vjp } from './grad.js'
import { concat, reshape } from './ops/shape.js'
import { Var, noGrad, toVar, type Input } from './variable.js'

/** Options for {@link gradcheck} and {@link gradgradcheck}. */
export interface GradcheckOptions {
  /** Half-width of the central differences (default 1e-6). */
  eps?: number
  /** Absolute tolerance (default 1e-5). */
  atol?: number
  /** Relative tolerance (default 1e-3). */
  rtol?: number
  /**
   * `'full'` compares every Jacobian entry (one pullback per output element, two evaluations per
   * input element); `'projection'` compares ⟨u, J v⟩ with ⟨Jᵀu, v⟩ for random u and v, which is
   * cheap for large inputs. Default: full when outputs × inputs ≤ 4096 elements, else projection.
   */
  mode?: 'full' | 'projection'
  /** Number of random projections in projection mode (default 4). */
  projections?: number
  /** Seed for the random projections (default 0). */
  seed?: number
}

type Fn = (...xs: Var[]) => Input

const spec: Spec<GradcheckOptions> = {
  eps: withDefault(positive, 1e-6),
  atol: withDefault(nonNegative, 1e-5),
  rtol: withDefault(nonNegative, 1e-3),
  mode: optional(oneOf(['full', 'projection'] as const)),
  projections: withDefault(positiveInteger, 4),
  seed: withDefault(integer, 0),
}

/** Checks gradcheck's (or gradgradcheck's) arguments before anything runs; returns the options read. */
function readArgs(fn: string, f: unknown, inputs: unknown, options: unknown) {
  func(fn, 'f', f)
  if (!Array.isArray(inputs)) fail(fn, 'inputs', 'an array of float64 Tensors', inputs)
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor) || x.dtype !== 'float64') fail(fn, `inputs[${i}]`, 'a float64 Tensor', x)
  })
  return readOptions(fn, options, spec) as Required<Omit<GradcheckOptions, 'mode'>> & Pick<GradcheckOptions, 'mode'>
}

/** Deterministic uniform numbers in [-1, 1) (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1
  }
}

function evaluate(f: Fn, inputs: readonly Tensor[]): Float64Array {
  return noGrad(() => Float64Array.from(toVar('gradcheck', f(...inputs.map((x) => new Var(x)))).value.data))
}

function withElement(x: Tensor, k: number, delta: number): Tensor {
  const data = Float64Array.from(x.data)
  data[k]! += delta
  return new Tensor(data, x.shape, 'float64')
}

function close(analytical: number, numerical: number, atol: number, rtol: number): boolean {
  return Math.abs(analytical - numerical) <= atol + rtol * Math.abs(numerical)
}

/**
 * Checks f's analytical gradients against float64 central differences and throws an Error saying
 * exactly which entry disagrees; returns true otherwise. Also checks that every gradient has its
 * input's shape and dtype, and that the pullback gives the same result when called twice.
 *
 * Inputs must be float64 tensors (float32 differences are too coarse to check anything).
 *
 * @throws Error describing the first mismatch, or bad inputs.
 * @example
 * ```ts
 * import { gradcheck, mul, sin } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * gradcheck((x, y) => mul(sin(x), y), [tensor([0.5, 1], { dtype: 'float64' }), tensor([2, 3], { dtype: 'float64' })]) // true
 * ```
 */
export function gradcheck(f: Fn, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  options = readArgs('gradcheck', f, inputs, options)
  const { eps, atol, rtol, projections, seed } = options as ReturnType<typeof readArgs>
  const [out, pullback] = vjp(f as never, ...(inputs as never[]))
  const outShape = (out as Tensor).shape
  const outSize = (out as Tensor).size
  const inSize = inputs.reduce((n, x) => n + x.size, 0)
  const mode = options.mode ?? (outSize * inSize <= 4096 ? 'full' : 'projection')
  const pull = (u: Float64Array): Float64Array[] => {
    const gs = pullback(new Tensor(u, outShape, 'float64')) as Tensor[]
    return gs.map((g, i) => {
      const x = inputs[i]!
      if (g.dtype !== x.dtype || g.shape.length !== x.rank || g.shape.some((d, k) => d !== x.shape[k])) {
        throw new Error(
          `gradcheck: gradient of input ${i} has shape ${formatList(g.shape)} and dtype ${g.dtype}, expected ${formatList(x.shape)} and ${x.dtype}`,
        )
      }
      return Float64Array.from(g.data)
    })
  }
  const rand = random(seed)
  const probe = Float64Array.from({ length: outSize }, rand)
  const first = pull(probe)
  const again = pull(probe)
  first.forEach((g, i) => {
    g.forEach((v, k) => {
      if (!Object.is(v, again[i]![k]))
        throw new Error(
          `gradcheck: backward is not repeatable: input ${i} element ${k} gave ${v}, then ${again[i]![k]}`,
        )
    })
  })
  if (mode === 'full') {
    const rows: Float64Array[][] = []
    for (let j = 0; j < outSize; j++) {
      const u = new Float64Array(outSize)
      u[j] = 1
      rows.push(pull(u))
    }
    inputs.forEach((x, i) => {
      for (let k = 0; k < x.size; k++) {
        const plus = evaluate(
          f,
          inputs.map((y, m) => (m === i ? withElement(y, k, eps) : y)),
        )
        const minus = evaluate(
          f,
          inputs.map((y, m) => (m === i ? withElement(y, k, -eps) : y)),
        )
        for (let j = 0; j < outSize; j++) {
          const numerical = (plus[j]! - minus[j]!) / (2 * eps)
          const analytical = rows[j]![i]![k]!
          if (!close(analytical, numerical, atol, rtol)) {
            throw new Error(
              `gradcheck: d(output ${j})/d(input ${i} element ${k}) is ${analytical}, but central differences give ${numerical} (atol ${atol}, rtol ${rtol})`,
            )
          }
        }
      }
    })
    return true
  }
  for (let p = 0; p < projections; p++) {
    const u = Float64Array.from({ length: outSize }, rand)
    const vs = inputs.map((x) => Float64Array.from({ length: x.size }, rand))
    const jtu = pull(u)
    const analytical = jtu.reduce((s, g, i) => s + g.reduce((t, gk, k) => t + gk * vs[i]![k]!, 0), 0)
    const shifted = (sign: number): Tensor[] =>
      inputs.map(
        (x, i) =>
          new Tensor(
            Float64Array.from(x.data, (xv, k) => xv + sign * eps * vs[i]![k]!),
            x.shape,
            'float64',
          ),
      )
    const plus = evaluate(f, shifted(1))
    const minus = evaluate(f, shifted(-1))
    const numerical = u.reduce((s, uj, j) => s + (uj * (plus[j]! - minus[j]!)) / (2 * eps), 0)
    if (!close(analytical, numerical, atol, rtol)) {
      throw new Error(
        `gradcheck: projection ${p}: <J^T u, v> is ${analytical}, but central differences give <u, J v> = ${numerical} (atol ${atol}, rtol ${rtol})`,
      )
    }
  }
  return true
}

/**
 * Checks second derivatives: runs {@link gradcheck} on (inputs…, u) ↦ the vector-Jacobian
 * products uᵀJ of f, so the gradient rules' own gradients are verified.
 *
 * @example
 * ```ts
 * import { gradgradcheck, mul } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * gradgradcheck((x) => mul(mul(x, x), x), [tensor([0.5, -1], { dtype: 'float64' })]) // true
 * ```
 */
export function gradgradcheck(f: Fn, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  options = readArgs('gradgradcheck', f, inputs, options)
  const out = noGrad(() => toVar('gradgradcheck', f(...inputs.map((x) => new Var(x)))).value)
  const rand = random((options.seed ?? 0) + 1)
  const u = new Tensor(Float64Array.from({ length: out.size }, rand), out.shape, 'float64')
  const vjpOfF = (...args: Var[]): Var => {
    const xs = args.slice(0, -1)
    const [, pullback] = vjp(f as never, ...(xs as never[]))
    const gs = pullback(args[args.length - 1]!) as unknown as Var[]
    const flat = gs.map((g) => reshape(g, [-1]))
    return flat.length === 1 ? flat[0]! : concat(flat)
  }
  return gradcheck(vjpOfF, [...inputs, u], options)
}
