import { Tensor, type Tree } from '@gd/tensor'
import { allocate } from '@gd/tensor/internal'
import { floatElements } from '../core/leaves.js'
import { flatten, mapTree, pairTo, pathIn } from '../internal/tree.js'
import { backtrackingArmijo, strongWolfe, type LinePoint } from '../core/lineSearch.js'
import { anyRule, nonNegative, numberRule, positiveInteger, resolveOptions } from '../core/options.js'
import type { ClosureOptimizer, MinimizeResult, ValueAndGradient } from '../core/transform.js'

/** Options of {@link lbfgs}. */
export interface LbfgsOptions {
  /** m, how many (s, y) pairs to remember. Default 10. */
  memory?: number
  /** `'strongWolfe'` (default, zoom with cubic interpolation) or `'armijo'` (backtracking). */
  lineSearch?: 'strongWolfe' | 'armijo'
  /** Most iterations. Default 100. */
  maxIterations?: number
  /** Stop when ‖∇f‖₂ falls below this. Default 1e-7. */
  gradientTolerance?: number
  /** Sufficient-decrease constant. Default 1e-4. */
  c1?: number
  /** Curvature constant for strong Wolfe. Default 0.9. */
  c2?: number
  /** Most function evaluations per line search. Default 25. */
  maxLineSearchSteps?: number
}

/**
 * State of an {@link lbfgs} run, to resume it (plain data): the iterate in float64, f and ∇f there,
 * the remembered pairs s = Δθ and y = Δ∇f (oldest first), and the counters.
 */
export interface LbfgsState {
  readonly x: Float64Array
  readonly value: number
  readonly gradient: Float64Array
  readonly s: readonly Float64Array[]
  readonly y: readonly Float64Array[]
  readonly iterations: number
  readonly evaluations: number
}

/** The outcome of an {@link lbfgs} run. */
export type LbfgsResult<T extends Tree> = MinimizeResult<T, LbfgsState>

/** An L-BFGS minimiser (from {@link lbfgs}). */
export type Lbfgs = ClosureOptimizer<LbfgsState>

/**
 * L-BFGS (Nocedal 1980; Liu & Nocedal 1989): a quasi-Newton method that re-evaluates the function,
 * so it takes a value-and-gradient closure rather than one gradient per step. The direction is
 * d = −H∇f with H built from the last m pairs s = Δθ, y = Δ∇f by the two-loop recursion:
 *
 * ```
 * q = ∇f;  for i = newest … oldest:  αᵢ = ρᵢ sᵢ·q,  q −= αᵢ yᵢ          (ρᵢ = 1 / yᵢ·sᵢ)
 * r = γ q  (γ = s·y / y·y of the newest pair)
 * for i = oldest … newest:  β = ρᵢ yᵢ·r,  r += sᵢ (αᵢ − β)
 * d = −r,  θ ← θ + t d  with t from a strong-Wolfe or backtracking-Armijo line search
 * ```
 *
 * Pairs with y·s ≤ 1e-10 are skipped, keeping H positive definite. The first step is scaled to
 * min(1, 1/‖∇f‖₁), as PyTorch does. Works in float64 on a flat copy; returns parameters with the
 * input's dtypes and shapes. Neither `params`, the closure's gradients nor a given `state` are written.
 *
 * The result's `state` (plain data, see {@link LbfgsState}) resumes the run bit for bit:
 * `lbfgs(o).minimize(f, r.params, { state: r.state })` continues from the state's float64 iterate
 * (`params` then gives only the tree's structure) and counts `maxIterations` from the first run's start.
 *
 * @see https://doi.org/10.1007/BF01589116
 * @throws Error `lbfgs: memory must be an integer >= 1, got 0`; `lbfgs: lineSearch must be 'strongWolfe' or 'armijo', got "x"`;
 *   `lbfgs: state.x has 3 elements, expected 2` for a state from another problem.
 * @example
 * ```ts
 * import { lbfgs } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * // f(x) = (x − 3)²
 * const r = lbfgs().minimize((p) => {
 *   const x = p.x.item()
 *   return { value: (x - 3) ** 2, gradient: { x: tensor([2 * (x - 3)], { dtype: 'float64' }) } }
 * }, { x: tensor([0], { dtype: 'float64' }) })
 * r.params.x.item() // 3
 * ```
 */
