/**
 * The fused float32 kernels' module (source: `assembly/rows.ts`, bytes: `./module.generated.ts`): GELU and
 * its gradient, the masked softmax of attention weights and its Jacobian-vector product, and layer/RMS norm
 * rows and their gradient. It has no region of the memory: every operand is used where it lies when it
 * lives in the shared memory (an arena array), and the others are staged for the call (`stage`), so a
 * whole call is one Wasm call.
 * @module
 */
import type { FloatArray } from '../gemm/reference.js'
import { load, loadSync } from '../runtime/load.js'
import { stage, traffic, unstage, type SharedMemory } from '../runtime/memory.js'
import { elementwisePays, rowsPay, wasmState, type RowKernels } from '../registry.js'
import { gatherHook } from './gatherHook.js'
import { rowsWasmHex } from './module.generated.js'

/** The exports of the compiled module; pointers are byte addresses. */
interface RowExports {
  gelu(n: number, x: number, y: number): void
  geluGrad(n: number, g: number, x: number, out: number): void
  softmaxRows(
    first: number,
    rows: number,
    n: number,
    heads: number,
    s: number,
    p: number,
    scale: number,
    causal: number,
    mask: number,
  ): void
  softmaxGradRows(rows: number, n: number, g: number, p: number, ds: number, scale: number): void
  normRows(rows: number, n: number, x: number, y: number, eps: number, center: number): void
  normGradRows(rows: number, n: number, g: number, x: number, dx: number, eps: number, center: number): void
  gruForward(batch: number, hidden: number, p: number, q: number, h: number, acts: number, out: number): void
  gruBackward(
    batch: number,
    hidden: number,
    g: number,
    q: number,
    h: number,
    acts: number,
    dp: number,
    dq: number,
    dh: number,
  ): void
  lstmForward(batch: number, hidden: number, a: number, c: number, acts: number, out: number): void
  lstmBackward(batch: number, hidden: number, g: number, c: number, acts: number, da: number, dc: number): void
  gather(
    n0: number,
    n1: number,
    n2: number,
    n3: number,
    s0: number,
    s1: number,
    s2: number,
    s3: number,
    src: number,
    out: number,
  ): void
}

/**
 * Compiles and instantiates the module synchronously on the shared memory; null when this engine cannot.
 *
 * @example
 * ```ts
 * import { loadWasmRowsSync } from './wasm.js'
 * const [x, y] = [new Float32Array(64).fill(1), new Float32Array(64)]
 * loadWasmRowsSync()?.gelu(x, y) // true
 * y[0] // ≈ 0.8412
 * ```
 */
export function loadWasmRowsSync(): RowKernels | null {
  return loadSync(rowsWasmHex, rowsFrom)
}

/**
 * Compiles and instantiates the module asynchronously; null when this engine cannot.
 *
 * @example
 * ```ts
 * import { loadWasmRows } from './wasm.js'
 * const rows = await loadWasmRows()
 * ```
 */
export async function loadWasmRows(): Promise<RowKernels | null> {
  return load(rowsWasmHex, rowsFrom)
}

/** Bytes of n floats (or bytes) rounded up to 64, so that each staged operand starts on a cache line. */
const padded = (bytes: number): number => Math.ceil(bytes / 64) * 64

