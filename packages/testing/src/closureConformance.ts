/**
 * The conformance suite for optimizers driven by a value-and-gradient closure (L-BFGS and other
 * line-search methods), run by `optimizerConformance` for a spec with `drive: 'closure'`.
 * @module
 */
import { Tensor, treeLeaves, treeMap, type Tree } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { quadratic, rosenbrock, type Problem } from './problems.js'
import { bits, f64, sampleTree, values } from './internal/sampleTrees.js'

/** A closure: f(θ) and ∇f(θ) as a tree shaped like θ. */
export type Closure = (params: any) => { value: number; gradient: Tree }

/** The optimizer shape the closure suite drives (structurally @gd/optimizers' ClosureOptimizer). */
export interface ClosureMinimizer {
  minimize(
    valueAndGradient: Closure,
    params: Tree,
    options?: { state?: any },
  ): { params: Tree; value: number; iterations: number; state: unknown }
}

/**
 * A scalar reference run: `iterations` iterations of the method from `start` on `problem`, in plain
 * numbers, written from the paper; returns the parameters reached.
 */
export type ReferenceRun = (problem: Problem, start: readonly number[], iterations: number) => number[]

/** Everything the suite needs to know about a closure-driven optimizer. */
export interface ClosureConformance<O> {
  /** The exported name, e.g. `lbfgs` (the meta-test looks for it). */
  name: string
  /** Capability: minimizes a value-and-gradient closure (`minimize(f, params)`) instead of taking one gradient per `update`. */
  drive: 'closure'
  make: (options?: O) => ClosureMinimizer
  /** The state round trip (only these two are used). */
  kit: {
    serializeState(state: unknown, options?: { format: 'json' | 'binary' }): string | ArrayBuffer
    deserializeState(saved: string | ArrayBuffer): unknown
  }
  /** Options that bound a run to `k` iterations (the name of that option is the optimizer's own). */
  withIterations: (options: O, k: number) => O
  /** Options for the quadratic and Rosenbrock runs, and how close each must end. */
  quadratic: { options: O; tolerance: number }
  rosenbrock: { options: O; tolerance: number }
  /** First iterations against a scalar reference of the method. */
  reference: { options: O; make: (options: any) => ReferenceRun; steps?: number; tolerance?: number }
  /** Options used by the purity and round-trip checks. */
  options: O
  /** Invalid options and the exact message each must throw. */
  invalid: readonly (readonly [O | Record<string, unknown>, string])[]
}

/** f(θ) = Σ ½ cᵢ θᵢ² + ¼ θᵢ⁴ over every element of a tree, with cᵢ = 1 + i: smooth, not quadratic, minimum 0. */
function quartic(log?: Tree[]): Closure {
  return (params: Tree) => {
    let value = 0
    let i = 0
    const gradient = treeMap((p) => {
      const d = Array.from(p.data, (v) => {
        const c = 1 + i++
        value += 0.5 * c * v * v + 0.25 * v ** 4
        return c * v + v ** 3
      })
      return new Tensor(p.dtype === 'float64' ? Float64Array.from(d) : Float32Array.from(d), p.shape, p.dtype)
    }, params)
    log?.push(gradient)
    return { value, gradient }
  }
}

/** A problem as a closure over the tree `{ x: float64 vector }`. */
function closureOf(problem: Problem): Closure {
  return (p: { x: Tensor }) => {
    const x = p.x.data as Float64Array
    return { value: problem.value(x), gradient: { x: new Tensor(problem.gradient(x), [x.length], 'float64') } }
  }
}

/**
 * Registers the closure optimizers' conformance tests: convergence on a convex quadratic and on
 * Rosenbrock from their standard starts; first iterations equal to a scalar reference; purity
 * (params, the closure's gradients and a resumed state untouched; each leaf keeps its dtype and shape);
 * a state round trip through JSON and binary resuming bit for bit; invalid options rejected with their
 * messages.
 *
 * @example
 * ```ts
 * // fragment: the spec's other fields are elided (see packages/optimizers/src/optimizers/lbfgs.test.ts)
 * import { optimizerConformance } from '@gd/testing'
 * optimizerConformance({ name: 'lbfgs', drive: 'closure', make: lbfgs, kit, ... })
 * ```
 */
