/**
 * The fused float32 kernels other @gd packages call through `@gd/tensor/internal`: GELU and its
 * gradient (autograd's `gelu`), the masked softmax of attention weights and its Jacobian-vector product,
 * and the row normalization of layer and RMS norm and its gradient (@gd/nn). Each checks its arguments,
 * then returns the result tensor when the Wasm kernel takes the call (float32, Wasm allowed and in use,
 * the call big enough: see the registry), or null, and the caller runs its JavaScript loop (float64,
 * small calls, engines without Wasm SIMD). Their module (`./wasm.ts`) loads with the first call that can
 * use it, so a bundle without these ops carries none of its bytes.
 * @module
 */
import { fail } from '@gd/check'
import { Tensor } from '../../tensor.js'
import { kernelReading } from '../../internal/kernelReading.js'
import { allocateUnfilled } from '../runtime/owner.js'
import type { FloatArray } from '../gemm/reference.js'
import { elementwiseKernels, rowsState, wasmState, type RowKernels } from '../registry.js'
import { loadWasmRowsSync } from './wasm.js'

/**
 * The fused kernels when Wasm is allowed and in use (the elementwise module has loaded: the first large
 * float32 product or `initWasm()` loads it), loading their module with the first call that asks; null
 * otherwise, so a program that never turned the Wasm kernels on never compiles this module either.
 */
function rowKernels(): RowKernels | null {
  if (!wasmState.allowed || elementwiseKernels() === null) return null
  if (rowsState.kernels === undefined) rowsState.kernels = loadWasmRowsSync()
  return rowsState.kernels
}

const tensorArg = (fn: string, what: string, x: unknown): Tensor => {
  if (!(x instanceof Tensor)) fail(fn, what, 'a Tensor', x)
  return x
}

const sameShape = (fn: string, what: string, a: Tensor, b: Tensor): void => {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i]))
    fail(fn, what, `a tensor of shape [${a.shape.join(',')}]`, b)
}

const rowLength = (fn: string, x: Tensor, n: unknown): number => {
  if (!(Number.isSafeInteger(n) && (n as number) >= 1 && x.size % (n as number) === 0))
    fail(fn, 'n', `a positive integer dividing the ${x.size} elements of x`, n)
  return n as number
}

const finiteNumber = (fn: string, what: string, v: unknown, nonNegative = false): number => {
  if (!(typeof v === 'number' && Number.isFinite(v) && (!nonNegative || v >= 0)))
    fail(fn, what, nonNegative ? 'a finite number ≥ 0' : 'a finite number', v)
  return v
}

const flag = (fn: string, what: string, v: unknown): boolean => {
  if (typeof v !== 'boolean') fail(fn, what, 'a boolean', v)
  return v
}

const float32 = (...ts: Tensor[]): boolean => ts.every((t) => t.dtype === 'float32')

/**
 * GELU (tanh form) of a float32 tensor on Wasm: y = ½x(1 + tanh(c(x + a·x³))), c = √(2/π),
 * a = 0.044715, computed as x·σ(2c(x + a·x³)), which has no cancellation for negative x. Null when the
 * kernel does not take the call (not float32, fewer than `ELEMENTWISE_MIN` elements, Wasm off or not loaded).
 * Within 3 float32 ulps of a float64 reference for x ≥ −10 (checked on every float32 in [−10, 12]; u and
 * the reduction of e^{2u} to 2ⁿ·2^r are float64); below, where the result is under 3e-36, it is flushed to ±0.
 *
 * @example
 * ```ts
 * import { initWasm, tensor } from '@gd/tensor'
 * import { wasmGelu } from '@gd/tensor/internal'
 * await initWasm()
 * wasmGelu(tensor(Array.from({ length: 64 }, () => 1)))?.data[0] // ≈ 0.8412
 * ```
 */
export function wasmGelu(x: Tensor): Tensor | null {
  const fn = 'wasmGelu'
  tensorArg(fn, 'x', x)
  const k = float32(x) ? rowKernels() : null
  if (k === null) return null
  const y = allocateUnfilled(x.size) // the kernel writes every element
  return kernelReading<FloatArray>(y, [x], (xs) => k.gelu(xs!, y)) ? new Tensor(y, x.shape, 'float32') : null
}

