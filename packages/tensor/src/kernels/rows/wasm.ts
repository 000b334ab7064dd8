/**
 * Feeds the fused row kernels of the elementwise module (source: `assembly/elementwise.ts`:
 * `softmaxRows`, `softmaxGradRows`, `normRows`, `normGradRows`): whole rows at a time, through the
 * elementwise module's three slots, or in place when every operand already lives in the shared memory
 * (an arena array). The loader of the elementwise module (`../elementwise/wasm.ts`) builds them with
 * its own kernels, so they load, and are allowed, together.
 * @module
 */
import type { FloatArray } from '../gemm/reference.js'
import { traffic, type SharedMemory } from '../runtime/memory.js'
import { rowsPay, type RowKernels } from '../registry.js'

/** The row exports of the elementwise module; pointers are byte addresses. */
export interface RowExports {
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
  binaryRows(op: number, rows: number, n: number, a: number, b: number, out: number, swap: number): void
}

/**
 * The row kernels over the module's exports and slots (`ptr`: byte addresses of three slots of
 * `chunk` floats each).
 *
 * @example
 * ```ts
 * // fragment: inside the elementwise loader (see elementwiseFrom in ../elementwise/wasm.ts)
 * const rows = rowsFrom(exports, shared, slots.ptr, CHUNK)
 * ```
 */
export function rowsFrom(exports: RowExports, shared: SharedMemory, ptr: readonly number[], chunk: number): RowKernels {
  const memory = shared.memory
  let heap = new Float32Array(memory.buffer)
  const at = [0, 0, 0]

  /**
   * Runs `kernel(first, count, at)` over `rows` rows of `n` floats: `ins` read (slots 0, 1) and `out`
   * written (the slot after the inputs), in place when all of them live in the memory, else `per`
   * rows at a time through the slots (each in place if it lives in the memory). False when a row
   * does not fit in a slot.
   */
  function run(
    ins: readonly FloatArray[],
    out: FloatArray,
    rows: number,
    n: number,
    per: number,
    kernel: (first: number, count: number, at: readonly number[]) => void,
  ): boolean {
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer)
    const arrays = [...ins, out]
    const inside = arrays.map((x) => x.buffer === memory.buffer)
    if (inside.every(Boolean)) {
      for (let j = 0; j < arrays.length; j++) at[j] = arrays[j]!.byteOffset
      kernel(0, rows, at)
      return true
    }
    const last = arrays.length - 1
    for (let first = 0; first < rows; first += per) {
      const count = Math.min(per, rows - first)
      const from = first * n
      const to = from + count * n
      for (let j = 0; j < arrays.length; j++) {
        const x = arrays[j]!
        if (inside[j]) at[j] = x.byteOffset + from * 4
        else {
          at[j] = ptr[j]!
          if (j < last) {
            heap.set(x.subarray(from, to), ptr[j]! >> 2)
            traffic.bytes += (to - from) * 4
          }
        }
      }
      kernel(first, count, at)
      if (!inside[last]) {
        out.set(heap.subarray(ptr[last]! >> 2, (ptr[last]! >> 2) + (to - from)), from)
        traffic.bytes += (to - from) * 4
      }
    }
    return true
  }

  /** Whether the call is float32 throughout, pays, and a row fits in a slot. */
  const takes = (arrays: readonly FloatArray[], n: number): boolean =>
    arrays.every((x) => x instanceof Float32Array) && rowsPay(arrays[0]!.length) && n >= 1 && n <= chunk

  return {
    softmaxRows(s, p, heads, n, scale, causal, mask) {
      if (!takes([s, p], n) || (mask !== null && mask.length > chunk * 4)) return false
      const rows = s.length / n
      return run([s], p, rows, n, Math.floor(chunk / n), (first, count, a) => {
        // the mask's bytes go into the third slot (after each call's copies: nothing else writes there)
        let m = 0
        if (mask !== null) {
          new Uint8Array(memory.buffer, ptr[2]!, mask.length).set(mask)
          m = ptr[2]!
        }
        exports.softmaxRows(first, count, n, heads, a[0]!, a[1]!, scale, causal ? 1 : 0, m)
      })
    },
    softmaxGradRows(g, p, ds, n, scale) {
      if (!takes([g, p, ds], n)) return false
      return run([g, p], ds, ds.length / n, n, Math.floor(chunk / n), (_first, count, a) =>
        exports.softmaxGradRows(count, n, a[0]!, a[1]!, a[2]!, scale),
      )
    },
    binaryRows(op, full, row, out, swap) {
      const n = row.length
      if (!takes([full, row, out], n) || full.length !== out.length || full.length % n !== 0) return false
      return run([full], out, out.length / n, n, Math.floor(chunk / n), (_first, count, a) => {
        // the row is read where it lies if it lives in the memory, else from the third slot
        let b = row.byteOffset
        if (row.buffer !== memory.buffer) {
          new Float32Array(memory.buffer, ptr[2]!, n).set(row)
          traffic.bytes += n * 4
          b = ptr[2]!
        }
        exports.binaryRows(op, count, n, a[0]!, b, a[1]!, swap ? 1 : 0)
      })
    },
    normRows(x, y, n, eps, center) {
      if (!takes([x, y], n)) return false
      return run([x], y, y.length / n, n, Math.floor(chunk / n), (_first, count, a) =>
        exports.normRows(count, n, a[0]!, a[1]!, eps, center ? 1 : 0),
      )
    },
    normGradRows(g, x, dx, n, eps, center) {
      if (!takes([g, x, dx], n)) return false
      return run([g, x], dx, dx.length / n, n, Math.floor(chunk / n), (_first, count, a) =>
        exports.normGradRows(count, n, a[0]!, a[1]!, a[2]!, eps, center ? 1 : 0),
      )
    },
  }
}
