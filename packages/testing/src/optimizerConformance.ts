/**
 * The optimizer conformance suite: one call per optimizer runs every shared check, with the
 * optimizer's capabilities declared as data (never skipped by name).
 * @module
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Tensor, treeLeaves, type Tree } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { closureConformance, type ClosureConformance } from './closureConformance.js'
import { quadratic, rosenbrock, type Problem } from './problems.js'
import { bits, copyTree, f64, sampleTree, values } from './internal/sampleTrees.js'

/**
 * The optimizer shape the suite drives (structurally @gd/optimizers' GradientTransformation), with
 * the optional members of its `InPlaceTransformation` that the suite detects and checks when present.
 */
export interface Transform {
  init(params: Tree): unknown
  update(grads: Tree, state: any, params?: Tree, extra?: any): { updates: Tree; state: unknown }
  /** Optional pre-write check: throws what `update` would, writes nothing. */
  check?(grads: Tree, state: any, params?: Tree, extra?: any): void
  /** Optional fused step: `update` + `applyUpdates` into the parameters' buffers; returns the next state. */
  applyInPlace?(grads: Tree, state: any, params: Tree, extra?: any): unknown
}

/** Functions from @gd/optimizers the suite needs (passed in: @gd/testing depends on @gd/tensor only). */
export interface ConformanceKit {
  applyUpdates(params: Tree, updates: Tree): Tree
  serializeState(state: unknown, options?: { format: 'json' | 'binary' }): string | ArrayBuffer
  deserializeState(saved: string | ArrayBuffer): unknown
  stepInPlace(tx: Transform, grads: Tree, state: any, params: Tree): unknown
}

/** A run: the options to build the optimizer with, a step budget and how close it must end. */
export interface ConvergenceCase<O> {
  options: O
  steps: number
  /** Largest allowed |xᵢ − x*ᵢ| at the end. */
  tolerance: number
}

/** A scalar reference: given the gradient and parameters as numbers, the next parameters. */
export type ReferenceStep = (grad: readonly number[], params: readonly number[]) => number[]

/**
 * Everything the suite needs to know about one optimizer: a gradient transformation (one gradient
 * per `update`, the default) or, with `drive: 'closure'`, an optimizer that minimizes a
 * value-and-gradient closure ({@link ClosureConformance}).
 */
export type OptimizerConformance<O> = TransformConformance<O> | ClosureConformance<O>

/** The suite's description of a gradient transformation (see {@link OptimizerConformance}). */
export interface TransformConformance<O> {
  /** The exported name, e.g. `adam` (the meta-test looks for it). */
  name: string
  /** Capability: driven by one gradient per `update` call (the default). */
  drive?: 'update'
  make: (options?: O) => Transform
  kit: ConformanceKit
  quadratic: ConvergenceCase<O>
  rosenbrock: ConvergenceCase<O>
  /** First steps against a reference written from the paper / PyTorch's documented algorithm. */
  reference: { options: O; make: (options: any) => ReferenceStep; steps?: number; tolerance?: number }
  /** Options used by the purity, round-trip and zero-gradient checks. */
  options: O
  /** Whether `learningRate` accepts a schedule. */
  schedule: boolean
  /** With all-zero gradients from a fresh state: parameters stay put, or shrink (weight decay). */
  zeroGradient: 'stays' | 'shrinks'
  /** Invalid options and the exact message each must throw. */
  invalid: readonly (readonly [O | Record<string, unknown>, string])[]
}

/** Runs `steps` updates on a problem from `start`, through update + applyUpdates. */
function run(
  spec: TransformConformance<any>,
  options: unknown,
  problem: Problem,
  start: readonly number[],
  steps: number,
): number[] {
  const tx = spec.make(options)
  let params: Tree = { x: f64(start) }
  let state = tx.init(params)
  for (let k = 0; k < steps; k++) {
    const x = (params as { x: Tensor }).x.data as Float64Array
    const g = { x: new Tensor(problem.gradient(x), [x.length], 'float64') }
    const r = tx.update(g, state, params)
    params = spec.kit.applyUpdates(params, r.updates)
    state = r.state
  }
  return values(params)
}