/**
 * g·gelu′(x) for float32 g and x of one shape on Wasm, gelu′(x) = σ(2u) + 2x·σ(2u)(1 − σ(2u))·c(1 + 3a·x²),
 * u = c(x + a·x³) (the derivative of {@link wasmGelu}); null when the kernel does not take the call.
 * Within 9 float32 ulps of a float64 reference (checked on every float32 in [−10, 12]), except around
 * x = −0.75 where gelu′ crosses 0 (its two terms cancel; absolute error under 9e-8·|g| there) and below
 * x = −10 (under 3e-36, as {@link wasmGelu}).
 *
 * @example
 * ```ts
 * import { initWasm, ones, zeros } from '@gd/tensor'
 * import { wasmGeluGrad } from '@gd/tensor/internal'
 * await initWasm()
 * wasmGeluGrad(ones([64]), zeros([64]))?.data[0] // 0.5
 * ```
 */
export function wasmGeluGrad(g: Tensor, x: Tensor): Tensor | null {
  const fn = 'wasmGeluGrad'
  tensorArg(fn, 'g', g)
  tensorArg(fn, 'x', x)
  sameShape(fn, 'x', g, x)
  const k = float32(g, x) ? rowKernels() : null
  if (k === null) return null
  const dx = allocateUnfilled(x.size)
  return kernelReading<FloatArray>(dx, [g, x], (gs, xs) => k.geluGrad(gs!, xs!, dx))
    ? new Tensor(dx, x.shape, 'float32')
    : null
}

/**
 * Attention weights on Wasm: P = softmax(scale·s) over the last axis of float32 scores s [batch, heads, time,
 * time], key j of query i taking part when j ≤ i (if `causal`) and mask[b·time + j] is 1 (if `mask`, bytes
 * [batch, time], is given). Excluded keys get exactly 0, a row with no allowed key is all 0, a NaN among the
 * allowed scores (or all of them −∞) gives NaN. Null when the kernel does not take the call. The exponentials
 * are float32 (2ⁿ·2^r, the exponent and its reduction in float64, 2^r by a polynomial within 1.9e-8), so P is
 * within 4 float32 ulps of a float64 reference; weights under the smallest normal float32 (1.2e-38) are 0
 * (see `fused.test.ts`).
 *
 * @example
 * ```ts
 * import { initWasm, zeros } from '@gd/tensor'
 * import { wasmSoftmaxRows } from '@gd/tensor/internal'
 * await initWasm()
 * wasmSoftmaxRows(zeros([1, 1, 16, 16]), 1, true, null)?.data[16] // 0.5: query 1 sees keys 0 and 1
 * ```
 */
export function wasmSoftmaxRows(s: Tensor, scale: number, causal: boolean, mask: Uint8Array | null): Tensor | null {
  const fn = 'wasmSoftmaxRows'
  tensorArg(fn, 's', s)
  if (s.rank !== 4 || s.shape[2] !== s.shape[3]) fail(fn, 's', 'a tensor of shape [batch, heads, time, time]', s)
  finiteNumber(fn, 'scale', scale)
  flag(fn, 'causal', causal)
  const [batch, heads, time] = s.shape as [number, number, number, number]
  if (mask !== null && !(mask instanceof Uint8Array && mask.length === batch * time))
    fail(fn, 'mask', `null or a Uint8Array of ${batch * time} bytes`, mask)
  const k = float32(s) ? rowKernels() : null
  if (k === null) return null
  const p = allocateUnfilled(s.size) // every row's every weight, masked ones as 0
  return kernelReading<FloatArray>(p, [s], (ss) => k.softmaxRows(ss!, p, heads, time, scale, causal, mask))
    ? new Tensor(p, s.shape, 'float32')
    : null
}

/**
 * The Jacobian-vector product of {@link wasmSoftmaxRows} on Wasm: ds = scale·P⊙(g − ⟨g, P⟩) over the
 * last axis, for float32 g and P of one shape; null when the kernel does not take the call. Float64
 * arithmetic rounded once, as the JavaScript loop (the dot product's order differs).
 *
 * @example
 * ```ts
 * import { initWasm, full, ones } from '@gd/tensor'
 * import { wasmSoftmaxRowsGrad } from '@gd/tensor/internal'
 * await initWasm()
 * wasmSoftmaxRowsGrad(ones([16, 16]), full([16, 16], 1 / 16), 1)?.data[0] // 0: a constant g changes nothing
 * ```
 */
