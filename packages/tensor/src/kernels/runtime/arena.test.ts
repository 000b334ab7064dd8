import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { arenaIn } from './arena.js'
import type { WasmMemory } from './load.js'

const MiB = 1 << 20
const memory = (): WasmMemory => new (globalThis as any).WebAssembly.Memory({ initial: 1 })

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

describe('arenaIn', () => {
  it('reserves once, on the first allocation, and hands out zeroed, aligned, disjoint arrays in the memory', () => {
    const mem = memory()
    const arena = arenaIn(mem, 100, [MiB])
    expect(arena.usage()).toEqual({ reserved: 0, used: 0 })
    const a = arena.alloc(10)!
    const b = arena.alloc(3)!
    expect(arena.usage()).toEqual({ reserved: mem.buffer.byteLength - 128, used: 128 })
    expect(mem.buffer.byteLength).toBeGreaterThanOrEqual(128 + MiB)
    expect([a.byteOffset, b.byteOffset]).toEqual([128, 192])
    expect([a.length, b.length]).toEqual([10, 3])
    expect(arena.holds(a) && arena.holds(b)).toBe(true)
    expect(arena.holds(new Float32Array(10))).toBe(false)
    expect(Array.from(a)).toEqual(new Array(10).fill(0))
    a.fill(7)
    expect(Array.from(b)).toEqual([0, 0, 0])
  })

  it('reuses freed blocks first-fit, merges neighbours, and zeroes reused memory', () => {
    const arena = arenaIn(memory(), 0, [MiB])
    const [a, b, c] = [arena.alloc(16)!, arena.alloc(16)!, arena.alloc(16)!]
    b.fill(5)
    a.fill(3)
    arena.free(b)
    arena.free(a) // merges with b's block: 128 bytes from a's address
    const ab = arena.alloc(32)!
    expect(ab.byteOffset).toBe(a.byteOffset)
    expect(Array.from(ab)).toEqual(new Array(32).fill(0))
    arena.free(c) // merges with the free tail
    expect(arena.usage().used).toBe(128)
    expect(arena.alloc(MiB / 4 - 32)!.byteOffset).toBe(128)
    expect(arena.alloc(1)).toBeNull()
  })

  it('returns null for what does not fit or is no length, and takes a smaller reserve when a larger is refused', () => {
    const arena = arenaIn(memory(), 0, [2 ** 33, MiB])
    expect(arena.alloc(MiB)).toBeNull() // 4 MiB do not fit in the 1 MiB granted
    expect(arena.usage().reserved).toBe(MiB)
    for (const n of [0, -1, 1.5, Number.NaN]) expect(arena.alloc(n)).toBeNull()
    expect(arena.alloc(MiB / 4)).not.toBeNull()
  })

  it('frees a block once the collector has taken its array', async () => {
    const arena = arenaIn(memory(), 0, [MiB])
    ;(() => {
      for (let i = 0; i < 8; i++) arena.alloc(1024)!.fill(1)
    })()
    expect(arena.usage().used).toBe(8 * 4096)
    for (let round = 0; round < 50 && arena.usage().used > 0; round++) {
      gc()
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(arena.usage().used).toBe(0)
    expect(arena.alloc(MiB / 4)!.byteOffset).toBe(0) // the whole reserve is one free block again
  })
})