function gradAt(params: Tree, k: number): Tree {
  // a deterministic gradient: 2θ + a wobble that changes sign with the step
  const leaves = treeLeaves(params)
  const grads = leaves.map((p, j) => {
    const d = Array.from(p.data, (v, i) => 2 * v + 0.1 * Math.sin(k + i + j))
    return p.dtype === 'float64' ? f64(d) : new Tensor(Float32Array.from(d), p.shape, 'float32')
  })
  return { w: grads[0]!, b: [grads[1]!] }
}

/**
 * Registers the shared conformance tests for one optimizer:
 * convergence on a convex quadratic and on Rosenbrock; first steps equal to a scalar reference;
 * purity (grads, params untouched; float64 stays float64); state round trip through JSON and binary
 * resuming bit for bit; `stepInPlace` equal to update + applyUpdates (through the transform's fused
 * `applyInPlace` when it has one); trees paired by key (keys in
 * another order give the same steps); transactional calls (a bad leaf throws, in the transform's
 * pre-write `check` too when it has one, and changes nothing; the retry equals a clean step); states consumed by update; a schedule as learning rate;
 * the declared zero-gradient behaviour; invalid options rejected with their messages. A spec with
 * `drive: 'closure'` runs the closure optimizers' suite instead ({@link closureConformance}).
 *
 * @example
 * ```ts
 * // fragment: the spec's other fields are elided (see packages/optimizers/src/optimizers/sgd.test.ts)
 * import { optimizerConformance } from '@gd/testing'
 * optimizerConformance({ name: 'sgd', make: sgd, kit, ... })
 * ```
 */