export function closureConformance<O>(spec: ClosureConformance<O>): void {
  const minimize = (options: O, problem: Problem, start: readonly number[]): number[] =>
    values(spec.make(options).minimize(closureOf(problem), { x: f64(start) }).params)

  describe(`${spec.name} conformance (closure-driven)`, () => {
    it('converges on a convex quadratic', () => {
      const q = quadratic([1, 10])
      const x = minimize(spec.quadratic.options, q, q.start)
      x.forEach((v, i) => expect(Math.abs(v - q.minimum[i]!)).toBeLessThan(spec.quadratic.tolerance))
    })

    it('converges on Rosenbrock from (-1.2, 1)', () => {
      const x = minimize(spec.rosenbrock.options, rosenbrock, rosenbrock.start)
      x.forEach((v, i) => expect(Math.abs(v - rosenbrock.minimum[i]!)).toBeLessThan(spec.rosenbrock.tolerance))
    })

    it('takes the same first iterations as the scalar reference', () => {
      const ref = spec.reference
      const q = quadratic([1, 10, 0.5, 3])
      const start = [1, -2, 0.5, 3]
      const reference = ref.make(ref.options)
      for (let k = 1; k <= (ref.steps ?? 4); k++) {
        const want = reference(q, start, k)
        const got = minimize(spec.withIterations(ref.options, k), q, start)
        got.forEach((v, i) => {
          // float64 throughout; only the order of operations differs from the reference
          expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual((ref.tolerance ?? 1e-12) * Math.max(1, Math.abs(want[i]!)))
        })
      }
    })

    it('does not write params, the closure gradients or a resumed state, and keeps each dtype', () => {
      const params = sampleTree(1)
      const gradients: Tree[] = []
      const f = quartic(gradients)
      const first = spec.make(spec.withIterations(spec.options, 2)).minimize(f, params)
      const before = bits(params)
      const saved = gradients.map((g) => bits(g))
      const state = spec.kit.serializeState(first.state, { format: 'json' })
      const second = spec.make(spec.withIterations(spec.options, 4)).minimize(f, first.params, { state: first.state })
      expect(bits(params)).toEqual(before)
      expect(gradients.slice(0, saved.length).map((g) => bits(g))).toEqual(saved)
      expect(spec.kit.serializeState(first.state, { format: 'json' })).toEqual(state)
      for (const r of [first, second]) {
        const [w, b] = treeLeaves(r.params)
        expect([w!.dtype, b!.dtype]).toEqual(['float32', 'float64'])
        expect([w!.shape, b!.shape]).toEqual([[2, 3], [2]])
        treeLeaves(r.params).forEach((l, i) => expect(l).not.toBe(treeLeaves(params)[i]))
      }
    })

    for (const format of ['json', 'binary'] as const) {
      it(`resumes bit for bit from a ${format} round trip of its state`, () => {
        const f = quartic()
        const whole = spec.make(spec.withIterations(spec.options, 6)).minimize(f, sampleTree(1))
        const half = spec.make(spec.withIterations(spec.options, 3)).minimize(f, sampleTree(1))
        const state = spec.kit.deserializeState(spec.kit.serializeState(half.state, { format }))
        const rest = spec.make(spec.withIterations(spec.options, 6)).minimize(f, half.params, { state })
        expect(half.iterations).toBe(3)
        expect(rest.iterations).toBe(whole.iterations)
        expect(bits(rest.params)).toEqual(bits(whole.params))
        expect(spec.kit.serializeState(rest.state, { format: 'json' })).toEqual(
          spec.kit.serializeState(whole.state, { format: 'json' }),
        )
      })
    }

    it('rejects invalid options with their messages', () => {
      expect(() => spec.make({ notAnOption: 1 } as O)).toThrow(
        `${spec.name}: unknown option notAnOption, expected one of`,
      )
      for (const [options, message] of spec.invalid) {
        expect(() => spec.make(options as O)).toThrow(message)
      }
    })
  })
}
