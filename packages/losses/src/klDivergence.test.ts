import { grad, gradcheck, logSoftmax, softmax, type Var } from '@gd/autograd'
import { valuesArb } from '@gd/testing'
import fc from 'fast-check'
import { tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { klDivergence } from './klDivergence.js'

describe('klDivergence', () => {
  it('matches Σ p (log p − log q) per row in all four input forms, and is ≥ 0, on random distributions', () => {
    const cases = fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }))
      .chain(([n, c]) => fc.tuple(valuesArb([n, c]), valuesArb([n, c])))
    fc.assert(
      fc.property(cases, ([zq, zp]) => {
        const [n, c] = zq.shape as [number, number]
        const logQ = logSoftmax(zq).value
        const logP = logSoftmax(zp).value
        const q = softmax(zq).value
        const p = softmax(zp).value
        const ref = Array.from({ length: n }, (_, i) =>
          Array.from(
            { length: c },
            (_, k) => p.data[i * c + k]! * (logP.data[i * c + k]! - logQ.data[i * c + k]!),
          ).reduce((a, b) => a + b, 0),
        )
        const forms = [
          klDivergence(logQ, p, { reduction: 'none' }),
          klDivergence(q, p, { logInput: false, reduction: 'none' }),
          klDivergence(logQ, logP, { logTarget: true, reduction: 'none' }),
          klDivergence(q, logP, { logInput: false, logTarget: true, reduction: 'none' }),
        ]
        for (const form of forms) {
          expect(form.shape).toEqual([n])
          ref.forEach((r, i) => expect(form.value.data[i]).toBeCloseTo(r, 10))
        }
        ref.forEach((r) => expect(r).toBeGreaterThanOrEqual(-1e-12))
        expect(klDivergence(logP, p).item()).toBeCloseTo(0, 12)
      }),
    )
  })

  it('works a case by hand: mean is per distribution (PyTorch batchmean)', () => {
    // p = [½, ½], q = [¼, ¾]: ½ log 2 + ½ log(2/3) = 0.1438…; a second row with p = q adds 0
    const q = tensor(
      [
        [0.25, 0.75],
        [0.5, 0.5],
      ],
      { dtype: 'float64' },
    )
    const p = tensor(
      [
        [0.5, 0.5],
        [0.5, 0.5],
      ],
      { dtype: 'float64' },
    )
    expect(klDivergence(q, p, { logInput: false }).item()).toBeCloseTo(
      (0.5 * Math.log(2) + 0.5 * Math.log(2 / 3)) / 2,
      12,
    )
  })

  it('takes 0 · log 0 as 0 in the gradients too, in every input form', () => {
    // p = [0, ½, ½], q = [0, ¼, ¾]: the first class has p = q = 0. KL = ½ log 2 + ½ log(2/3).
    // ∂/∂q_c = −p_c / q_c: [0, −2, −⅔] (0 where p = 0, whatever q is there).
    const p = tensor([[0, 0.5, 0.5]], { dtype: 'float64' })
    const q = tensor([[0, 0.25, 0.75]], { dtype: 'float64' })
    const kl = 0.5 * Math.log(2) + 0.5 * Math.log(2 / 3)
    expect(klDivergence(q, p, { logInput: false }).item()).toBeCloseTo(kl, 12)
    expect(grad((v: Var) => klDivergence(v, p, { logInput: false }))(q).toArray()).toEqual([[0, -2, -2 / 3]])
    // log-targets: p = 0 is log p = −∞; log-inputs: q = 0 is log q = −∞
    const logP = tensor([[-Infinity, Math.log(0.5), Math.log(0.5)]], { dtype: 'float64' })
    const logQ = tensor([[-Infinity, Math.log(0.25), Math.log(0.75)]], { dtype: 'float64' })
    expect(klDivergence(q, logP, { logInput: false, logTarget: true }).item()).toBeCloseTo(kl, 12)
    expect(klDivergence(logQ, logP, { logTarget: true }).item()).toBeCloseTo(kl, 12)
    expect(klDivergence(logQ, p).item()).toBeCloseTo(kl, 12)
    const gq = grad((v: Var) => klDivergence(v, logP, { logInput: false, logTarget: true }))(q).toArray() as number[][]
    gq[0]!.forEach((g, i) => expect(g).toBeCloseTo([0, -2, -2 / 3][i]!, 12))
    // ∂/∂log q_c = −p_c: [0, −½, −½]; the targets' gradient is finite too
    const gl = grad((v: Var) => klDivergence(v, logP, { logTarget: true }))(logQ).data
    expect(Array.from(gl, (g) => g + 0)).toEqual([0, -0.5, -0.5]) // + 0 makes −0 read as 0
    const gp = grad((v: Var) => klDivergence(q, v, { logInput: false }))(p).data
    expect(Array.from(gp).every(Number.isFinite)).toBe(true)
    // and central differences agree with the gradient away from the zero class (q moves, p = 0 stays)
    expect(
      gradcheck((v) => klDivergence(v, p, { logInput: false }), [tensor([[0.1, 0.3, 0.6]], { dtype: 'float64' })]),
    ).toBe(true)
  })

  it('names shape problems and bad options', () => {
    expect(() => klDivergence(tensor(0), tensor(0))).toThrow(
      'klDivergence: predictions need a class axis, got shape []',
    )
    expect(() => klDivergence(tensor([0]), tensor([0, 1]))).toThrow(
      'klDivergence: predictions [1] and targets [2] differ in shape',
    )
    expect(() => klDivergence(tensor([0]), tensor([1]), { logInput: 1 as never })).toThrow(
      'klDivergence: logInput must be a boolean, got 1',
    )
  })
})