function rowsFrom(exports: RowExports, shared: SharedMemory): RowKernels {
  const memory = shared.memory
  const at = [0, 0, 0, 0, 0, 0, 0, 0]

  /**
   * Runs `kernel(at)` with `at[j]` the byte address of operand j: `ins` (read), then `outs` (written),
   * then the bytes of `mask` if given. Operands in the memory are used where they lie; the others are
   * staged for the call (copied in, and the outputs copied back). False when the memory cannot stage them.
   */
  function run(
    ins: readonly FloatArray[],
    outs: readonly FloatArray[],
    mask: Uint8Array | null,
    kernel: (at: readonly number[]) => void,
  ): boolean {
    const arrays = [...ins, ...outs]
    let bytes = mask === null ? 0 : padded(mask.length)
    for (const x of arrays) if (x.buffer !== memory.buffer) bytes += padded(x.length * 4)
    let base = 0
    if (bytes > 0) {
      base = stage(shared, bytes)
      if (base < 0) return false
    }
    // views of the memory after staging, which may have grown it
    const heap = new Float32Array(memory.buffer)
    let next = base
    for (let j = 0; j < arrays.length; j++) {
      const x = arrays[j]!
      if (x.buffer === memory.buffer) at[j] = x.byteOffset
      else {
        at[j] = next
        next += padded(x.length * 4)
        if (j < ins.length) {
          heap.set(x, at[j]! >> 2)
          traffic.bytes += x.length * 4
        }
      }
    }
    if (mask !== null) {
      at[arrays.length] = next
      new Uint8Array(memory.buffer, next, mask.length).set(mask)
    }
    kernel(at)
    for (let j = ins.length; j < arrays.length; j++) {
      const x = arrays[j]!
      if (x.buffer !== memory.buffer) {
        x.set(heap.subarray(at[j]! >> 2, (at[j]! >> 2) + x.length))
        traffic.bytes += x.length * 4
      }
    }
    if (bytes > 0) unstage(shared)
    return true
  }

  /** [batch, 3·hidden] arrays `wide` and [batch, hidden] arrays `narrow`, hidden a multiple of 4, enough to pay. */
  const gruShapes = (wide: readonly FloatArray[], narrow: readonly FloatArray[], hidden: number): boolean => {
    const n = narrow[0]!.length
    return (
      hidden % 4 === 0 &&
      hidden > 0 &&
      n % hidden === 0 &&
      rowsPay(3 * n) &&
      narrow.every((x) => x.length === n) &&
      wide.every((x) => x.length === 3 * n)
    )
  }
  /** a [batch, 4·hidden], c [batch, hidden], acts 5·batch·hidden, pair [2, batch, hidden]; hidden a multiple of 4. */
  const lstmShapes = (a: FloatArray, c: FloatArray, acts: FloatArray, pair: FloatArray, hidden: number): boolean =>
    hidden % 4 === 0 &&
    hidden > 0 &&
    c.length % hidden === 0 &&
    rowsPay(a.length) &&
    a.length === 4 * c.length &&
    acts.length === 5 * c.length &&
    pair.length === 2 * c.length
  const float32 = (arrays: readonly FloatArray[]): boolean => arrays.every((x) => x instanceof Float32Array)
  /** Float32 rows of n floats, as many floats in every array, and enough of them to pay. */
  const takesRows = (arrays: readonly FloatArray[], n: number): boolean =>
    float32(arrays) &&
    rowsPay(arrays[0]!.length) &&
    n >= 1 &&
    arrays[0]!.length % n === 0 &&
    arrays.every((x) => x.length === arrays[0]!.length)

  const kernels: RowKernels = {
    gelu(x, y) {
      if (!float32([x, y]) || x.length !== y.length || !elementwisePays(y.length)) return false
      return run([x], [y], null, (a) => exports.gelu(y.length, a[0]!, a[1]!))
    },
    geluGrad(g, x, out) {
      if (!float32([g, x, out]) || g.length !== out.length || x.length !== out.length) return false
      if (!elementwisePays(out.length)) return false
      return run([g, x], [out], null, (a) => exports.geluGrad(out.length, a[0]!, a[1]!, a[2]!))
    },
    softmaxRows(s, p, heads, n, scale, causal, mask) {
      if (!takesRows([s, p], n)) return false
      return run([s], [p], mask, (a) =>
        exports.softmaxRows(0, p.length / n, n, heads, a[0]!, a[1]!, scale, causal ? 1 : 0, mask === null ? 0 : a[2]!),
      )
    },
    softmaxGradRows(g, p, ds, n, scale) {
      if (!takesRows([g, p, ds], n)) return false
      return run([g, p], [ds], null, (a) => exports.softmaxGradRows(ds.length / n, n, a[0]!, a[1]!, a[2]!, scale))
    },
    normRows(x, y, n, eps, center) {
      if (!takesRows([x, y], n)) return false
      return run([x], [y], null, (a) => exports.normRows(y.length / n, n, a[0]!, a[1]!, eps, center ? 1 : 0))
    },
    normGradRows(g, x, dx, n, eps, center) {
      if (!takesRows([g, x, dx], n)) return false
      return run([g, x], [dx], null, (a) =>
        exports.normGradRows(dx.length / n, n, a[0]!, a[1]!, a[2]!, eps, center ? 1 : 0),
      )
    },
    gruForward(p, q, h, acts, out, hidden) {
      if (!float32([p, q, h, acts, out]) || !gruShapes([p, q, acts], [h, out], hidden)) return false
      const batch = h.length / hidden
      return run([p, q, h], [acts, out], null, (a) =>
        exports.gruForward(batch, hidden, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!),
      )
    },
    gruBackward(g, q, h, acts, dp, dq, dh, hidden) {
      if (!float32([g, q, h, acts, dp, dq, dh]) || !gruShapes([q, acts, dp, dq], [g, h, dh], hidden)) return false
      const batch = h.length / hidden
      return run([g, q, h, acts], [dp, dq, dh], null, (a) =>
        exports.gruBackward(batch, hidden, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!),
      )
    },
    lstmForward(a, c, acts, out, hidden) {
      if (!float32([a, c, acts, out]) || !lstmShapes(a, c, acts, out, hidden)) return false
      const batch = c.length / hidden
      return run([a, c], [acts, out], null, (at) => exports.lstmForward(batch, hidden, at[0]!, at[1]!, at[2]!, at[3]!))
    },
    gather(src, offset, shape, strides, out) {
      // in place only: a staged copy of the source would cost what the gather saves
      if (!float32([src, out]) || src.buffer !== memory.buffer || out.buffer !== memory.buffer) return false
      const rank = shape.length
      if (rank === 0 || rank > 4 || !rowsPay(out.length)) return false
      const n = [1, 1, 1, 1]
      const st = [0, 0, 0, 0]
      for (let d = 0; d < rank; d++) {
        n[4 - rank + d] = shape[d]!
        st[4 - rank + d] = strides[d]!
      }
      const from = src.byteOffset + offset * 4
      exports.gather(n[0]!, n[1]!, n[2]!, n[3]!, st[0]!, st[1]!, st[2]!, st[3]!, from, out.byteOffset)
      return true
    },
    lstmBackward(g, c, acts, da, dc, hidden) {
      if (!float32([g, c, acts, da, dc]) || !lstmShapes(da, c, acts, g, hidden) || dc.length !== c.length) return false
      const batch = c.length / hidden
      return run([g, c, acts], [da, dc], null, (at) =>
        exports.lstmBackward(batch, hidden, at[0]!, at[1]!, at[2]!, at[3]!, at[4]!),
      )
    },
  }
  gatherHook.kernel = (src, offset, shape, strides, out) =>
    wasmState.allowed && kernels.gather(src, offset, shape, strides, out)
  return kernels
}
