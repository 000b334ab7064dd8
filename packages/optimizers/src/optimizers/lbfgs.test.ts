import { describe, expect, it } from 'vitest'
import { Tensor, tensor } from '@gd/tensor'
import { optimizerConformance, rosenbrock, type Problem } from '@gd/testing'
import { kit } from '../../test/kit.js'
import { lbfgs, type LbfgsOptions } from '../index.js'

const f64 = (xs: number[]) => tensor(xs, { dtype: 'float64' })

// Rosenbrock as a closure over a tree { x: [x, y] }
const rosen = (p: { x: Tensor }) => {
  const x = p.x.data as Float64Array
  return { value: rosenbrock.value(x), gradient: { x: new Tensor(rosenbrock.gradient(x), [2], 'float64') } }
}

// L-BFGS as Nocedal & Wright write it (Algorithms 7.4 and 7.5), on plain number arrays, with a
// backtracking Armijo line search that halves from t0 = min(1, 1/‖g‖₁) on the first iteration, 1 after.
// A worked first iteration on f = ½(x² + 10y²) from (1, 1): g = (1, 10), no pairs yet, so d = −g;
// t0 = 1/11; f(1 − 1/11, 1 − 10/11) = ½(0.8264 + 0.0826) = 0.4545 ≤ 5.5 − 1e-4·(1/11)·101, accepted:
// x₁ = (10/11, 1/11), s = x₁ − x₀, y = g₁ − g₀ = (−1/11, −100/11), stored since s·y = 1/121 + 1000/121 > 0.
const reference =
  (o: { memory: number }) =>
  (problem: Problem, start: readonly number[], iterations: number): number[] => {
    const value = (x: number[]) => problem.value(Float64Array.from(x))
    const gradient = (x: number[]) => Array.from(problem.gradient(Float64Array.from(x)))
    const dot = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * b[i]!, 0)
    const pairs: { s: number[]; y: number[] }[] = []
    let x = [...start]
    let f = value(x)
    let g = gradient(x)
    for (let k = 0; k < iterations && Math.sqrt(dot(g, g)) > 1e-7; k++) {
      // two-loop recursion: r = H g, newest pair first, then back from the oldest
      const r = [...g]
      const alpha: number[] = []
      for (let i = pairs.length - 1; i >= 0; i--) {
        const { s, y } = pairs[i]!
        alpha[i] = (1 / dot(s, y)) * dot(s, r)
        r.forEach((_, j) => (r[j] = r[j]! - alpha[i]! * y[j]!))
      }
      const newest = pairs.at(-1)
      const gamma = newest ? dot(newest.s, newest.y) / dot(newest.y, newest.y) : 1
      r.forEach((_, j) => (r[j] = gamma * r[j]!))
      pairs.forEach(({ s, y }, i) => {
        const beta = (1 / dot(s, y)) * dot(y, r)
        r.forEach((_, j) => (r[j] = r[j]! + s[j]! * (alpha[i]! - beta)))
      })
      const d = r.map((v) => -v)
      const slope = dot(g, d)
      let t = pairs.length === 0 ? Math.min(1, 1 / g.reduce((s, v) => s + Math.abs(v), 0)) : 1
      let next = x.map((xi, j) => xi + t * d[j]!)
      for (let i = 1; i < 25 && !(value(next) <= f + 1e-4 * t * slope); i++) {
        t *= 0.5
        next = x.map((xi, j) => xi + t * d[j]!)
      }
      const gNext = gradient(next)
      const s = d.map((v) => t * v)
      const y = gNext.map((v, j) => v - g[j]!)
      if (dot(s, y) > 1e-10) {
        if (pairs.length === o.memory) pairs.shift()
        pairs.push({ s, y })
      }
      x = x.map((xi, j) => xi + s[j]!)
      f = value(next)
      g = gNext
    }
    return x
  }

optimizerConformance<LbfgsOptions>({
  name: 'lbfgs',
  drive: 'closure',
  make: lbfgs,
  kit,
  withIterations: (options, k) => ({ ...options, maxIterations: k }),
  quadratic: { options: {}, tolerance: 1e-6 },
  rosenbrock: { options: { maxIterations: 200 }, tolerance: 1e-6 },
  // memory 2 so the oldest pair is dropped within the compared iterations
  reference: { options: { lineSearch: 'armijo', memory: 2 }, make: reference, steps: 5 },
  options: { memory: 3 },
  invalid: [
    [{ memory: 0 }, 'lbfgs: memory must be an integer >= 1, got 0'],
    [{ maxIterations: 1.5 }, 'lbfgs: maxIterations must be an integer >= 0, got 1.5'],
    [{ gradientTolerance: -1 }, 'lbfgs: gradientTolerance must be >= 0, got -1'],
    [{ c1: 0 }, 'lbfgs: c1 must be in (0, 1), got 0'],
    [{ c2: 1 }, 'lbfgs: c2 must be in (0, 1), got 1'],
    [{ c1: 0.5, c2: 0.1 }, 'lbfgs: c2 must be greater than c1, got c1 0.5 and c2 0.1'],
    [{ lineSearch: 'x' }, `lbfgs: lineSearch must be 'strongWolfe' or 'armijo', got "x"`],
    [{ maxLineSearchSteps: 0 }, 'lbfgs: maxLineSearchSteps must be an integer >= 1, got 0'],
  ],
})

