// GELU (tanh form) fused into one loop forward and one backward: composed from ops it made about ten
// tensors forward and twenty backward; this makes one each, and float32 work uses a rational tanh.
// Same function: y = ½x(1 + tanh(c(x + a·x³))), c = √(2/π), a = 0.044715; tested against the
// composed form (values, gradients, second order). Float32 calls run on @gd/tensor's Wasm SIMD kernel
// when it takes them (loaded, big enough), else on the loops below.
import * as T from '@gd/tensor'
import { isFloat, kernelReading, wasmGelu, wasmGeluGrad } from '@gd/tensor/internal'
import { X } from '../internal/args.js'
import { primitive } from '../primitive.js'
import type { Var } from '../variable.js'
import { add, mul, square, sub, tanh } from './arithmetic.js'

type Floats = Float32Array | Float64Array
const C = 0.7978845608028654 // √(2/π)
const A = 0.044715

/** tanh(u) = 1 − 2/(e^{2u} + 1): one exp, faster here than Math.tanh; exact at ±∞, absolute error ~1e-16. */
const tanhExp = (u: number): number => 1 - 2 / (Math.exp(2 * u) + 1)

/**
 * tanh(u) for float32 results: for |u| < 7.9 the rational minimax approximation Eigen uses for
 * float (odd degree 13 over even degree 6; within 4 float32 ulps of tanh, checked over [−12, 12] in
 * the tests), about twice as fast as the exp form, which it falls back to beyond.
 */
export function tanh32(u: number): number {
  if (u > 7.9 || u < -7.9) return tanhExp(u)
  const u2 = u * u
  const p =
    u *
    (4.89352455891786e-3 +
      u2 *
        (6.37261928875436e-4 +
          u2 *
            (1.48572235717979e-5 +
              u2 *
                (5.12229709037114e-8 +
                  u2 * (-8.60467152213735e-11 + u2 * (2.00018790482477e-13 + u2 * -2.76076847742355e-16))))))
  const q = 4.89352518554385e-3 + u2 * (2.268434632439e-3 + u2 * (1.18534705686654e-4 + u2 * 1.19825839466702e-6))
  return p / q
}

/** ½x(1 + t) into y, t = tanh(c(x + a·x³)) (the float32 loop and the float64 loop differ only in their tanh). */
function forwardKernel(t: T.Tensor): T.Tensor {
  const fast = t.dtype === 'float32' ? wasmGelu(t) : null
  if (fast !== null) return fast
  const f64 = t.dtype === 'float64'
  const y = f64 ? new Float64Array(t.size) : new Float32Array(t.size)
  // (kernel: a compiled step replays the loop, see kernel of @gd/tensor/internal)
  kernelReading(y, [t], (x: Floats): void => {
    // one loop per dtype: a tanh called through a variable is not inlined
    if (f64) {
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!
        y[i] = 0.5 * v * (1 + tanhExp(C * (v + A * v * v * v)))
      }
    } else {
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!
        y[i] = 0.5 * v * (1 + tanh32(C * (v + A * v * v * v)))
      }
    }
  })
  return new T.Tensor(y, t.shape, t.dtype)
}

/** y′(x) with t = tanh(c(x + a·x³)): ½(1 + t) + ½x(1 − t²)·c(1 + 3a·x²). */
const slope = (v: number, t: number): number => 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * C * (1 + 3 * A * v * v)

/** g·y′(x). */
function gradKernel(gt: T.Tensor, xt: T.Tensor): T.Tensor {
  const f64 = gt.dtype === 'float64' || xt.dtype === 'float64'
  const fast = f64 ? null : wasmGeluGrad(gt, xt)
  if (fast !== null) return fast
  const dx = f64 ? new Float64Array(xt.size) : new Float32Array(xt.size)
  kernelReading(dx, [gt, xt], (g: Floats, x: Floats): void => {
    if (f64) {
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!
        dx[i] = g[i]! * slope(v, tanhExp(C * (v + A * v * v * v)))
      }
    } else {
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!
        dx[i] = g[i]! * slope(v, tanh32(C * (v + A * v * v * v)))
      }
    }
  })
  return new T.Tensor(dx, xt.shape, f64 ? 'float64' : 'float32')
}

/** y″(x) = (1 − t²)·(c(1 + 3a·x²) + 3ac·x² − t·x·c²(1 + 3a·x²)²), composed so that it differentiates too. */
function second(x: Var): Var {
  const x2 = square(x)
  const t = tanh(mul(add(x, mul(mul(x2, x), A)), C))
  const du = mul(add(mul(x2, 3 * A), 1), C) // c(1 + 3a·x²)
  const inner = sub(add(du, mul(x2, 3 * A * C)), mul(mul(t, x), square(du)))
  return mul(sub(1, square(t)), inner)
}

const geluGrad = /* @__PURE__ */ primitive({
  name: 'geluGrad',
  forward: gradKernel,
  backward: (h, [g, x], _out, [needG, needX]) => [
    needG ? geluGrad(h, x!) : null,
    needX ? mul(mul(h, g!), second(x!)) : null,
  ],
})

/** GELU in its tanh form as one primitive: one loop forward, one backward, and a backward that differentiates again. */
export const fusedGelu = /* @__PURE__ */ primitive({
  name: 'gelu',
  inputNames: X,
  forward: (x) => forwardKernel(isFloat(x.dtype) ? x : T.cast(x, 'float32')),
  backward: (g, [x]) => [geluGrad(g, x!)],
})
