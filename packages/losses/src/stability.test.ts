import { grad, logSoftmax, sigmoid, sum, type Var } from '@gd/autograd'
import { tensor, type Tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { binaryCrossEntropy } from './binaryCrossEntropy.js'
import { klDivergence } from './klDivergence.js'
import { logCosh } from './logCosh.js'
import { nll } from './nll.js'
import { sigmoidBinaryCrossEntropy } from './sigmoidBinaryCrossEntropy.js'
import { sigmoidFocal } from './sigmoidFocal.js'
import { softmaxCrossEntropy } from './softmaxCrossEntropy.js'

const dtypes = ['float32', 'float64'] as const
const finite = (t: Tensor | Var): boolean =>
  Array.from(t instanceof Object && 'value' in t ? t.value.data : t.data).every(Number.isFinite)
const close = (a: number, b: number, rel: number): boolean => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b))
const naiveSigmoidCe = (z: number, y: number): number => {
  const p = 1 / (1 + Math.exp(-z))
  return -(y * Math.log(p) + (1 - y) * Math.log(1 - p))
}

describe('stability at extreme logits', () => {
  for (const dtype of dtypes) {
    // float32 keeps about 7 digits, float64 about 15; the naive reference is computed in float64.
    const rel = dtype === 'float32' ? 1e-5 : 1e-9
    for (const scale of [1000, 1e4]) {
      it(`sigmoidBinaryCrossEntropy at ±${scale} in ${dtype}: finite, and equal to the naive form where that is finite`, () => {
        const zs = [-scale, -20, -1, 0, 1, 20, scale]
        const z = tensor(zs.concat(zs), { dtype })
        const ys = zs.map(() => 1).concat(zs.map(() => 0))
        const y = tensor(ys, { dtype })
        const loss = sigmoidBinaryCrossEntropy(z, y, { reduction: 'none' })
        expect(finite(loss)).toBe(true)
        const g = grad((v: Var) => sigmoidBinaryCrossEntropy(v, y, { reduction: 'sum' }))(z)
        expect(finite(g)).toBe(true)
        Array.from(loss.value.data).forEach((l, i) => {
          const naive = naiveSigmoidCe(zs[i % zs.length]!, ys[i]!)
          // The naive form itself loses digits in 1 − σ(z) at |z| = 20 (σ(20) = 1 − 2e-9, so about
          // 7 of float64's 16 digits survive): compare to 1e-5 there.
          if (Number.isFinite(naive)) expect(close(l, naive, Math.max(rel, 1e-5))).toBe(true)
          // Where the naive form is ±∞ or NaN (log 0, 0·log 0), |z| is so large that log1p(e^−|z|)
          // vanishes and the loss is max(z, 0) − z·y: scale when wrong, 0 when right.
          else expect(l).toBe(Math.max(zs[i % zs.length]!, 0) - zs[i % zs.length]! * ys[i]!)
        })
        // The gradient is σ(z) − y: at z = −scale, y = 1 it is −1; at z = scale, y = 1 it is 0.
        expect(g.data[0]).toBeCloseTo(-1, 6)
        expect(g.data[6]).toBeCloseTo(0, 6)
      })

      it(`softmaxCrossEntropy at ±${scale} in ${dtype}: finite values and gradients`, () => {
        const z = tensor(
          [
            [scale, -scale, 0],
            [-scale, -scale, scale],
            [0, 0, 0],
          ],
          { dtype },
        )
        const y = tensor([1, 2, 0], { dtype: 'int32' })
        const loss = softmaxCrossEntropy(z, y, { reduction: 'none', labelSmoothing: 0.1 })
        expect(finite(loss)).toBe(true)
        expect(finite(grad((v: Var) => softmaxCrossEntropy(v, y, { labelSmoothing: 0.1 }))(z))).toBe(true)
        // Unsmoothed, row 0 has loss scale − (−scale) = 2·scale and row 2 log 3.
        const plain = softmaxCrossEntropy(z, y, { reduction: 'none' }).value.data
        expect(close(plain[0]!, 2 * scale, rel)).toBe(true)
        expect(plain[1]).toBeCloseTo(0, 5)
        expect(close(plain[2]!, Math.log(3), rel)).toBe(true)
      })

      it(`sigmoidFocal at ±${scale} in ${dtype}: finite values and gradients for γ in {0.5, 2}`, () => {
        const z = tensor([-scale, scale, -scale, scale, 0], { dtype })
        const y = tensor([1, 1, 0, 0, 1], { dtype })
        for (const gamma of [0.5, 2]) {
          const loss = sigmoidFocal(z, y, { gamma, reduction: 'none' })
          expect(finite(loss)).toBe(true)
          expect(finite(grad((v: Var) => sigmoidFocal(v, y, { gamma }))(z))).toBe(true)
          // Wrong with full confidence: 1 − p_t = 1, so ℓ = CE = scale; right: ℓ = 0.
          expect(close(loss.value.data[0]!, scale, rel)).toBe(true)
          expect(loss.value.data[1]).toBe(0)
          // z = 0, y = 1: (½)^γ · log 2
          expect(close(loss.value.data[4]!, 0.5 ** gamma * Math.LN2, rel)).toBe(true)
        }
      })

      it(`logCosh at ±${scale} in ${dtype}: |d| − log 2, gradient ±1`, () => {
        const d = tensor([-scale, scale], { dtype })
        const loss = logCosh(d, tensor([0, 0], { dtype }), { reduction: 'none' })
        Array.from(loss.value.data).forEach((l) => expect(close(l, scale - Math.LN2, rel)).toBe(true))
        const g = grad((v: Var) => logCosh(v, tensor([0, 0], { dtype }), { reduction: 'sum' }))(d)
        expect(Array.from(g.data)).toEqual([-1, 1])
      })
    }
  }

  it('softmaxCrossEntropy allows a logit of −Infinity on a non-target class', () => {
    const z = tensor([[-Infinity, 0, Math.log(3)]], { dtype: 'float64' })
    const y = tensor([2], { dtype: 'int32' })
    // softmax over the finite logits [0, ln 3] is [¼, ¾]: −log ¾ = 0.2876…
    expect(softmaxCrossEntropy(z, y).item()).toBeCloseTo(-Math.log(0.75), 12)
    const g = grad((v: Var) => softmaxCrossEntropy(v, y))(z)
    expect(Array.from(g.data)).toEqual([0, expect.closeTo(0.25, 12), expect.closeTo(-0.25, 12)])
    // The same holds for one-hot targets and for nll of the log-softmax.
    expect(softmaxCrossEntropy(z, tensor([[0, 0, 1]], { dtype: 'float64' })).item()).toBeCloseTo(-Math.log(0.75), 12)
    const gn = grad((v: Var) => nll(logSoftmax(v), y))(z)
    expect(Array.from(gn.data).every(Number.isFinite)).toBe(true)
  })

  it('binaryCrossEntropy at probabilities of exactly 0 and 1: finite values and gradients, in both dtypes', () => {
    for (const dtype of dtypes) {
      const p = tensor([0, 1, 0, 1], { dtype })
      const y = tensor([1, 0, 0, 1], { dtype })
      const loss = binaryCrossEntropy(p, y, { reduction: 'none' })
      expect(finite(loss)).toBe(true)
      // Wrong and certain: −log(1e-7) = 16.118…; right and certain: −log(1 − 1e-7) ≈ 1e-7.
      expect(loss.value.data[0]).toBeCloseTo(-Math.log(1e-7), dtype === 'float32' ? 4 : 10)
      expect(loss.value.data[2]).toBeCloseTo(0, 6)
      expect(finite(grad((v: Var) => binaryCrossEntropy(v, y))(p))).toBe(true)
    }
  })

  it('sigmoidBinaryCrossEntropy(z) equals binaryCrossEntropy(σ(z)) where both are finite', () => {
    const zs = [-8, -2, -0.3, 0, 0.7, 3, 8]
    const z = tensor(zs, { dtype: 'float64' })
    const y = tensor([1, 0, 0.5, 1, 0, 1, 0.2], { dtype: 'float64' })
    const a = sigmoidBinaryCrossEntropy(z, y, { reduction: 'none' }).value.data
    const b = binaryCrossEntropy(sigmoid(z), y, { reduction: 'none', eps: 1e-15 }).value.data
    Array.from(a).forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 9))
  })

  it('klDivergence with p = 0 entries and q = 0 where p = 0 stays finite, gradients included', () => {
    const logQ = tensor([[Math.log(0.5), Math.log(0.5), -Infinity]], { dtype: 'float64' })
    const p = tensor([[1, 0, 0]], { dtype: 'float64' })
    // 1·(log 1 − log ½) = log 2
    expect(klDivergence(logQ, p).item()).toBeCloseTo(Math.LN2, 12)
    expect(finite(grad((v: Var) => sum(klDivergence(v, p)))(logQ))).toBe(true)
    expect(finite(grad((t: Var) => klDivergence(tensor([[-1, -1, -1]], { dtype: 'float64' }), t))(p))).toBe(true)
  })
})
