// Private: the GRU and LSTM cells' elementwise part as two fused primitives. A step's gates would
// otherwise take some fifteen ops forward and thirty backward (each slice of a gate block copying and,
// backward, padding back); fused, the forward is one loop, and so is a first-order backward pass
// (recording off). When the backward pass is itself recorded (a gradient of a gradient), the rule is
// written with differentiable ops instead, so second derivatives come out as for any other op.
// The forward pass keeps its gate activations for a first-order backward pass (keyed by the output
// tensor, so they go when the output does): the backward loop then needs no exp or tanh. On @gd/tensor's
// Wasm kernels they are a tensor the kernel wrote: inside a transform it lies in the kernels' memory, so
// neither pass copies it, and it is released with the transform's other intermediates (a read after that
// throws the released-tensor message instead of giving stale values).
import { add, concat, isRecording, mul, primitive, reshape, sigmoid, slice, square, sub, tanh, Var } from '@gd/autograd'
import * as T from '@gd/tensor'
import {
  allocate,
  forReplay,
  kernel,
  kernelReading,
  wasmGruCell,
  wasmGruCellGrad,
  wasmLstmCell,
  wasmLstmCellGrad,
} from '@gd/tensor/internal'

const logistic = (v: number) => 1 / (1 + Math.exp(-v))

function buffer(dtype: T.DType, size: number): Float32Array | Float64Array {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size)
}

/**
 * The storage of a result (wrapped in a tensor at once): from `allocate`, so that inside a transform it is
 * born in the kernels' Wasm memory and released with the transform's other intermediates. The gate
 * activations of the JavaScript loops stay JavaScript arrays (`buffer`): they are held raw, by no tensor,
 * so a released block under them could not say so.
 */
function resultStorage(dtype: T.DType, size: number): Float32Array | Float64Array {
  return allocate(dtype === 'float64' ? 'float64' : 'float32', size)
}

/** Gate activations by forward output, for the backward pass: the Wasm kernel's tensor, or a JavaScript loop's array. */
const saved = /* @__PURE__ */ new WeakMap<T.Tensor, T.Tensor | Float32Array | Float64Array>()

type Floats = Float32Array | Float64Array

/** Block k (of width h) of the columns of a [batch, blocks·h] Var. */
function block(v: Var, k: number, h: number): Var {
  return slice(v, [0, k * h], [v.shape[0]!, h])
}

/** The GRU's gate activations r, z, n in the blocks of a [batch, 3·hidden] buffer. */
function gruGates(p: T.Tensor, q: T.Tensor): Float32Array | Float64Array {
  const acts = buffer(p.dtype, p.size)
  gruGatesInto(p.data, q.data, acts, p.shape[0]!, p.shape[1]!)
  return acts
}

function gruGatesInto(P: ArrayLike<number>, Q: ArrayLike<number>, acts: Floats, batch: number, width: number): void {
  const H = width / 3
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < H; j++) {
      const o = b * width + j
      const r = logistic(P[o]! + Q[o]!)
      acts[o] = r
      acts[o + H] = logistic(P[o + H]! + Q[o + H]!)
      acts[o + 2 * H] = Math.tanh(P[o + 2 * H]! + r * Q[o + 2 * H]!)
    }
  }
}

/**
 * One GRU step from p = x·wx + bx and q = h·wh + bh (each [batch, 3·hidden], blocks r, z, n) and
 * h [batch, hidden]: r = σ(p_r + q_r), z = σ(p_z + q_z), n = tanh(p_n + r ⊙ q_n),
 * h' = n + z ⊙ (h − n).
 */
