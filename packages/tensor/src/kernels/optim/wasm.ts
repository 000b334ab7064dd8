/**
 * The fused float32 optimizer updates on WebAssembly SIMD128 (source: `assembly/optim.ts`, bytes:
 * `./module.generated.ts`) and the JavaScript side that streams arrays through them.
 *
 * Arrays allocated in the kernels' shared memory (`alloc`, once an arena is attached: optimizer state,
 * and parameters placed there by `toWasmMemory`; any arena array) are updated where they are; every
 * other array streams through four slots of {@link CHUNK} elements in the module's region of that
 * memory (see `slotsIn`). Arrays in the memory
 * save the copies: the `adam`, `sgd-momentum` and `rmsprop` rows of apps/bench/RESULTS.md give the
 * bandwidth of each way.
 * @module
 */
import type { FloatArray } from '../gemm/reference.js'
import { retireCapture } from '../../internal/deferredLeaves.js'
import { fusedPays, type FusedKernels } from '../registry.js'
import { load, loadSync, slotsIn } from '../runtime/load.js'
import type { SharedMemory } from '../runtime/memory.js'
import { optimWasmHex } from './module.generated.js'

/** The exports of the compiled module (see `assembly/optim.ts`); pointers are byte addresses. */
interface OptimExports {
  slots(): number
  adam(
    n: number,
    g: number,
    m: number,
    v: number,
    out: number,
    accumulate: number,
    factor: number,
    b1: number,
    a1: number,
    b2: number,
    a2: number,
    c1: number,
    c2: number,
    eps: number,
    epsRoot: number,
  ): void
  momentum(
    n: number,
    g: number,
    b: number,
    out: number,
    accumulate: number,
    factor: number,
    keep: number,
    take: number,
    mu: number,
    nesterov: number,
  ): void
  rms(
    n: number,
    g: number,
    v: number,
    m: number,
    out: number,
    accumulate: number,
    factor: number,
    alpha: number,
    a1: number,
    eps: number,
  ): void
  decay(n: number, g: number, p: number, out: number, accumulate: number, factor: number, lambda: number): void
  scale(n: number, g: number, out: number, factor: number): void
}

/** Elements per chunk: four 64 KiB slots stay in L2 (chosen from 2K–32K with `pnpm bench --only adam`). */
export const CHUNK = 16384

/**
 * Compiles and instantiates the module synchronously; null when this engine cannot run it.
 *
 * @example
 * ```ts
 * import { loadWasmFusedSync } from './wasm.js'
 * loadWasmFusedSync()?.adam // a function, on Node ≥ 16.4 and current browsers
 * ```
 */
export function loadWasmFusedSync(): FusedKernels | null {
  return loadSync(optimWasmHex, fusedFrom)
}

/**
 * Compiles and instantiates the module asynchronously; null when this engine cannot run it.
 *
 * @example
 * ```ts
 * import { loadWasmFused } from './wasm.js'
 * const fused = await loadWasmFused()
 * ```
 */
export async function loadWasmFused(): Promise<FusedKernels | null> {
  return load(optimWasmHex, fusedFrom)
}

/**
 * Whether every operand is a Float32Array of `g`'s length, and that length pays. When they are, the last
 * one is the array the kernel writes in place: a deferred elementwise chain that read it keeps its values
 * as they were (see `internal/deferredLeaves.ts`), whoever calls the kernel.
 */
function takes(g: FloatArray, ...others: (FloatArray | null)[]): boolean {
  if (!(g instanceof Float32Array) || !fusedPays(g.length)) return false
  for (const x of others) if (x !== null && !(x instanceof Float32Array && x.length === g.length)) return false
  retireCapture(others[others.length - 1] as Float32Array)
  return true
}

/**
 * Wraps an instance's exports as {@link FusedKernels}; null when its slots cannot be allocated.
 * 1 − β is computed here in float64 and only then rounded to float32 (see `adam` in assembly/optim.ts).
 */
function fusedFrom(exports: OptimExports, shared: SharedMemory): FusedKernels | null {
  const memory = shared.memory
  const slots = slotsIn(memory, exports.slots(), 4, CHUNK)
  if (slots === null) return null
  const { stream } = slots
  return {
    adam: (g, m, v, out, accumulate, factor, b1, b2, c1, c2, eps, epsRoot) =>
      takes(g, m, v, out) &&
      stream([g, m, v, out], accumulate ? 0b1111 : 0b0111, 0b1110, (len, at) =>
        exports.adam(
          len,
          at[0]!,
          at[1]!,
          at[2]!,
          at[3]!,
          +accumulate,
          factor,
          b1,
          1 - b1,
          b2,
          1 - b2,
          c1,
          c2,
          eps,
          epsRoot,
        ),
      ),
    momentum: (g, b, out, accumulate, factor, keep, take, mu, nesterov) =>
      takes(g, b, out) &&
      stream([g, b, out], accumulate ? 0b111 : 0b011, 0b110, (len, at) =>
        exports.momentum(len, at[0]!, at[1]!, at[2]!, +accumulate, factor, keep, take, mu, +nesterov),
      ),
    rms: (g, v, m, out, accumulate, factor, alpha, eps) =>
      takes(g, v, m, out) &&
      stream([g, v, m, out], accumulate ? 0b1111 : 0b0111, 0b1110, (len, at) =>
        exports.rms(len, at[0]!, at[1]!, m === null ? 0 : at[2]!, at[3]!, +accumulate, factor, alpha, 1 - alpha, eps),
      ),
    // accumulate: out is p, so two operands (p read and written); else out is written from g and p
    decay: (g, p, out, accumulate, factor, lambda) =>
      takes(g, p, out) &&
      (accumulate
        ? stream([g, p], 0b11, 0b10, (len, at) => exports.decay(len, at[0]!, at[1]!, at[1]!, 1, factor, lambda))
        : stream([g, p, out], 0b011, 0b100, (len, at) => exports.decay(len, at[0]!, at[1]!, at[2]!, 0, 1, lambda))),
    scale: (g, out, factor) =>
      takes(g, out) && stream([g, out], 0b01, 0b10, (len, at) => exports.scale(len, at[0]!, at[1]!, factor)),
    alloc: () => null,
    holds: (x) => x.buffer === memory.buffer,
    memory,
  }
}