export function wasmSoftmaxRowsGrad(g: Tensor, p: Tensor, scale: number): Tensor | null {
  const fn = 'wasmSoftmaxRowsGrad'
  tensorArg(fn, 'g', g)
  tensorArg(fn, 'p', p)
  sameShape(fn, 'p', g, p)
  if (p.rank === 0) fail(fn, 'p', 'a tensor of rank ≥ 1', p)
  finiteNumber(fn, 'scale', scale)
  const k = float32(g, p) && p.size > 0 ? rowKernels() : null
  if (k === null) return null
  const ds = allocateUnfilled(p.size)
  const n = p.shape[p.rank - 1]!
  return kernelReading<FloatArray>(ds, [g, p], (gs, ps) => k.softmaxGradRows(gs!, ps!, ds, n, scale))
    ? new Tensor(ds, p.shape, 'float32')
    : null
}

/**
 * Row normalization on Wasm (layer norm with `center`, RMS norm without): over rows of `n` elements,
 * x̂ = (x − μ)·r with r = 1/√(mean((x − μ)²) + eps), μ the row mean if `center` else 0; null when the
 * kernel does not take the call. Float64 arithmetic rounded once, as the JavaScript loop.
 *
 * @example
 * ```ts
 * import { arange, initWasm } from '@gd/tensor'
 * import { wasmNormRows } from '@gd/tensor/internal'
 * await initWasm()
 * wasmNormRows(arange(0, 256), 2, 0, true)?.data[0] // -1
 * ```
 */
export function wasmNormRows(x: Tensor, n: number, eps: number, center: boolean): Tensor | null {
  const fn = 'wasmNormRows'
  tensorArg(fn, 'x', x)
  rowLength(fn, x, n)
  finiteNumber(fn, 'eps', eps, true)
  flag(fn, 'center', center)
  const k = float32(x) ? rowKernels() : null
  if (k === null) return null
  const y = allocateUnfilled(x.size)
  return kernelReading<FloatArray>(y, [x], (xs) => k.normRows(xs!, y, n, eps, center))
    ? new Tensor(y, x.shape, 'float32')
    : null
}

/**
 * The gradient of {@link wasmNormRows} on Wasm: dx = r·(g − [center]·mean(g) − x̂·mean(g·x̂)) row by row,
 * for float32 g and x of one shape; null when the kernel does not take the call. Float64 arithmetic
 * rounded once, as the JavaScript loop.
 *
 * @example
 * ```ts
 * import { arange, initWasm, ones } from '@gd/tensor'
 * import { wasmNormRowsGrad } from '@gd/tensor/internal'
 * await initWasm()
 * wasmNormRowsGrad(ones([256]), arange(0, 256), 2, 0, true)?.data[0] // 0: shifting a row changes no x̂
 * ```
 */
export function wasmNormRowsGrad(g: Tensor, x: Tensor, n: number, eps: number, center: boolean): Tensor | null {
  const fn = 'wasmNormRowsGrad'
  tensorArg(fn, 'g', g)
  tensorArg(fn, 'x', x)
  sameShape(fn, 'x', g, x)
  rowLength(fn, x, n)
  finiteNumber(fn, 'eps', eps, true)
  flag(fn, 'center', center)
  const k = float32(g, x) ? rowKernels() : null
  if (k === null) return null
  const dx = allocateUnfilled(x.size)
  return kernelReading<FloatArray>(dx, [g, x], (gs, xs) => k.normGradRows(gs!, xs!, dx, n, eps, center))
    ? new Tensor(dx, x.shape, 'float32')
    : null
}

/** h [batch, hidden] and each of `wide` [batch, 3·hidden] (the GRU cell's operands), or a clear error. */
function gruOperands(fn: string, h: Tensor, wide: Record<string, Tensor>): [number, number] {
  if (h.rank !== 2) fail(fn, 'h', 'a tensor of shape [batch, hidden]', h)
  const [batch, hidden] = h.shape as [number, number]
  for (const [name, t] of Object.entries(wide))
    if (t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== 3 * hidden)
      fail(fn, name, `a tensor of shape [${batch},${3 * hidden}]`, t)
  return [batch, hidden]
}

