import { add, gradcheck, matmul, tanh, type Input, type Var } from '@gd/autograd'
import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { criticLoss, eightGaussians, modeCoverage, trainWganGp } from './wganGp.js'

const f64 = (values: number[], shape: number[]) => T.tensor(values, { dtype: 'float64', shape })

describe('WGAN-GP', () => {
  it("the critic loss's gradient, through the inner gradient of the penalty, agrees with central differences", () => {
    // A smooth critic, so the penalty's gradient has second-derivative terms to get wrong.
    type P = { w1: Input; b1: Input; w2: Input }
    const critic = (p: unknown, x: Input): Var => {
      const { w1, b1, w2 } = p as P
      return matmul(tanh(add(matmul(x, w1), b1)), w2)
    }
    const real = f64([1.9, 0.1, -0.2, 2.1, -1.4, -1.5], [3, 2])
    const fake = f64([0.3, -0.4, 0.8, 0.2, -0.1, 0.6], [3, 2])
    const epsilon = f64([0.25, 0.5, 0.9], [3, 1])
    const w1 = f64([0.5, -0.3, 0.8, 0.2, -0.7, 0.4, 0.1, 0.9], [2, 4])
    const b1 = f64([0.1, -0.2, 0.05, 0.3], [4])
    const w2 = f64([0.6, -0.9, 0.4, 1.1], [4, 1])
    expect(
      gradcheck((a, b, c) => criticLoss(critic, { w1: a, b1: b, w2: c }, real, fake, epsilon, 10)[0], [w1, b1, w2]),
    ).toBe(true)
  })

  it('samples the eight Gaussians around the circle of radius 2', () => {
    const points = eightGaussians(T.prngKey(3), 4000)
    expect(points.shape).toEqual([4000, 2])
    const { modesCovered, nearAMode } = modeCoverage(points)
    expect(modesCovered).toBe(8)
    expect(nearAMode).toBe(1)
  })

  it('trains: the distance estimate and the penalty stay finite, and the run is deterministic', () => {
    const a = trainWganGp({ steps: 20, batch: 32, hidden: 16, seed: 1 })
    const b = trainWganGp({ steps: 20, batch: 32, hidden: 16, seed: 1 })
    expect(a.distance).toHaveLength(20)
    expect(a.distance.every(Number.isFinite) && a.penalty.every(Number.isFinite)).toBe(true)
    expect(a.distance).toEqual(b.distance)
    expect([...a.samples.data]).toEqual([...b.samples.data])
  })

  it('rejects bad settings', () => {
    expect(() => trainWganGp({ steps: 0 })).toThrow('trainWganGp: steps must be a positive integer, got 0')
    expect(() => trainWganGp({ lambda: Number.NaN })).toThrow(
      'trainWganGp: lambda must be a finite number >= 0, got NaN',
    )
    expect(() => trainWganGp({ step: 5 } as never)).toThrow('trainWganGp: unknown option step, expected one of steps,')
  })
})
