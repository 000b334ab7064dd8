/**
 * Turning an inlined (hex) module into a running instance, shared by every Wasm kernel family.
 * Each family's module imports one thing, `env.memory`: the memory all of them share (`./memory.ts`),
 * each at its own region of it.
 * @module
 */
import type { FloatArray } from '../gemm/reference.js'
import { sharedMemory, traffic, type SharedMemory, type WasmMemory } from './memory.js'

/**
 * The part of the WebAssembly JS API used here, declared locally: the package compiles against
 * ES2022 + Node types, which leave `WebAssembly` out, and needs no DOM types for four functions.
 */
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { readonly exports: unknown }
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { readonly exports: unknown } }>
}

export type { WasmMemory }

/** Bytes of one Wasm memory page. */
export const PAGE = 65536

/**
 * Decodes an inlined module written in hex.
 *
 * @example
 * ```ts
 * import { hexBytes } from './load.js'
 * hexBytes('0061736d') // Uint8Array [0, 97, 115, 109], the Wasm magic number
 * ```
 */
export function hexBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length >> 1)
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16)
  return bytes
}

/**
 * Whether this engine runs a build: WebAssembly exists and validates it (the builds use SIMD128,
 * and relaxed SIMD, opcodes, so an engine without them rejects the bytes here, not later).
 *
 * @example
 * ```ts
 * import { wasmSimdSupported } from './load.js'
 * import { gemmWasmBytes } from '../gemm/wasm.js'
 * wasmSimdSupported(gemmWasmBytes()) // true on Node ≥ 16.4 and current browsers
 * ```
 */
export function wasmSimdSupported(bytes: Uint8Array): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(bytes)
}

/**
 * Compiles and instantiates a module synchronously on `memory` (its `env.memory` import); null when
 * the engine cannot (no WebAssembly, no SIMD, or a browser that refuses synchronous compiles on the
 * main thread).
 *
 * @example
 * ```ts
 * import { hexBytes, instantiateSync } from './load.js'
 * import { sharedMemory } from './memory.js'
 * import { optimWasmHex } from '../optim/module.generated.js'
 * const exports = instantiateSync<{ slots(): number }>(hexBytes(optimWasmHex), sharedMemory()!.memory)
 * ```
 */
export function instantiateSync<E>(bytes: Uint8Array, memory: WasmMemory): E | null {
  try {
    if (!wasmSimdSupported(bytes)) return null
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as E
  } catch {
    return null
  }
}

/**
 * Compiles and instantiates a module asynchronously on `memory` (the path browsers prefer); null
 * when the engine cannot.
 *
 * @example
 * ```ts
 * import { hexBytes, instantiate } from './load.js'
 * import { sharedMemory } from './memory.js'
 * import { optimWasmHex } from '../optim/module.generated.js'
 * const exports = await instantiate<{ slots(): number }>(hexBytes(optimWasmHex), sharedMemory()!.memory)
 * ```
 */
export async function instantiate<E>(bytes: Uint8Array, memory: WasmMemory): Promise<E | null> {
  try {
    if (!wasmSimdSupported(bytes)) return null
    return (await WebAssembly.instantiate(bytes, { env: { memory } })).instance.exports as E
  } catch {
    return null
  }
}

/**
 * Grows `memory` so that it holds at least `end` bytes; false when the engine refuses (past the
 * 4 GiB a 32-bit memory allows, or out of memory).
 *
 * @example
 * ```ts
 * // fragment: shared is the kernels' memory (see sharedMemory in memory.ts)
 * ensureBytes(shared.memory, 1 << 20) // true: the memory now holds 1 MiB or more
 * ```
 */
export function ensureBytes(memory: WasmMemory, end: number): boolean {
  if (end <= memory.buffer.byteLength) return true
  try {
    memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE))
    return true
  } catch {
    return false
  }
}

/** Cache-sized buffers in a module's memory that arrays stream through, chunk by chunk. */
export interface Slots {
  /** Byte address of each slot. */
  readonly ptr: readonly number[]
  /**
   * Runs `kernel(len, at)` over the arrays chunk by chunk, `at[j]` being the byte address of
   * operand j's chunk. An operand that lives in this memory (see `arenaIn`) is read and written
   * where it is, up to its last whole 4-float vector; any other, and the last n mod 4 floats of
   * every operand, go through slot j: before the kernel, its chunk is copied in when its bit is set
   * in `reads`, after it, copied back when set in `writes`. When every operand lives in the memory,
   * the kernel runs once over the whole vectors. Null operands are skipped. Every array is as long
   * as the first.
   */
  stream(
    arrays: readonly (FloatArray | null)[],
    reads: number,
    writes: number,
    kernel: (len: number, at: readonly number[]) => void,
  ): true
}

