import { describe, expect, it } from 'vitest'
import { Tensor, tensor } from '@gd/tensor'
import { rosenbrock } from '@gd/testing'
import { lbfgs } from './index.js'

const f64 = (xs: number[]) => tensor(xs, { dtype: 'float64' })

// Rosenbrock as a closure over a tree { x: [x, y] }
const rosen = (p: { x: Tensor }) => {
  const x = p.x.data as Float64Array
  return { value: rosenbrock.value(x), gradient: { x: new Tensor(rosenbrock.gradient(x), [2], 'float64') } }
}

describe('lbfgs', () => {
  for (const lineSearch of ['strongWolfe', 'armijo'] as const) {
    it(`minimizes Rosenbrock from (-1.2, 1) to gradient norm < 1e-6 (${lineSearch})`, () => {
      const r = lbfgs({ lineSearch, maxIterations: 500, gradientTolerance: 1e-9 }).minimize(rosen, { x: f64([-1.2, 1]) })
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
    const data = [
      ...[1, 1, 1, 0].map((y) => ({ x: 0, y })),
      ...[1, 0, 0, 0, 0].map((y) => ({ x: 1, y })),
    ]
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
    expect(() => lbfgs({ lineSearch: 'x' as never })).toThrow(`lbfgs: lineSearch must be 'strongWolfe' or 'armijo', got "x"`)
    expect(() => lbfgs({ c1: 0.5, c2: 0.1 })).toThrow('lbfgs: c2 must be greater than c1, got c1 0.5 and c2 0.1')
    expect(() => lbfgs({ tolerance: 1 } as never)).toThrow('lbfgs: unknown option tolerance, expected one of memory')
    const bad = () => ({ value: 0, gradient: { x: f64([1]) } })
    expect(() => lbfgs().minimize(bad, { x: f64([1, 2]) })).toThrow('lbfgs: the gradient leaf 0 has 1 elements, expected 2')
  })
})
