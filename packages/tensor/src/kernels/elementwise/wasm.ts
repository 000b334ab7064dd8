/**
 * Float32 elementwise ops on WebAssembly SIMD128 (source: `assembly/elementwise.ts`, bytes:
 * `./module.generated.ts`, op codes: `./ops.generated.ts`), streamed through two or three slots of {@link CHUNK} elements (see
 * `slotsIn`). neg, square, sqrt, relu, add, sub, mul and div give exactly the JavaScript loops'
 * results; exp, tanh and sigmoid are within 2 float32 ulps of them and log within 3, and exp and
 * sigmoid results below the smallest normal float32 (1.18e-38, subnormals) equal theirs bit for bit
 * (those lanes are recomputed in float64). The bounds are the largest errors over every float32 (NaN,
 * infinities and zeros as the loops give them); `wasm.test.ts` checks them on every float32 of the
 * ranges where they peak, on random inputs and on the special values.
 * The reductions (`reduceRows`, `sumColumns`) and the row-broadcast binary ops (`binaryRows`) run on this module too.
 * @module
 */
import { elementwiseWasmHex } from './module.generated.js'
import { load, loadSync, slotsIn } from '../runtime/load.js'
import { traffic, type SharedMemory } from '../runtime/memory.js'
import {
  columnsPay,
  elementwisePays,
  reducePays,
  rowsPay,
  type BroadcastKernels,
  type ChainKernel,
  type ElementwiseKernels,
} from '../registry.js'
import { REDUCE } from './ops.generated.js'
import { deferBinary, deferUnary } from '../../internal/deferred.js'
import { deferHook } from '../../internal/deferHook.js'

/** The exports of the compiled module; pointers are byte addresses. */
interface ElementwiseExports {
  binaryRows(op: number, rows: number, n: number, a: number, b: number, out: number, swap: number): void
  slots(): number
  unary(op: number, n: number, x: number, y: number): void
  binary(op: number, n: number, a: number, b: number, scalar: number, out: number): void
  reduce(op: number, n: number, x: number): number
  sumColumns(rows: number, count: number, x: number, acc: number): void
  threefryBits(n: number, k0: number, k1: number, start: number, hi: number, lo: number): void
}

/** Elements per chunk: three 64 KiB slots stay in L2. */
export const CHUNK = 16384

/**
 * Compiles and instantiates the module synchronously; null when this engine cannot run it.
 *
 * @example
 * ```ts
 * import { loadWasmElementwiseSync } from './wasm.js'
 * const [x, y] = [new Float32Array(4096).fill(1), new Float32Array(4096)]
 * loadWasmElementwiseSync()?.unary(3, x, y) // true: 3 is exp (see UNARY), and the arrays are long
 * y[0] // 2.71828
 * ```
 */
export function loadWasmElementwiseSync(): (ElementwiseKernels & BroadcastKernels & ChainKernel) | null {
  return loadSync(elementwiseWasmHex, elementwiseFrom)
}

/**
 * Compiles and instantiates the module asynchronously; null when this engine cannot run it.
 *
 * @example
 * ```ts
 * import { loadWasmElementwise } from './wasm.js'
 * const elementwise = await loadWasmElementwise()
 * ```
 */
export async function loadWasmElementwise(): Promise<(ElementwiseKernels & BroadcastKernels & ChainKernel) | null> {
  return load(elementwiseWasmHex, elementwiseFrom)
}

/**
 * Whether two arrays share bytes: the unary kernels may read x again after writing y (exp, sigmoid and
 * log recompute their out-of-range lanes), so they take no call that writes over its input.
 */
function overlap(x: Float32Array, y: Float32Array): boolean {
  return (
    x.buffer === y.buffer && x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength
  )
}