export function optimizerConformance<O>(spec: OptimizerConformance<O>): void {
  if (spec.drive === 'closure') return closureConformance(spec)
  describe(`${spec.name} conformance`, () => {
    it('converges on a convex quadratic', () => {
      const q = quadratic([1, 10])
      const x = run(spec, spec.quadratic.options, q, q.start, spec.quadratic.steps)
      x.forEach((v, i) => expect(Math.abs(v - q.minimum[i]!)).toBeLessThan(spec.quadratic.tolerance))
    })

    it('converges on Rosenbrock from (-1.2, 1)', () => {
      const c = spec.rosenbrock
      const x = run(spec, c.options, rosenbrock, rosenbrock.start, c.steps)
      x.forEach((v, i) => expect(Math.abs(v - rosenbrock.minimum[i]!)).toBeLessThan(c.tolerance))
    })

    it('takes the same first steps as the scalar reference', () => {
      const ref = spec.reference
      const q = quadratic([1, 10, 0.5, 3])
      const start = [1, -2, 0.5, 3]
      const step = ref.make(ref.options)
      let expected = [...start]
      for (let k = 1; k <= (ref.steps ?? 5); k++) {
        expected = step(Array.from(q.gradient(Float64Array.from(expected))), expected)
        const got = run(spec, ref.options, q, start, k)
        got.forEach((v, i) => {
          const want = expected[i]!
          // float64 throughout; only the order of operations differs from the reference
          expect(Math.abs(v - want)).toBeLessThanOrEqual((ref.tolerance ?? 1e-12) * Math.max(1, Math.abs(want)))
        })
      }
    })

    it('does not mutate grads or params, and keeps each dtype', () => {
      const tx = spec.make(spec.options)
      const params = sampleTree(1)
      let state = tx.init(params)
      for (let k = 0; k < 3; k++) {
        const grads = gradAt(params, k)
        const before = [values(params), values(grads)]
        const r = tx.update(grads, state, params)
        expect([values(params), values(grads)]).toEqual(before)
        const gl = treeLeaves(grads)
        treeLeaves(r.updates).forEach((u, i) => {
          expect(u).not.toBe(gl[i])
          expect(u.dtype).toBe(gl[i]!.dtype)
          expect(u.shape).toEqual(gl[i]!.shape)
        })
        state = r.state
      }
    })

    for (const format of ['json', 'binary'] as const) {
      it(`resumes bit for bit from a ${format} round trip of its state`, () => {
        const tx = spec.make(spec.options)
        let a = sampleTree(1)
        let sa: unknown = tx.init(a)
        for (let k = 0; k < 3; k++) {
          const r = tx.update(gradAt(a, k), sa, a)
          a = spec.kit.applyUpdates(a, r.updates)
          sa = r.state
        }
        let b = copyTree(a)
        let sb = spec.kit.deserializeState(spec.kit.serializeState(sa, { format }))
        for (let k = 3; k < 6; k++) {
          const ra = tx.update(gradAt(a, k), sa, a)
          a = spec.kit.applyUpdates(a, ra.updates)
          sa = ra.state
          const rb = tx.update(gradAt(b, k), sb, b)
          b = spec.kit.applyUpdates(b, rb.updates)
          sb = rb.state
        }
        expect(bits(b)).toEqual(bits(a))
      })
    }

    // detected from the transform itself (its InPlaceTransformation members), not declared by name
    const fused = typeof spec.make(spec.options).applyInPlace === 'function'
    it(`gives the same parameters through stepInPlace (${fused ? 'its fused applyInPlace' : 'no fused path: update + applyUpdates'}) as through update + applyUpdates`, () => {
      const tx = spec.make(spec.options)
      let a = sampleTree(1)
      const b = sampleTree(1)
      let sa: unknown = tx.init(a)
      let sb: unknown = tx.init(b)
      for (let k = 0; k < 4; k++) {
        const r = tx.update(gradAt(a, k), sa, a)
        a = spec.kit.applyUpdates(a, r.updates)
        sa = r.state
        sb = spec.kit.stepInPlace(tx, gradAt(b, k), sb, b)
      }
      const va = values(a)
      // the fused loop rounds once where the chain rounds after each link: float32 rounding only
      values(b).forEach((v, i) =>
        expect(Math.abs(v - va[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(va[i]!))),
      )
    })

    it('pairs grads with its state and params by key: keys in another order give the same steps', () => {
      const tx = spec.make(spec.options)
      let a = sampleTree(1)
      let b = sampleTree(1)
      let sa: unknown = tx.init(a)
      let sb: unknown = tx.init(b)
      for (let k = 0; k < 3; k++) {
        const ga = gradAt(a, k) as { w: Tensor; b: Tensor[] }
        const gb = gradAt(b, k) as { w: Tensor; b: Tensor[] }
        const pb = b as { w: Tensor; b: Tensor[] }
        const ra = tx.update(ga, sa, a)
        const rb = tx.update({ b: gb.b, w: gb.w }, sb, { b: pb.b, w: pb.w })
        a = spec.kit.applyUpdates(a, ra.updates)
        b = spec.kit.applyUpdates(b, rb.updates)
        sa = ra.state
        sb = rb.state
      }
      expect(bits(b)).toEqual(bits(a))
    })

    it('a call that throws (a leaf of the wrong size, missing or extra) leaves params and state as they were', () => {
      const tx = spec.make(spec.options)
      const params = sampleTree(1)
      const clean = sampleTree(1)
      // a step first, so the state holds more than zeros
      const state = tx.update(gradAt(params, 0), tx.init(params), params).state
      const cleanState = tx.update(gradAt(clean, 0), tx.init(clean), clean).state
      const before = [bits(params), spec.kit.serializeState(state)]
      const g = gradAt(params, 1) as { w: Tensor; b: Tensor[] }
      const bad: Tree[] = [
        { w: g.w, b: [f64([1, 2, 3])] },
        { w: g.w },
        { w: g.w, b: [g.b[0]!, f64([1, 2])] },
        { w: g.w, b: [g.b[0]!], c: f64([1]) },
      ]
      for (const grads of bad) {
        // a transform with a pre-write check throws there first, as chain and stepInPlace call it
        if (typeof tx.check === 'function') expect(() => tx.check!(grads, state, params)).toThrow()
        expect(() => tx.update(grads, state, params)).toThrow()
        expect(() => spec.kit.stepInPlace(tx, grads, state, params)).toThrow()
        expect([bits(params), spec.kit.serializeState(state)]).toEqual(before)
      }
      // the state is still usable, and the retry equals a clean step
      const r = tx.update(g, state, params)
      const c = tx.update(gradAt(clean, 1), cleanState, clean)
      expect(bits(spec.kit.applyUpdates(params, r.updates))).toEqual(bits(spec.kit.applyUpdates(clean, c.updates)))
    })

    it('consumes the state passed to update: using it again throws, a deserialized copy is fresh', () => {
      const tx = spec.make(spec.options)
      const params = sampleTree(1)
      const s0 = tx.init(params)
      const copy = spec.kit.serializeState(s0)
      const r = tx.update(gradAt(params, 0), s0, params)
      expect(() => tx.update(gradAt(params, 1), s0, params)).toThrow('state was already used by an update')
      const again = tx.update(gradAt(params, 0), spec.kit.deserializeState(copy), params)
      expect(bits(again.updates)).toEqual(bits(r.updates))
    })

    if (spec.schedule) {
      it('takes a schedule as learning rate', () => {
        const base = spec.options as Record<string, unknown>
        const lr = base['learningRate'] as number
        const q = quadratic([1, 10, 0.5, 3])
        const start = [1, -2, 0.5, 3]
        // a constant schedule equals the number, bit for bit
        expect(run(spec, { ...base, learningRate: () => lr }, q, start, 4)).toEqual(run(spec, base, q, start, 4))
        // a schedule that drops to 0 after two steps freezes the parameters there
        const stop = run(spec, { ...base, learningRate: (k: number) => (k < 2 ? lr : 0) }, q, start, 6)
        expect(stop).toEqual(run(spec, base, q, start, 2))
        // its values are checked when read
        const bad = spec.make({ ...base, learningRate: () => -1 } as O)
        const p = { x: f64(start) }
        expect(() => bad.update({ x: f64(start) }, bad.init(p), p)).toThrow(
          'learningRate must be >= 0, got -1 from its schedule at step 0',
        )
      })
    }

    it(`with zero gradients, parameters ${spec.zeroGradient === 'stays' ? 'stay put' : 'shrink'}`, () => {
      const tx = spec.make(spec.options)
      let params = sampleTree(1)
      let state = tx.init(params)
      for (let k = 0; k < 3; k++) {
        const zeros = gradAt(params, k)
        for (const z of treeLeaves(zeros)) (z.data as Float64Array).fill(0)
        const r = tx.update(zeros, state, params)
        for (const v of values(r.updates)) expect(Number.isFinite(v)).toBe(true)
        params = spec.kit.applyUpdates(params, r.updates)
        state = r.state
      }
      const before = values(sampleTree(1))
      const after = values(params)
      if (spec.zeroGradient === 'stays') expect(after).toEqual(before)
      else after.forEach((v, i) => expect(Math.abs(v)).toBeLessThan(Math.abs(before[i]!)))
    })

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

/**
 * The meta-check: every function in `srcDir` declared to return `Optimizer<...>` (a gradient
 * transformation) or `ClosureOptimizer<...>` (driven by a value-and-gradient closure) must be the
 * `name` of an {@link optimizerConformance} call in some test file of that directory or its sub-folders. Returns the
 * names that have none (empty when all are covered).
 *
 * @example
 * ```ts
 * // not run: a vitest test at the repository root
 * import { expect } from 'vitest'
 * import { missingConformance } from '@gd/testing'
 * expect(missingConformance('packages/optimizers/src')).toEqual([])
 * ```
 */
export function missingConformance(srcDir: string): { optimizers: string[]; missing: string[] } {
  // sub-folders too (the optimizers live in src/optimizers/, their building blocks in src/transforms/)
  const files = (readdirSync(srcDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'))
  const source = files.filter((f) => !f.endsWith('.test.ts')).map((f) => readFileSync(join(srcDir, f), 'utf8'))
  const tests = files.filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(join(srcDir, f), 'utf8'))
  const optimizers = source.flatMap((s) =>
    [...s.matchAll(/export function (\w+)\([^)]*\)\s*:\s*(?:Optimizer|ClosureOptimizer)\b/g)].map((m) => m[1]!),
  )
  const called = new Set(
    tests.flatMap((s) => [...s.matchAll(/optimizerConformance(?:<[^>]*>)?\(\{\s*name: '(\w+)'/g)].map((m) => m[1]!)),
  )
  return { optimizers, missing: optimizers.filter((n) => !called.has(n)) }
}