/**
 * One GRU step's elementwise part on Wasm, from p = x·wx + bx and q = h·wh + bh (float32 [batch, 3·hidden],
 * blocks r, z, n) and h [batch, hidden]: r = σ(p_r + q_r), z = σ(p_z + q_z), n = tanh(p_n + r ⊙ q_n),
 * h' = n + z ⊙ (h − n). Returns h' and the gate activations [r, z, n] (a float32 tensor laid out as p,
 * for {@link wasmGruCellGrad}; inside a transform both are born in the kernels' memory, where the kernel
 * writes them), or null when the kernel does not take the call (not float32, hidden not a
 * multiple of 4, under `ROWS_MIN` floats of p). σ and tanh take a float32 2^r with the exponent in float64:
 * of their float32 argument, σ is within 3 ulps and tanh within 2 of float64; so r and z are within 4 + |a|
 * float32 ulps of a float64 reference (a their argument, rounded to float32 once), n and h′ within 4 ulps of
 * the largest term of their sums (n's argument adds r·q_n with r in float32; see `fused.test.ts`).
 *
 * @example
 * ```ts
 * import { initWasm, zeros } from '@gd/tensor'
 * import { wasmGruCell } from '@gd/tensor/internal'
 * await initWasm()
 * wasmGruCell(zeros([4, 96]), zeros([4, 96]), zeros([4, 32]))?.[1].data[0] // 0.5: r = σ(0)
 * ```
 */
export function wasmGruCell(p: Tensor, q: Tensor, h: Tensor): [Tensor, Tensor] | null {
  const fn = 'wasmGruCell'
  tensorArg(fn, 'p', p)
  tensorArg(fn, 'q', q)
  tensorArg(fn, 'h', h)
  const [batch, hidden] = gruOperands(fn, h, { p, q })
  const k = float32(p, q, h) ? rowKernels() : null
  if (k === null) return null
  // the kernel writes every element of both (hidden a multiple of 4): no zero-fill
  const acts = allocateUnfilled(p.size)
  const out = allocateUnfilled(h.size)
  const taken = kernelReading<FloatArray>([acts, out], [p, q, h], (ps, qs, hs) =>
    k.gruForward(ps!, qs!, hs!, acts, out, hidden),
  )
  return taken ? [new Tensor(out, [batch, hidden], 'float32'), new Tensor(acts, [batch, 3 * hidden], 'float32')] : null
}

/**
 * The first-order backward rule of {@link wasmGruCell} on Wasm, from its gate activations `acts` (a float32
 * tensor of q's shape) and the cotangent g of h' [batch, hidden]: dn = g(1 − z)(1 − n²),
 * dr = dn·q_n·r(1 − r), dz = g(h − n)·z(1 − z); returns [dp = [dr, dz, dn], dq = [dr, dz, dn·r], dh = g·z],
 * in float64 rounded once as the JavaScript loop (the same bits for the same acts), or null when the kernel
 * does not take the call.
 *
 * @example
 * ```ts
 * import { initWasm, ones, zeros } from '@gd/tensor'
 * import { wasmGruCell, wasmGruCellGrad } from '@gd/tensor/internal'
 * await initWasm()
 * const [, acts] = wasmGruCell(zeros([4, 96]), zeros([4, 96]), zeros([4, 32]))!
 * wasmGruCellGrad(ones([4, 32]), zeros([4, 96]), zeros([4, 32]), acts)?.[2].data[0] // 0.5: dh = g·z
 * ```
 */
export function wasmGruCellGrad(g: Tensor, q: Tensor, h: Tensor, acts: Tensor): [Tensor, Tensor, Tensor] | null {
  const fn = 'wasmGruCellGrad'
  tensorArg(fn, 'g', g)
  tensorArg(fn, 'q', q)
  tensorArg(fn, 'h', h)
  tensorArg(fn, 'acts', acts)
  const [batch, hidden] = gruOperands(fn, h, { q })
  sameShape(fn, 'g', h, g)
  sameShape(fn, 'acts', q, acts)
  const k = float32(g, q, h, acts) ? rowKernels() : null
  if (k === null) return null
  const dp = allocateUnfilled(q.size)
  const dq = allocateUnfilled(q.size)
  const dh = allocateUnfilled(h.size)
  const taken = kernelReading<FloatArray>([dp, dq, dh], [g, q, h, acts], (G, Q, H, A) =>
    k.gruBackward(G!, Q!, H!, A!, dp, dq, dh, hidden),
  )
  if (!taken) return null
  const wide = [batch, 3 * hidden]
  return [new Tensor(dp, wide, 'float32'), new Tensor(dq, wide, 'float32'), new Tensor(dh, [batch, hidden], 'float32')]
}

