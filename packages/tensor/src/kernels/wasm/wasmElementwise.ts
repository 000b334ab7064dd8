/**
 * Float32 elementwise ops on WebAssembly SIMD128 (source: `assembly/elementwise.ts`, bytes:
 * `./elementwiseWasm.ts`), streamed through two or three slots of {@link CHUNK} elements (see
 * `slotsIn`). neg, square, sqrt, relu, add, sub, mul and div give exactly the JavaScript loops'
 * results; exp, log, tanh and sigmoid are within 3 float32 ulps of them, and exp (so sigmoid too)
 * flushes results below the smallest normal float32 (1.18e-38) to 0.
 * @module
 */
import { elementwiseWasmHex } from './elementwiseWasm.js'
import { load, loadSync, slotsIn, type WasmMemory } from './load.js'
import type { ElementwiseKernels } from './state.js'

/** The exports of the compiled module; pointers are byte addresses. */
interface ElementwiseExports {
  readonly memory: WasmMemory
  slots(): number
  unary(op: number, n: number, x: number, y: number): void
  binary(op: number, n: number, a: number, b: number, scalar: number, out: number): void
}

/** Elements per chunk: three 64 KiB slots stay in L2. */
export const CHUNK = 16384

/**
 * The shortest arrays worth a Wasm call: 64 elements. Measured here (tensor ops, warm JIT, time
 * per call, JavaScript over Wasm): exp 48 elements 0.86×, 64 1.4×, 4096 2.6×, 1M 2.5×; tanh 64
 * 1.7×, 1M 3.2×; add 64–128 0.86–1.07×, 256 1.24×, 64K 2.0×, 1M 1.04× (there allocating the
 * output dominates). On the bench's 7-op chain over 1M elements: 62 ms → 17 ms.
 *
 * @example
 * ```ts
 * elementwisePays(4096) // true
 * ```
 */
export function elementwisePays(n: number): boolean {
  return n >= 64
}

/**
 * Compiles and instantiates the module synchronously; null when this engine cannot run it.
 *
 * @example
 * ```ts
 * loadWasmElementwiseSync()?.unary(3, x, y) // exp (see UNARY) // true when x and y are long Float32Arrays
 * ```
 */
export function loadWasmElementwiseSync(): ElementwiseKernels | null {
  return loadSync(elementwiseWasmHex, elementwiseFrom)
}

/**
 * Compiles and instantiates the module asynchronously; null when this engine cannot run it.
 *
 * @example
 * ```ts
 * const elementwise = await loadWasmElementwise()
 * ```
 */
export async function loadWasmElementwise(): Promise<ElementwiseKernels | null> {
  return load(elementwiseWasmHex, elementwiseFrom)
}

function elementwiseFrom(exports: ElementwiseExports): ElementwiseKernels | null {
  const slots = slotsIn(exports.memory, exports.slots(), 3, CHUNK)
  if (slots === null) return null
  const { stream } = slots
  return {
    unary: (op, x, y) =>
      x instanceof Float32Array && y instanceof Float32Array && x.length === y.length && elementwisePays(y.length) &&
      stream([x, y], 0b01, 0b10, (len, at) => exports.unary(op, len, at[0]!, at[1]!)),
    binary: (op, out, A, oa, sa, B, ob, sb, n) => {
      if (!(out instanceof Float32Array && A instanceof Float32Array && B instanceof Float32Array)) return false
      if (!elementwisePays(n) || (sa === 0 && sb === 0)) return false
      const a = sa === 0 ? null : A.subarray(oa, oa + n)
      const b = sb === 0 ? null : B.subarray(ob, ob + n)
      const scalar = sa === 0 ? A[oa]! : sb === 0 ? B[ob]! : 0
      return stream([out.subarray(0, n), a, b], 0b110, 0b001, (len, at) =>
        exports.binary(op, len, a === null ? 0 : at[1]!, b === null ? 0 : at[2]!, scalar, at[0]!))
    },
  }
}