function elementwiseFrom(
  exports: ElementwiseExports,
  shared: SharedMemory,
): (ElementwiseKernels & BroadcastKernels & ChainKernel) | null {
  const memory = shared.memory
  const slots = slotsIn(memory, exports.slots(), 3, CHUNK)
  if (slots === null) return null
  // the deferred chains run on this module: the elementwise ops find them from now on
  deferHook.unary = deferUnary
  deferHook.binary = deferBinary
  const { ptr, stream } = slots
  let heap = new Float32Array(memory.buffer)
  let words = new Uint32Array(memory.buffer)
  // Slots 1 and 2 together hold CHUNK float64 column sums.
  let acc = new Float64Array(memory.buffer, ptr[1]!, CHUNK)
  const data = ptr[0]! >> 2
  /** Views of the memory, taken again after it grew (staging before the arena reserves, or the reserve). */
  const fresh = (): void => {
    if (heap.buffer !== memory.buffer) {
      heap = new Float32Array(memory.buffer)
      words = new Uint32Array(memory.buffer)
      acc = new Float64Array(memory.buffer, ptr[1]!, CHUNK)
    }
  }
  return {
    unary: (op, x, y) =>
      x instanceof Float32Array &&
      y instanceof Float32Array &&
      x.length === y.length &&
      elementwisePays(y.length) &&
      !overlap(x, y) &&
      stream([x, y], 0b01, 0b10, (len, at) => exports.unary(op, len, at[0]!, at[1]!)),
    binary: (op, out, A, oa, sa, B, ob, sb, n) => {
      if (!(out instanceof Float32Array && A instanceof Float32Array && B instanceof Float32Array)) return false
      if (!elementwisePays(n) || (sa === 0 && sb === 0)) return false
      // (whole arrays as they are: a subarray per operand is an object per op)
      const a = sa === 0 ? null : oa === 0 && A.length === n ? A : A.subarray(oa, oa + n)
      const b = sb === 0 ? null : ob === 0 && B.length === n ? B : B.subarray(ob, ob + n)
      const scalar = sa === 0 ? A[oa]! : sb === 0 ? B[ob]! : 0
      return stream([out.length === n ? out : out.subarray(0, n), a, b], 0b110, 0b001, (len, at) =>
        exports.binary(op, len, a === null ? 0 : at[1]!, b === null ? 0 : at[2]!, scalar, at[0]!),
      )
    },
    chain(x, steps, out) {
      fresh()
      const n = out.length
      // slot 1 takes the operands; the running value goes back and forth between slots 0 and 2
      const other = ptr[1]!
      for (let i = 0; i < n; i += CHUNK) {
        const len = Math.min(CHUNK, n - i)
        let at = ptr[0]!
        let to = ptr[2]!
        heap.set(x.subarray(i, i + len), at >> 2)
        let copied = 2 * len
        for (let k = 0; k < steps.length; k++) {
          const s = steps[k]!
          if (!s.binary) exports.unary(s.code, len, at, to)
          else {
            let b = 0
            if (s.operand !== null) {
              heap.set(s.operand.subarray(i, i + len), other >> 2)
              copied += len
              b = other
            }
            if (s.right) exports.binary(s.code, len, b, at, s.scalar, to)
            else exports.binary(s.code, len, at, b, s.scalar, to)
          }
          const t = at
          at = to
          to = t
        }
        out.set(heap.subarray(at >> 2, (at >> 2) + len), i)
        traffic.bytes += copied * 4
      }
    },
    randomBits(k0, k1, hi, lo) {
      const n = hi.length
      if (!elementwisePays(n) || lo.length !== n || n > 0xffffffff) return false
      fresh()
      // CHUNK counters at a time, their words in slots 0 and 1 (a multiple of 4 words: the kernel's whole vectors fit)
      const [h, l] = [ptr[0]! >> 2, ptr[1]! >> 2]
      for (let i = 0; i < n; i += CHUNK) {
        const len = Math.min(CHUNK, n - i)
        exports.threefryBits(len, k0, k1, i, ptr[0]!, ptr[1]!)
        hi.set(words.subarray(h, h + len), i)
        lo.set(words.subarray(l, l + len), i)
      }
      return true
    },
    binaryRows(op, full, row, out, swap) {
      const n = row.length
      if (!(full instanceof Float32Array && row instanceof Float32Array && out instanceof Float32Array)) return false
      if (!rowsPay(out.length) || n < 1 || n > CHUNK || full.length !== out.length || out.length % n !== 0) return false
      fresh()
      // the row once, where it lies or in slot 2; then the rows where they lie, or CHUNK / n at a time
      // through slots 0 (in) and 1 (out)
      let b = row.byteOffset
      if (row.buffer !== memory.buffer) {
        heap.set(row, ptr[2]! >> 2)
        traffic.bytes += n * 4
        b = ptr[2]!
      }
      const rows = out.length / n
      const inA = full.buffer === memory.buffer
      const inOut = out.buffer === memory.buffer
      const per = inA && inOut ? rows : Math.floor(CHUNK / n)
      for (let first = 0; first < rows; first += per) {
        const count = Math.min(per, rows - first)
        const from = first * n
        const to = from + count * n
        if (!inA) {
          heap.set(full.subarray(from, to), data)
          traffic.bytes += (to - from) * 4
        }
        const at = inOut ? out.byteOffset + from * 4 : ptr[1]!
        exports.binaryRows(op, count, n, inA ? full.byteOffset + from * 4 : ptr[0]!, b, at, swap ? 1 : 0)
        if (!inOut) {
          out.set(heap.subarray(ptr[1]! >> 2, (ptr[1]! >> 2) + (to - from)), from)
          traffic.bytes += (to - from) * 4
        }
      }
      return true
    },
    reduceRows(op, x, start, rows, length, out, divisor) {
      if (!(x instanceof Float32Array) || !reducePays(rows, length)) return false
      fresh()
      // an array in the memory is reduced where it lies, others streamed through slot 0; either way a
      // row is summed in the same CHUNK-element parts, so the result has the same bits wherever x lies
      const here = x.buffer === memory.buffer
      for (let r = 0, from = start; r < rows; r++) {
        let total = 0
        for (let i = 0; i < length; i += CHUNK) {
          const n = Math.min(CHUNK, length - i)
          let at = x.byteOffset + from * 4
          if (!here) {
            heap.set(x.subarray(from, from + n), data)
            traffic.bytes += n * 4
            at = ptr[0]!
          }
          from += n
          const part = exports.reduce(op, n, at)
          total =
            i === 0
              ? part
              : op === REDUCE.sum
                ? total + part
                : op === REDUCE.max
                  ? Math.max(total, part)
                  : Math.min(total, part)
        }
        // a max or min of 0: the JavaScript loop keeps the first zero of the row, +0 or −0, where
        // SIMD max gives +0 and min −0; take that first zero's sign (a scan only when the result is 0)
        if (op !== REDUCE.sum && total === 0) total = x[x.subarray(from - length, from).indexOf(0) + from - length]!
        out[r] = total / divisor
      }
      return true
    },
    sumColumns(x, start, rows, count, out, divisor) {
      if (!(x instanceof Float32Array) || !columnsPay(rows * count)) return false
      fresh()
      const here = x.buffer === memory.buffer
      for (let j0 = 0; j0 < count; j0 += CHUNK) {
        const w = Math.min(CHUNK, count - j0)
        const per = Math.max(1, Math.floor(CHUNK / w))
        acc.fill(0, 0, w)
        if (here && w === count) {
          // in the memory, with whole rows: summed where it lies, in one call
          exports.sumColumns(rows, w, x.byteOffset + start * 4, ptr[1]!)
        } else
          for (let r0 = 0; r0 < rows; r0 += per) {
            const k = Math.min(per, rows - r0)
            if (w === count) heap.set(x.subarray(start + r0 * count, start + (r0 + k) * count), data)
            else
              for (let r = 0; r < k; r++) {
                const from = start + (r0 + r) * count + j0
                heap.set(x.subarray(from, from + w), data + r * w)
              }
            traffic.bytes += k * w * 4
            exports.sumColumns(k, w, ptr[0]!, ptr[1]!)
          }
        for (let j = 0; j < w; j++) out[j0 + j] = acc[j]! / divisor
      }
      return true
    },
  }
}