export const gruCell = /* @__PURE__ */ primitive({
  name: 'gru',
  inputNames: ['p', 'q', 'h'],
  forward: (p, q, h) => {
    // float32 on @gd/tensor's Wasm SIMD kernel when it takes the call (gates within a few float32 ulps)
    const fast = p.dtype === 'float32' ? wasmGruCell(p, q, h) : null
    if (fast !== null) {
      saved.set(fast[0], fast[1])
      return fast[0]
    }
    const [batch, width] = p.shape as [number, number]
    const H = width / 3
    const acts = buffer(p.dtype, batch * width)
    const out = resultStorage(p.dtype, batch * H)
    // (kernel: a compiled step replays the loop, see kernel of @gd/tensor/internal)
    kernelReading([acts, out], [p, q, h], (P: T.Storage, Q: T.Storage, prev: T.Storage): void => {
      gruGatesInto(P, Q, acts, batch, width)
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < H; j++) {
          const o = b * width + j
          const n = acts[o + 2 * H]!
          out[b * H + j] = n + acts[o + H]! * (prev[b * H + j]! - n)
        }
      }
    })
    const result = new T.Tensor(out, [batch, H], p.dtype)
    saved.set(result, acts)
    return result
  },
  backward: (g, [p, q, h], output) => {
    const [batch, width] = p!.shape as [number, number]
    const H = width / 3
    if (isRecording()) {
      const r = sigmoid(add(block(p!, 0, H), block(q!, 0, H)))
      const z = sigmoid(add(block(p!, 1, H), block(q!, 1, H)))
      const qn = block(q!, 2, H)
      const n = tanh(add(block(p!, 2, H), mul(r, qn)))
      const dn = mul(mul(g, sub(1, z)), sub(1, square(n))) // through tanh
      const dr = mul(mul(dn, qn), mul(r, sub(1, r))) // through σ
      const dz = mul(mul(g, sub(h!, n)), mul(z, sub(1, z)))
      return [concat([dr, dz, dn], 1), concat([dr, dz, mul(dn, r)], 1), mul(g, z)]
    }
    const kept = saved.get(output.value) ?? gruGates(p!.value, q!.value)
    // float32 on Wasm when it takes the call: the same float64 arithmetic rounded once, the same bits
    const fast = kept instanceof T.Tensor ? wasmGruCellGrad(g.value, q!.value, h!.value, kept) : null
    if (fast !== null) return fast.map((t) => new Var(t))
    const dP = resultStorage(p!.dtype, batch * width)
    const dQ = resultStorage(p!.dtype, batch * width)
    const dH = resultStorage(p!.dtype, batch * H)
    const views = [g.value, q!.value, h!.value, ...(kept instanceof T.Tensor ? [kept] : [])].map(forReplay)
    const run = (): void => {
      const [G, Q, prev] = views.map((v) => v.data) as [T.Storage, T.Storage, T.Storage]
      const acts = views[3]?.data ?? (kept as Floats)
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < H; j++) {
          const o = b * width + j
          const k = b * H + j
          const r = acts[o]!
          const z = acts[o + H]!
          const n = acts[o + 2 * H]!
          const gk = G[k]!
          const dn = gk * (1 - z) * (1 - n * n)
          const dr = dn * Q[o + 2 * H]! * r * (1 - r)
          const dz = gk * (prev[k]! - n) * z * (1 - z)
          dP[o] = dQ[o] = dr
          dP[o + H] = dQ[o + H] = dz
          dP[o + 2 * H] = dn
          dQ[o + 2 * H] = dn * r
          dH[k] = gk * z
        }
      }
    }
    kernel([dP, dQ, dH], run, true)
    const dtype = p!.dtype
    return [
      new Var(new T.Tensor(dP, [batch, width], dtype)),
      new Var(new T.Tensor(dQ, [batch, width], dtype)),
      new Var(new T.Tensor(dH, [batch, H], dtype)),
    ]
  },
})

/**
 * The LSTM's gate activations i, f, g, o in the blocks of a [batch, 4·hidden] buffer, followed by
 * tanh(c') as a [batch, hidden] block.
 */
function lstmGates(a: T.Tensor, c: T.Tensor): Float32Array | Float64Array {
  const acts = buffer(a.dtype, 5 * c.size)
  lstmGatesInto(a.data, c.data, acts, a.shape[0]!, a.shape[1]!)
  return acts
}

function lstmGatesInto(A: ArrayLike<number>, C: ArrayLike<number>, acts: Floats, batch: number, width: number): void {
  const H = width / 4
  const n = batch * H
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < H; j++) {
      const o = b * width + j
      const i = logistic(A[o]!)
      const f = logistic(A[o + H]!)
      const g = Math.tanh(A[o + 2 * H]!)
      acts[o] = i
      acts[o + H] = f
      acts[o + 2 * H] = g
      acts[o + 3 * H] = logistic(A[o + 3 * H]!)
      acts[4 * n + b * H + j] = Math.tanh(f * C[b * H + j]! + i * g)
    }
  }
}