/**
 * One LSTM step's elementwise part on Wasm, from the pre-activations a (float32 [batch, 4·hidden], blocks
 * i, f, g, o) and c [batch, hidden]: i, f, o = σ(a_i), σ(a_f), σ(a_o), g = tanh(a_g), c′ = f·c + i·g,
 * h′ = o·tanh(c′). Returns [h′, c′] stacked ([2, batch, hidden]) and the activations (i, f, g, o as a's
 * blocks, then tanh(c′): a float32 tensor of 5·batch·hidden elements for {@link wasmLstmCellGrad}; inside
 * a transform both are born in the kernels' memory, where the kernel writes them), or null when the kernel
 * does not take the call. The gates are within 4 + |a| float32 ulps of a float64 reference, c′ and tanh(c′) within 4
 * ulps of the largest term of f·c + i·g (see `fused.test.ts`).
 *
 * @example
 * ```ts
 * import { initWasm, zeros } from '@gd/tensor'
 * import { wasmLstmCell } from '@gd/tensor/internal'
 * await initWasm()
 * wasmLstmCell(zeros([4, 128]), zeros([4, 32]))?.[1].data[0] // 0.5: i = σ(0)
 * ```
 */
export function wasmLstmCell(a: Tensor, c: Tensor): [Tensor, Tensor] | null {
  const fn = 'wasmLstmCell'
  tensorArg(fn, 'a', a)
  tensorArg(fn, 'c', c)
  if (c.rank !== 2) fail(fn, 'c', 'a tensor of shape [batch, hidden]', c)
  const [batch, hidden] = c.shape as [number, number]
  if (a.rank !== 2 || a.shape[0] !== batch || a.shape[1] !== 4 * hidden)
    fail(fn, 'a', `a tensor of shape [${batch},${4 * hidden}]`, a)
  const k = float32(a, c) ? rowKernels() : null
  if (k === null) return null
  const acts = allocateUnfilled(5 * c.size)
  const out = allocateUnfilled(2 * c.size)
  return kernelReading<FloatArray>([acts, out], [a, c], (A, C) => k.lstmForward(A!, C!, acts, out, hidden))
    ? [new Tensor(out, [2, batch, hidden], 'float32'), new Tensor(acts, [5 * c.size], 'float32')]
    : null
}

/**
 * The first-order backward rule of {@link wasmLstmCell} on Wasm, from its activations (a float32 tensor of
 * 5·batch·hidden elements) and the cotangent g of [h′, c′] ([2, batch, hidden]): dc = g_c + g_h·o(1 − tanh²c′),
 * da = [dc·g·i(1 − i), dc·c·f(1 − f), dc·i(1 − g²), g_h·tanh(c′)·o(1 − o)], and dc·f for c; float64 rounded
 * once as the JavaScript loop (the same bits for the same activations), or null when the kernel does not take
 * the call.
 *
 * @example
 * ```ts
 * import { initWasm, ones, zeros } from '@gd/tensor'
 * import { wasmLstmCell, wasmLstmCellGrad } from '@gd/tensor/internal'
 * await initWasm()
 * const [, acts] = wasmLstmCell(zeros([4, 128]), zeros([4, 32]))!
 * wasmLstmCellGrad(ones([2, 4, 32]), zeros([4, 32]), acts)?.[1].data[0] // 0.75: dc·f, dc = 1 + 1·0.5·(1 − 0²)
 * ```
 */
export function wasmLstmCellGrad(g: Tensor, c: Tensor, acts: Tensor): [Tensor, Tensor] | null {
  const fn = 'wasmLstmCellGrad'
  tensorArg(fn, 'g', g)
  tensorArg(fn, 'c', c)
  tensorArg(fn, 'acts', acts)
  if (c.rank !== 2) fail(fn, 'c', 'a tensor of shape [batch, hidden]', c)
  const [batch, hidden] = c.shape as [number, number]
  if (g.rank !== 3 || g.shape[0] !== 2 || g.shape[1] !== batch || g.shape[2] !== hidden)
    fail(fn, 'g', `a tensor of shape [2,${batch},${hidden}]`, g)
  if (acts.rank !== 1 || acts.size !== 5 * c.size) fail(fn, 'acts', `a tensor of shape [${5 * c.size}]`, acts)
  const k = float32(g, c, acts) ? rowKernels() : null
  if (k === null) return null
  const da = allocateUnfilled(4 * c.size)
  const dc = allocateUnfilled(c.size)
  return kernelReading<FloatArray>([da, dc], [g, c, acts], (gs, cs, A) => k.lstmBackward(gs!, cs!, A!, da, dc, hidden))
    ? [new Tensor(da, [batch, 4 * hidden], 'float32'), new Tensor(dc, [batch, hidden], 'float32')]
    : null
}