describe('lbfgs', () => {
  for (const lineSearch of ['strongWolfe', 'armijo'] as const) {
    it(`minimizes Rosenbrock from (-1.2, 1) to gradient norm < 1e-6 (${lineSearch})`, () => {
      const r = lbfgs({ lineSearch, maxIterations: 500, gradientTolerance: 1e-9 }).minimize(rosen, {
        x: f64([-1.2, 1]),
      })
      expect(r.gradientNorm).toBeLessThan(1e-6)
      const [x, y] = Array.from(r.params.x.data)
      expect(x).toBeCloseTo(1, 6)
      expect(y).toBeCloseTo(1, 6)
      expect(r.converged).toBe(true)
    })
  }

  it('fits a logistic regression to its known optimum', () => {
    // Feature x ∈ {0, 1}, model σ(w x + b). At x = 0: 3 positives, 1 negative; at x = 1: 1 positive,
    // 4 negatives. Two groups, two parameters, so the fit is exact: σ(b) = 3/4 and σ(w + b) = 1/5,
    // b* = ln 3 ≈ 1.0986, w* = ln(1/4) − ln 3 = −ln 12 ≈ −2.4849.
    const data = [...[1, 1, 1, 0].map((y) => ({ x: 0, y })), ...[1, 0, 0, 0, 0].map((y) => ({ x: 1, y }))]
    const nll = (p: { w: Tensor; b: Tensor }) => {
      const w = p.w.item()
      const b = p.b.item()
      let value = 0
      let gw = 0
      let gb = 0
      for (const { x, y } of data) {
        const z = w * x + b
        const s = 1 / (1 + Math.exp(-z))
        value += Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - y * z
        gw += (s - y) * x
        gb += s - y
      }
      return { value, gradient: { w: f64([gw]), b: f64([gb]) } }
    }
    const r = lbfgs().minimize(nll, { w: f64([0]), b: f64([0]) })
    expect(r.params.b.item()).toBeCloseTo(Math.log(3), 7)
    expect(r.params.w.item()).toBeCloseTo(-Math.log(12), 7)
    expect(r.params.w.dtype).toBe('float64')
  })

  it('keeps float32 parameters float32 and does not touch the input', () => {
    const start = { x: tensor([-1.2, 1]) }
    const closure = (p: { x: Tensor }) => rosen({ x: new Tensor(Float64Array.from(p.x.data), [2], 'float64') })
    const r = lbfgs({ maxIterations: 3 }).minimize(closure, start)
    expect(r.params.x.dtype).toBe('float32')
    expect(Array.from(start.x.data)).toEqual([Math.fround(-1.2), 1])
  })

  it('stops at maxIterations and says it did not converge', () => {
    const r = lbfgs({ maxIterations: 2 }).minimize(rosen, { x: f64([-1.2, 1]) })
    expect(r.iterations).toBe(2)
    expect(r.converged).toBe(false)
  })

  it('rejects invalid options and malformed gradients', () => {
    expect(() => lbfgs({ memory: 0 })).toThrow('lbfgs: memory must be an integer >= 1, got 0')
    expect(() => lbfgs({ lineSearch: 'x' as never })).toThrow(
      `lbfgs: lineSearch must be 'strongWolfe' or 'armijo', got "x"`,
    )
    expect(() => lbfgs({ c1: 0.5, c2: 0.1 })).toThrow('lbfgs: c2 must be greater than c1, got c1 0.5 and c2 0.1')
    expect(() => lbfgs({ tolerance: 1 } as never)).toThrow('lbfgs: unknown option tolerance, expected one of memory')
    const bad = () => ({ value: 0, gradient: { x: f64([1]) } })
    const done = lbfgs({ maxIterations: 1 }).minimize(rosen, { x: f64([-1.2, 1]) })
    expect(() => lbfgs().minimize(rosen, { x: f64([1, 2, 3]) }, { state: done.state })).toThrow(
      'lbfgs: state.x has 2 elements, expected 3',
    )
    expect(() => lbfgs().minimize(rosen, { x: f64([1, 2]) }, { state: { ...done.state, s: [] } })).toThrow(
      'lbfgs: state.s and state.y must be arrays of the same length',
    )
    expect(() => lbfgs().minimize(bad, { x: f64([1, 2]) })).toThrow('lbfgs: gradient.x has 1 elements, expected 2')
    // the gradient pairs with params by key, not by leaf order
    const swapped = (p: { a: Tensor; b: Tensor }) => {
      const [a, b] = [p.a.item(), p.b.item()]
      return { value: (a - 1) ** 2 + (b + 2) ** 2, gradient: { b: f64([2 * (b + 2)]), a: f64([2 * (a - 1)]) } }
    }
    const r = lbfgs().minimize(swapped, { a: f64([0]), b: f64([0]) })
    expect([r.params.a.item(), r.params.b.item()].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([1, -2])
    expect(() => lbfgs().minimize(() => ({ value: 0, gradient: { y: f64([1, 2]) } }), { x: f64([1, 2]) })).toThrow(
      'lbfgs: gradient.y is not in params',
    )
  })
})
