/**
 * The one WebAssembly memory that every kernel module (gemm, elementwise and reductions, optimizer
 * updates, conv and pooling) imports as `env.memory`, so that a float32 array living in it can be read
 * and written in place by any of them.
 *
 * Layout, low addresses first (the numbers are in `./layout.generated.ts`, written by
 * scripts/build-wasm.mjs, which compiles each module with `--memoryBase` at the start of its region):
 *
 * ```
 * [REGIONS.gemm]  [REGIONS.elementwise]  [REGIONS.optim]  [REGIONS.conv]   each module's statics and fixed scratch
 * [LAYOUT_END, top)                                                        staging: operands copied in for one call
 * [top, top + reserve)                                                     the arena (./arena.ts), reserved once
 * ```
 *
 * The memory starts with every region in it, so no module ever grows it for its own scratch. The
 * staging area (where a kernel copies operands that are not already in the memory, for the length of
 * one call) grows as calls need it until the arena reserves; from then on the memory never grows (a
 * grow would detach every array the arena has handed out), and a call needing more staging than there
 * is borrows a block of the arena for its length.
 * @module
 */
import { INITIAL_PAGES, LAYOUT_END } from './layout.generated.js'

/** A Wasm memory, as the JavaScript side uses it. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}

/** The part of the WebAssembly JS API used here (the package compiles without DOM types). */
declare const WebAssembly: { Memory: new (descriptor: { initial: number }) => WasmMemory } | undefined

/** The shared memory and the state of its staging area. */
export interface SharedMemory {
  readonly memory: WasmMemory
  /** First byte past the staging area (where the arena starts once reserved). */
  top: number
  /** Set by the arena when it reserves: from then on the memory never grows. */
  lend: ((bytes: number) => number) | null
  /** Gives back a block `lend` returned. */
  giveBack: ((at: number) => void) | null
  /** The block lent to the call in progress, or -1. */
  lent: number
  /** Gives pooled blocks back to the arena (set by the scopes), tried once when a lend finds it full. */
  reclaim: (() => void) | null
}

let shared: SharedMemory | null | undefined

/**
 * The shared memory, created on first use; null when this engine has no WebAssembly.
 *
 * @example
 * ```ts
 * import { sharedMemory } from './memory.js'
 * sharedMemory()?.memory.buffer.byteLength // INITIAL_PAGES × 64 KiB at first, more once calls have staged operands
 * ```
 */
export function sharedMemory(): SharedMemory | null {
  if (shared === undefined) {
    try {
      const memory = new WebAssembly!.Memory({ initial: INITIAL_PAGES })
      shared = { memory, top: memory.buffer.byteLength, lend: null, giveBack: null, lent: -1, reclaim: null }
    } catch {
      shared = null
    }
  }
  return shared
}

/**
 * Byte address of `bytes` bytes of staging for one call (64-byte aligned), or -1 when the memory
 * cannot provide them. Pair every successful call with {@link unstage} once the call has copied its
 * results out.
 *
 * @example
 * ```ts
 * import { sharedMemory, stage, unstage } from './memory.js'
 * const s = sharedMemory()!
 * const at = stage(s, 4096) // LAYOUT_END until the arena has reserved
 * unstage(s)
 * ```
 */
export function stage(s: SharedMemory, bytes: number): number {
  const end = LAYOUT_END + bytes
  if (end <= s.top) return LAYOUT_END
  if (s.lend === null) {
    try {
      s.memory.grow(Math.ceil((end - s.top) / 65536))
    } catch {
      return -1 // past the 4 GiB of a 32-bit memory, or out of memory
    }
    s.top = s.memory.buffer.byteLength
    return LAYOUT_END
  }
  s.lent = s.lend(bytes)
  if (s.lent < 0 && s.reclaim !== null) {
    s.reclaim()
    s.lent = s.lend(bytes)
  }
  return s.lent
}

/**
 * Ends the staging of the call in progress (gives back a borrowed arena block, if any).
 *
 * @example
 * ```ts
 * // fragment: s is the shared memory, after a stage(s, bytes) that returned an address
 * unstage(s)
 * ```
 */
export function unstage(s: SharedMemory): void {
  if (s.lent >= 0) {
    s.giveBack!(s.lent)
    s.lent = -1
  }
}

/**
 * Bytes the kernels copied between JavaScript arrays and the shared memory (in and out), counted
 * once per copy, for tests and profiles: an operand already in the memory adds nothing. @internal
 */
export const traffic = { bytes: 0 }