/**
 * One LSTM step from the pre-activations a = x·wx + bx + bh + h·wh ([batch, 4·hidden], blocks
 * i, f, g, o) and c [batch, hidden]: i, f, o = σ(a_i), σ(a_f), σ(a_o), g = tanh(a_g),
 * c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c'). Returns h' and c' stacked, [2, batch, hidden], so each
 * is a contiguous slice.
 */
export const lstmCell = /* @__PURE__ */ primitive({
  name: 'lstm',
  inputNames: ['a', 'c'],
  forward: (a, c) => {
    // float32 on @gd/tensor's Wasm SIMD kernel when it takes the call (gates within a few float32 ulps)
    const fast = a.dtype === 'float32' ? wasmLstmCell(a, c) : null
    if (fast !== null) {
      saved.set(fast[0], fast[1])
      return fast[0]
    }
    const [batch, width] = a.shape as [number, number]
    const H = width / 4
    const n = batch * H
    const acts = buffer(a.dtype, 5 * n)
    const out = resultStorage(a.dtype, 2 * n)
    // (kernel: a compiled step replays the loop, see kernel of @gd/tensor/internal)
    kernelReading([acts, out], [a, c], (A: T.Storage, C: T.Storage): void => {
      lstmGatesInto(A, C, acts, batch, width)
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < H; j++) {
          const o = b * width + j
          const k = b * H + j
          out[k] = acts[o + 3 * H]! * acts[n * 4 + k]!
          out[n + k] = acts[o + H]! * C[k]! + acts[o]! * acts[o + 2 * H]!
        }
      }
    })
    const result = new T.Tensor(out, [2, batch, H], a.dtype)
    saved.set(result, acts)
    return result
  },
  backward: (g, [a, c], output) => {
    const [batch, width] = a!.shape as [number, number]
    const H = width / 4
    if (isRecording()) {
      const i = sigmoid(block(a!, 0, H))
      const f = sigmoid(block(a!, 1, H))
      const gg = tanh(block(a!, 2, H))
      const o = sigmoid(block(a!, 3, H))
      const tc = tanh(add(mul(f, c!), mul(i, gg)))
      const gh = reshape(slice(g, [0, 0, 0], [1, batch, H]), [batch, H])
      const gc = reshape(slice(g, [1, 0, 0], [1, batch, H]), [batch, H])
      const dc = add(gc, mul(gh, mul(o, sub(1, square(tc)))))
      const da = concat(
        [
          mul(dc, mul(gg, mul(i, sub(1, i)))),
          mul(dc, mul(c!, mul(f, sub(1, f)))),
          mul(dc, mul(i, sub(1, square(gg)))),
          mul(gh, mul(tc, mul(o, sub(1, o)))),
        ],
        1,
      )
      return [da, mul(dc, f)]
    }
    const kept = saved.get(output.value) ?? lstmGates(a!.value, c!.value)
    // float32 on Wasm when it takes the call: the same float64 arithmetic rounded once, the same bits
    const fast = kept instanceof T.Tensor ? wasmLstmCellGrad(g.value, c!.value, kept) : null
    if (fast !== null) return fast.map((t) => new Var(t))
    const n = batch * H
    const dA = resultStorage(a!.dtype, batch * width)
    const dC = resultStorage(a!.dtype, n)
    const views = [g.value, c!.value, ...(kept instanceof T.Tensor ? [kept] : [])].map(forReplay)
    const run = (): void => {
      const [G, C] = views.map((v) => v.data) as [T.Storage, T.Storage]
      const acts = views[2]?.data ?? (kept as Floats)
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < H; j++) {
          const o = b * width + j
          const k = b * H + j
          const i = acts[o]!
          const f = acts[o + H]!
          const gg = acts[o + 2 * H]!
          const out = acts[o + 3 * H]!
          const tc = acts[4 * n + k]!
          const gh = G[k]!
          const dc = G[n + k]! + gh * out * (1 - tc * tc)
          dA[o] = dc * gg * i * (1 - i)
          dA[o + H] = dc * C[k]! * f * (1 - f)
          dA[o + 2 * H] = dc * i * (1 - gg * gg)
          dA[o + 3 * H] = gh * tc * out * (1 - out)
          dC[k] = dc * f
        }
      }
    }
    kernel([dA, dC], run, true)
    const dtype = a!.dtype
    return [new Var(new T.Tensor(dA, [batch, width], dtype)), new Var(new T.Tensor(dC, [batch, H], dtype))]
  },
})