export function lbfgs(options?: LbfgsOptions): ClosureOptimizer<LbfgsState> {
  const fn = 'lbfgs'
  const o = resolveOptions(
    fn,
    options,
    {
      memory: 10,
      lineSearch: 'strongWolfe',
      maxIterations: 100,
      gradientTolerance: 1e-7,
      c1: 1e-4,
      c2: 0.9,
      maxLineSearchSteps: 25,
    },
    {
      memory: numberRule(positiveInteger),
      lineSearch: anyRule,
      maxIterations: numberRule({ min: 0, integer: true }),
      gradientTolerance: numberRule(nonNegative),
      c1: numberRule({ min: 0, max: 1, minOpen: true, maxOpen: true }),
      c2: numberRule({ min: 0, max: 1, minOpen: true, maxOpen: true }),
      maxLineSearchSteps: numberRule(positiveInteger),
    },
  )
  if (o.lineSearch !== 'strongWolfe' && o.lineSearch !== 'armijo') {
    throw new Error(`${fn}: lineSearch must be 'strongWolfe' or 'armijo', got ${JSON.stringify(o.lineSearch)}`)
  }
  if (o.c2 <= o.c1) throw new Error(`${fn}: c2 must be greater than c1, got c1 ${o.c1} and c2 ${o.c2}`)
  const search = o.lineSearch === 'armijo' ? backtrackingArmijo : strongWolfe
  const ls = { c1: o.c1, c2: o.c2, maxSteps: o.maxLineSearchSteps }

  return {
    minimize<T extends Tree>(
      valueAndGradient: (params: T) => ValueAndGradient,
      params: T,
      options?: { readonly state?: LbfgsState },
    ): LbfgsResult<T> {
      const vec = flatVectors(fn, params)
      let evaluations = 0
      const evaluate = (x: Float64Array): { value: number; gradient: Float64Array } => {
        evaluations++
        const r = valueAndGradient(vec.toTree(x))
        if (typeof r?.value !== 'number')
          throw new Error(`${fn}: the closure must return { value, gradient }, got ${typeof r?.value} value`)
        return { value: r.value, gradient: vec.toVector(r.gradient, 'gradient') }
      }

      const resume = options?.state
      let x: Float64Array
      let value: number
      let g: Float64Array
      let iterations = 0
      if (resume === undefined) {
        x = vec.toVector(params, 'params')
        const first = evaluate(x)
        value = first.value
        g = first.gradient
      } else {
        checkState(fn, resume, vec.n)
        x = resume.x
        value = resume.value
        g = resume.gradient
        iterations = resume.iterations
        evaluations = resume.evaluations
      }
      // the pairs' arrays are copied, their buffers never written: a resumed state stays intact
      const memory: Curvature = { S: resume ? [...resume.s] : [], Y: resume ? [...resume.y] : [], rho: [] }
      memory.rho = memory.S.map((si, i) => 1 / dot(si, memory.Y[i]!))
      let gNorm = Math.sqrt(dot(g, g))
      while (gNorm > o.gradientTolerance && iterations < o.maxIterations && Number.isFinite(value)) {
        let d = twoLoopDirection(g, memory)
        let slope = dot(g, d)
        if (!(slope < 0)) {
          // not a descent direction: forget the curvature pairs and use −g
          memory.S.length = memory.Y.length = memory.rho.length = 0
          d = g.map((v) => -v)
          slope = -gNorm * gNorm
        }
        const t0 = memory.S.length === 0 ? Math.min(1, 1 / l1Norm(g)) : 1
        const base = x
        const phi = (t: number): LinePoint => {
          const r = evaluate(along(base, t, d))
          return { t, value: r.value, gradient: r.gradient, slope: dot(r.gradient, d) }
        }
        const p = search(phi, { t: 0, value, gradient: g, slope }, t0, ls)
        iterations++
        if (!(p.value <= value) || p.t === 0) break
        const step = d.map((v) => p.t * v)
        remember(
          memory,
          step,
          p.gradient.map((v, j) => v - g[j]!),
          o.memory,
        )
        x = base.map((v, j) => v + step[j]!)
        value = p.value
        g = p.gradient
        gNorm = Math.sqrt(dot(g, g))
      }
      const state: LbfgsState = {
        x,
        value,
        gradient: g,
        s: [...memory.S],
        y: [...memory.Y],
        iterations,
        evaluations,
      }
      return {
        params: vec.toTree(x),
        value,
        gradientNorm: gNorm,
        iterations,
        evaluations,
        converged: gNorm <= o.gradientTolerance,
        state,
      }
    },
  }
}

// The steps of one L-BFGS iteration, in the order `minimize` runs them: the direction from the
// two-loop recursion, the line search along it (in `minimize`, through the chosen search), and the
// update of the remembered curvature pairs. All work on flat float64 vectors of the n parameters.

/** The remembered pairs, oldest first: sᵢ = Δθ, yᵢ = Δ∇f and ρᵢ = 1 / (yᵢ·sᵢ). */
interface Curvature {
  readonly S: Float64Array[]
  readonly Y: Float64Array[]
  rho: number[]
}

/** a·b. */
function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

/** ‖g‖₁. */
function l1Norm(g: Float64Array): number {
  let l1 = 0
  for (let j = 0; j < g.length; j++) l1 += Math.abs(g[j]!)
  return l1
}

/** x + t d, a new vector. */
function along(x: Float64Array, t: number, d: Float64Array): Float64Array {
  const xt = new Float64Array(x.length)
  for (let j = 0; j < x.length; j++) xt[j] = x[j]! + t * d[j]!
  return xt
}