/**
 * Allocates `count` slots of `chunk` float32 each from byte `base` on (growing the memory now if
 * needed: the shared memory never needs it, since each module's region holds its slots); null when
 * the memory cannot grow.
 *
 * Tensors are plain JavaScript typed arrays, which Wasm code cannot read in place unless they were
 * allocated in its memory, so kernels over long arrays copy the others through slots small enough
 * to stay in L2: main-memory traffic is what a loop over the arrays themselves would cause, and the
 * copies run at cache speed.
 *
 * @example
 * ```ts
 * // fragment: inside a kernel loader (see loadWasmElementwiseSync), with its module, operands and op
 * const slots = slotsIn(shared.memory, exports.slots(), 2, 16384)
 * slots?.stream([x, y], 0b01, 0b10, (len, at) => exports.unary(op, len, at[0], at[1]))
 * ```
 */
export function slotsIn(memory: WasmMemory, base: number, count: number, chunk: number): Slots | null {
  const bytes = chunk * 4
  if (!ensureBytes(memory, base + count * bytes)) return null
  let heap = new Float32Array(memory.buffer)
  const ptr = Array.from({ length: count }, (_, j) => base + j * bytes)
  const at = ptr.slice()
  return {
    ptr,
    stream(arrays, reads, writes, kernel) {
      // The memory grows at most once after this view was taken, when its arena is reserved.
      if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer)
      const n = arrays[0]!.length
      let here = 0
      let all = true
      for (let j = 0; j < arrays.length; j++) {
        const x = arrays[j]
        if (x == null) continue
        if (x.buffer === heap.buffer) here |= 1 << j
        else all = false
      }
      // Kernels run over whole vectors (4 floats): an operand is used in place up to its last whole
      // vector, and the last n mod 4 floats of every operand go through the slots, so that no kernel
      // reads or writes past an arena array's end (its neighbours).
      const whole = here === 0 ? n : n - (n & 3)
      const step = all ? whole : chunk
      for (let i = 0, end = 0; i < n; i = end) {
        const mask = i < whole ? here : 0
        end = i < whole ? Math.min(whole, i + step) : n
        for (let j = 0; j < arrays.length; j++) {
          const x = arrays[j]
          if (x == null) continue
          if (mask & (1 << j)) at[j] = x.byteOffset + i * 4
          else {
            at[j] = ptr[j]!
            if (reads & (1 << j)) {
              heap.set(i === 0 && end === x.length ? x : x.subarray(i, end), ptr[j]! >> 2)
              traffic.bytes += (end - i) * 4
            }
          }
        }
        kernel(end - i, at)
        for (let j = 0; j < arrays.length; j++) {
          const x = arrays[j]
          if (x != null && !(mask & (1 << j)) && writes & (1 << j)) {
            x.set(heap.subarray(ptr[j]! >> 2, (ptr[j]! >> 2) + end - i), i)
            traffic.bytes += (end - i) * 4
          }
        }
      }
      return true
    },
  }
}

/**
 * Decodes, compiles and instantiates an inlined (hex) module synchronously on the shared memory and
 * wraps its exports; null when the engine cannot run it (or `wrap` declines).
 *
 * @example
 * ```ts
 * // fragment: fusedFrom is the builder inside optim/wasm.ts
 * const fused = loadSync(optimWasmHex, fusedFrom)
 * ```
 */
export function loadSync<E, K>(hex: string, wrap: (exports: E, shared: SharedMemory) => K | null): K | null {
  const shared = sharedMemory()
  const exports = shared && instantiateSync<E>(hexBytes(hex), shared.memory)
  return exports && wrap(exports, shared!)
}

/**
 * The asynchronous {@link loadSync} (the path browsers prefer).
 *
 * @example
 * ```ts
 * // fragment: fusedFrom is the builder inside optim/wasm.ts
 * const fused = await load(optimWasmHex, fusedFrom)
 * ```
 */
export async function load<E, K>(hex: string, wrap: (exports: E, shared: SharedMemory) => K | null): Promise<K | null> {
  const shared = sharedMemory()
  const exports = shared && (await instantiate<E>(hexBytes(hex), shared.memory))
  return exports && wrap(exports, shared!)
}
