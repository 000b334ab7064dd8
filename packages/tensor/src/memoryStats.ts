import { existingArena } from './kernels/runtime/arena.js'
import { traffic } from './kernels/runtime/memory.js'
import { scopeCounts } from './kernels/runtime/scope.js'

/** What {@link memoryStats} reports: plain numbers, counted since the program started. */
export interface MemoryStats {
  /** Bytes of WebAssembly memory the arena reserved (0 until something is placed there). */
  reservedBytes: number
  /** Bytes of the arena in live blocks: `toWasmMemory` trees, optimizer state, results that transforms own or kept. */
  usedBytes: number
  /** Bytes of released blocks waiting in the pool for the next transform to ask their size again. */
  pooledBytes: number
  /** Bytes of the blocks that open transforms (scopes) own right now. */
  scopedBytes: number
  /** Blocks released into the pool when a transform returned. */
  releasedBlocks: number
  /** Results that had to be ordinary arrays because the arena was full (each warned about once). */
  fallbacks: number
  /** Bytes the kernels copied between JavaScript arrays and WebAssembly memory, and kept results copied out of it. */
  copiedBytes: number
  /** Transforms open right now (0 between steps). */
  openScopes: number
}

/**
 * How @gd/tensor's WebAssembly memory is used: the arena the kernels read and write in place, the
 * results that autograd transforms own while they run, the pool their released intermediates wait in,
 * and the copies and fallbacks that cost time. In a loop of training steps every number but the
 * cumulative ones (`releasedBlocks`, `copiedBytes`) stays flat after the first step, and `fallbacks`
 * stays 0; a growing `usedBytes` means placed arrays (`toWasmMemory` trees, optimizer states) are being
 * kept alive, or not yet collected: what transforms return is copied out of the arena and never counts here.
 *
 * @see [How \@gd runs your code](/guide/how-gd-runs), the guide page on where tensors live and who frees them.
 * @example
 * ```ts
 * import { memoryStats } from '@gd/tensor'
 * const { usedBytes, fallbacks } = memoryStats()
 * fallbacks // 0
 * ```
 */
export function memoryStats(): MemoryStats {
  const { reserved, used } = existingArena()?.usage() ?? { reserved: 0, used: 0 }
  const c = scopeCounts()
  return {
    reservedBytes: reserved,
    usedBytes: used - c.pooled,
    pooledBytes: c.pooled,
    scopedBytes: c.owned,
    releasedBlocks: c.released,
    fallbacks: c.fallbacks,
    copiedBytes: traffic.bytes,
    openScopes: c.depth,
  }
}
