/**
 * Float32 arrays allocated inside the kernels' shared memory (`./memory.ts`), so that every kernel
 * family (gemm, conv, elementwise, reductions, optimizer updates) reads and writes them where they
 * are instead of copying them in and out.
 *
 * The shared memory's arena starts above every module's region and the staging area, wherever the
 * staging area ends when the arena reserves; from then on it also lends blocks to calls whose staging
 * does not fit (see `stage`), each given back before the call returns.
 *
 * The arena is reserved once, on the first allocation, by growing the memory by the largest of
 * 1 GiB, 256 MiB and 64 MiB that the engine grants (address space: pages cost memory only once
 * written); it never grows again, because growing a Wasm memory detaches every view taken before
 * (each array handed out would become empty). An allocation that does not fit returns null and the
 * caller uses an ordinary array. Blocks are found first-fit in a free list kept sorted by address
 * and merged with their neighbours when freed.
 *
 * There is no `dispose`: a block is freed when the garbage collector has collected the array
 * handed out for it (a `FinalizationRegistry`). The array's `buffer` is the whole memory, so a
 * view made from it with `subarray` or `new Float32Array(buffer, …)` must not outlive the array
 * itself; @gd's own code only makes such views for the length of a call.
 * @module
 */
import { PAGE, type WasmMemory } from './load.js'
import { sharedMemory } from './memory.js'
import { OPTIM_MIN, type Arena, type FusedKernels } from '../registry.js'

/** Block alignment in bytes: one cache line. */
const ALIGN = 64

/**
 * An arena in `memory` from byte `base` on (everything below belongs to the modules), `base` read
 * when the arena reserves (a function: the shared memory's staging area may grow until then).
 * `onReserve(take, give)`, called once the arena has reserved, receives the arena's untracked
 * block allocator (byte address or -1; give back by address), which the shared memory lends to calls.
 *
 * @example
 * ```ts
 * // fragment: memory is a Wasm memory whose first 1024 bytes belong to a module
 * const arena = arenaIn(memory, 1024)
 * const m = arena.alloc(1 << 20) // zeroed, in the memory; null when it does not fit
 * ```
 */
export function arenaIn(
  memory: WasmMemory,
  base: number | (() => number),
  reserve: readonly number[] = [2 ** 30, 2 ** 28, 2 ** 26],
  onReserve?: (take: (bytes: number) => number, give: (at: number) => void) => void,
): Arena {
  let start = 0
  let state: 'new' | 'ready' | 'none' = 'new'
  let end = 0
  let used = 0
  /** Free blocks as [address, bytes], sorted by address, never adjacent. */
  const free: [number, number][] = []
  const sizes = new Map<number, number>()
  const registry = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<number>(release) : null

  function ready(): boolean {
    if (state !== 'new') return state === 'ready'
    state = 'none'
    if (registry === null) return false
    start = align(typeof base === 'number' ? base : base())
    for (const bytes of reserve) {
      const pages = Math.ceil((start + bytes - memory.buffer.byteLength) / PAGE)
      try {
        if (pages > 0) memory.grow(pages)
      } catch {
        continue
      }
      end = memory.buffer.byteLength
      free.push([start, end - start])
      state = 'ready'
      onReserve?.(take, release)
      return true
    }
    return false
  }

  function release(at: number): void {
    const bytes = sizes.get(at)
    if (bytes === undefined) return
    sizes.delete(at)
    used -= bytes
    let i = 0
    while (i < free.length && free[i]![0] < at) i++
    const prev = free[i - 1]
    const next = free[i]
    if (prev && prev[0] + prev[1] === at) {
      prev[1] += bytes
      if (next && at + bytes === next[0]) {
        prev[1] += next[1]
        free.splice(i, 1)
      }
    } else if (next && at + bytes === next[0]) {
      next[0] = at
      next[1] += bytes
    } else free.splice(i, 0, [at, bytes])
  }

  /** A block of at least `size` bytes, first fit; its byte address, or -1. */
  function take(size: number): number {
    const bytes = align(size)
    const i = free.findIndex((block) => block[1] >= bytes)
    if (i < 0) return -1
    const block = free[i]!
    const at = block[0]
    if (block[1] === bytes) free.splice(i, 1)
    else {
      block[0] += bytes
      block[1] -= bytes
    }
    sizes.set(at, bytes)
    used += bytes
    return at
  }

  return {
    alloc(n) {
      if (!Number.isInteger(n) || n <= 0 || !ready()) return null
      const at = take(n * 4)
      if (at < 0) return null
      const view = new Float32Array(memory.buffer, at, n)
      view.fill(0)
      registry!.register(view, at, view)
      return view
    },
    holds: (x) => x.buffer === memory.buffer,
    usage: () => ({ reserved: state === 'ready' ? end - start : 0, used }),
    free(x) {
      if (x.buffer !== memory.buffer || !registry?.unregister(x)) return
      release(x.byteOffset)
    },
    take: (bytes) => (bytes > 0 && ready() ? take(bytes) : -1),
    give: release,
    memory,
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN
}

let shared: Arena | null | undefined

/**
 * The arena of the kernels' shared memory (created once; null without WebAssembly). Once it has
 * reserved, calls whose staging does not fit borrow its blocks (see `stage` in `./memory.ts`).
 *
 * @example
 * ```ts
 * import { sharedArena } from './arena.js'
 * const x = sharedArena()?.alloc(4096) // a zeroed Float32Array every kernel family reads in place
 * ```
 */
export function sharedArena(): Arena | null {
  if (shared === undefined) {
    const s = sharedMemory()
    shared =
      s &&
      arenaIn(
        s.memory,
        () => s.top,
        undefined,
        (take, give) => {
          s.lend = take
          s.giveBack = give
        },
      )
  }
  return shared
}

/**
 * The arena of the kernels' shared memory if something has made it already, else null (never makes it).
 *
 * @example
 * ```ts
 * import { existingArena } from './arena.js'
 * existingArena()?.usage().reserved // undefined until sharedArena() has run
 * ```
 */
export function existingArena(): Arena | null {
  return shared ?? null
}

/**
 * Gives the fused kernels the shared arena, once: from then on their `alloc` hands out arrays in the
 * kernels' memory (of `OPTIM_MIN` elements or more). Called by `initWasm()` and `toWasmMemory`, not
 * when a product loads the kernels, so that bundles which never ask for it do not carry the allocator.
 *
 * @example
 * ```ts
 * import { attachArena } from './arena.js'
 * import { loadWasmFusedSync } from '../optim/wasm.js'
 * const kernels = attachArena(loadWasmFusedSync()!)
 * const m = kernels.alloc(4096) // a zeroed Float32Array in the kernels' memory
 * m?.length // 4096
 * ```
 */
export function attachArena(kernels: FusedKernels): FusedKernels {
  const arena = kernels.arena === undefined ? sharedArena() : null
  if (arena !== null) {
    kernels.arena = arena
    kernels.alloc = (n) => (n >= OPTIM_MIN ? arena.alloc(n) : null)
  }
  return kernels
}