/** The two-loop recursion (see {@link lbfgs}): d = −H g from the remembered pairs. */
function twoLoopDirection(g: Float64Array, { S, Y, rho }: Curvature): Float64Array {
  const n = g.length
  const q = Float64Array.from(g)
  const alpha: number[] = []
  for (let i = S.length - 1; i >= 0; i--) {
    alpha[i] = rho[i]! * dot(S[i]!, q)
    for (let j = 0; j < n; j++) q[j] = q[j]! - alpha[i]! * Y[i]![j]!
  }
  const last = S.length - 1
  const gamma = last >= 0 ? dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!) : 1
  for (let j = 0; j < n; j++) q[j] = gamma * q[j]!
  for (let i = 0; i < S.length; i++) {
    const beta = rho[i]! * dot(Y[i]!, q)
    for (let j = 0; j < n; j++) q[j] = q[j]! + S[i]![j]! * (alpha[i]! - beta)
  }
  return q.map((v) => -v)
}

/**
 * Remembers the pair (s, y) of the step just taken, dropping the oldest beyond `size` pairs; a pair
 * with y·s ≤ 1e-10 is skipped, which keeps H positive definite.
 */
function remember(memory: Curvature, s: Float64Array, y: Float64Array, size: number): void {
  const sy = dot(s, y)
  if (!(sy > 1e-10)) return
  // >= rather than ===: a resumed state may hold more pairs than this run's memory
  while (memory.S.length >= size) {
    memory.S.shift()
    memory.Y.shift()
    memory.rho.shift()
  }
  memory.S.push(s)
  memory.Y.push(y)
  memory.rho.push(1 / sy)
}

/**
 * Tree flattening for a run over `params`: `n` parameters in all, `toVector(tree, what)` the float64
 * vector of a tree that pairs with params by key (`what` names it in messages: a gradient leaf of
 * the wrong size is an error), and `toTree(x)` the tree of params' structure, dtypes and shapes
 * holding x. Checks that every leaf of params is a float tensor.
 */
function flatVectors<T extends Tree>(
  fn: string,
  params: T,
): { n: number; toVector: (t: Tree, what: string) => Float64Array; toTree: (x: Float64Array) => T } {
  const { leaves: shapeOf, paths: paramPaths } = flatten(params)
  for (const l of shapeOf) floatElements(fn, l)
  const n = shapeOf.reduce((s, l) => s + l.size, 0)
  // each params leaf's offset in the flat vector; other trees pair with params by key
  const offsets: number[] = []
  shapeOf.reduce((at, l, k) => ((offsets[k] = at), at + l.size), 0)
  const toTree = (x: Float64Array): T => {
    let at = 0
    return mapTree(params, (l) => {
      const d = allocate(l.dtype as 'float32' | 'float64', l.size)
      for (let i = 0; i < l.size; i++) d[i] = x[at + i]!
      at += l.size
      return new Tensor(d, l.shape, l.dtype)
    }) as T
  }
  const toVector = (t: Tree, what: string): Float64Array => {
    const out = new Float64Array(n)
    const tf = flatten(t)
    const data = tf.leaves.map((l) => floatElements(fn, l))
    pairTo(fn, tf, paramPaths, what, 'params').forEach((k, j) => {
      if (data[j]!.length !== shapeOf[k]!.size) {
        throw new Error(
          `${fn}: ${pathIn(what, tf.paths[j]!)} has ${data[j]!.length} elements, expected ${shapeOf[k]!.size}`,
        )
      }
      out.set(data[j]!, offsets[k]!)
    })
    return out
  }
  return { n, toVector, toTree }
}

/** Throws unless `state` is an {@link LbfgsState} for a problem of `n` parameters. */
function checkState(fn: string, state: LbfgsState, n: number): void {
  const isBuffer = (b: unknown): b is Float64Array => b instanceof Float64Array
  const sized = (what: string, b: unknown): void => {
    if (!isBuffer(b)) throw new Error(`${fn}: ${what} must be a Float64Array, got ${typeof b}`)
    if (b.length !== n) throw new Error(`${fn}: ${what} has ${b.length} elements, expected ${n}`)
  }
  if (state === null || typeof state !== 'object')
    throw new Error(`${fn}: state must be an object from a result, got ${String(state)}`)
  sized('state.x', state.x)
  sized('state.gradient', state.gradient)
  if (!Array.isArray(state.s) || !Array.isArray(state.y) || state.s.length !== state.y.length) {
    throw new Error(`${fn}: state.s and state.y must be arrays of the same length`)
  }
  state.s.forEach((b, i) => sized(`state.s[${i}]`, b))
  state.y.forEach((b, i) => sized(`state.y[${i}]`, b))
  for (const k of ['value', 'iterations', 'evaluations'] as const) {
    if (typeof state[k] !== 'number') throw new Error(`${fn}: state.${k} must be a number, got ${typeof state[k]}`)
  }
}
