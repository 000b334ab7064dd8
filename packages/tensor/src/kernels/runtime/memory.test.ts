import { describe, expect, it } from 'vitest'
import { hexBytes } from './load.js'
import { INITIAL_PAGES, LAYOUT_END, REGIONS } from './layout.generated.js'
import { sharedMemory, stage, unstage } from './memory.js'
import { sharedArena } from './arena.js'
import { gemmWasmHex } from '../gemm/module.generated.js'
import { elementwiseWasmHex } from '../elementwise/module.generated.js'
import { optimWasmHex } from '../optim/module.generated.js'
import { convWasmHex } from '../conv/module.generated.js'
import { CHUNK as ELEMENTWISE_CHUNK, loadWasmElementwiseSync } from '../elementwise/wasm.js'
import { CHUNK as OPTIM_CHUNK } from '../optim/wasm.js'
import { loadWasmGemmSync } from '../gemm/wasm.js'
import { loadWasmConvSync } from '../conv/wasm.js'
import { loadWasmFusedSync } from '../optim/wasm.js'

const api = (globalThis as any).WebAssembly

/** Instantiates a module on a fresh memory shaped like the shared one, and returns its exports. */
function exportsOf(hex: string): Record<string, () => number> {
  const memory = new api.Memory({ initial: INITIAL_PAGES })
  return new api.Instance(new api.Module(hexBytes(hex)), { env: { memory } }).exports
}

describe('the layout of the shared memory', () => {
  it('gives each module a region, in address order, that holds its statics and scratch as the modules report them', () => {
    const rows = Object.entries(REGIONS)
    expect(rows.map(([family]) => family)).toEqual(['gemm', 'elementwise', 'optim', 'conv'])
    for (let i = 1; i < rows.length; i++) expect(rows[i]![1][0]).toBeGreaterThanOrEqual(rows[i - 1]![1][1])
    // where each module's own scratch ends, asked of the module itself (slots: the JavaScript side's count × CHUNK floats)
    const ends = {
      gemm: exportsOf(gemmWasmHex).workspaceEnd!(),
      elementwise: exportsOf(elementwiseWasmHex).slots!() + 3 * ELEMENTWISE_CHUNK * 4,
      optim: exportsOf(optimWasmHex).slots!() + 4 * OPTIM_CHUNK * 4,
      conv: exportsOf(convWasmHex).workspaceEnd!(),
    }
    for (const [family, [base, end]] of rows) {
      expect(ends[family as keyof typeof ends]).toBeLessThanOrEqual(end)
      expect(ends[family as keyof typeof ends]).toBeGreaterThan(base)
    }
    expect(LAYOUT_END).toBeGreaterThanOrEqual(REGIONS.conv[1])
    expect(INITIAL_PAGES * 65536).toBeGreaterThanOrEqual(LAYOUT_END)
  })

  it('is one memory for every family: loading a second family does not move or detach arrays already handed out', () => {
    const s = sharedMemory()!
    const gemm = loadWasmGemmSync()!
    const x = sharedArena()!.alloc(1024)!
    x.fill(2)
    const buffer = s.memory.buffer
    // the conv module loads after the arena has reserved, and a large convolution stages its operands
    const conv = loadWasmConvSync()!
    const elementwise = loadWasmElementwiseSync()!
    const fused = loadWasmFusedSync()!
    expect([conv, elementwise, fused].every((k) => k !== null)).toBe(true)
    expect(fused.memory).toBe(s.memory)
    const c = new Float32Array(4)
    gemm(2, 2, 512, x, 0, 512, 1, x, 0, 1, 512, c, 0, 2)
    expect(s.memory.buffer).toBe(buffer)
    expect(x.length).toBe(1024)
    expect([...c]).toEqual([2048, 2048, 2048, 2048]) // 512 · 2 · 2
  })
})

describe('stage', () => {
  it('grows the staging area until the arena reserves, then lends arena blocks for what does not fit', () => {
    const s = sharedMemory()!
    sharedArena()!.alloc(256) // the arena has reserved (first allocation)
    expect(s.lend).not.toBeNull()
    const small = stage(s, 64)
    expect(small).toBe(LAYOUT_END)
    unstage(s)
    const before = sharedArena()!.usage().used
    const big = stage(s, s.top - LAYOUT_END + (1 << 20))
    expect(big).toBeGreaterThanOrEqual(s.top) // in the arena, above the staging area
    expect(sharedArena()!.usage().used).toBeGreaterThanOrEqual(before + (1 << 20))
    unstage(s)
    expect(sharedArena()!.usage().used).toBe(before)
  })

  it('a product bigger than the staging area, once the arena has reserved, runs in a borrowed block and gives it back', () => {
    const s = sharedMemory()!
    const gemm = loadWasmGemmSync()!
    sharedArena()!.alloc(256)
    const buffer = s.memory.buffer
    const room = (s.top - LAYOUT_END) / 4 // floats of staging
    const n = Math.ceil(Math.sqrt(room / 2)) + 8 // A, B and C: 3 n² floats, more than the room
    const a = new Float32Array(n * n).fill(1)
    const c = new Float32Array(n * n)
    const used = sharedArena()!.usage().used
    gemm(n, n, n, a, 0, n, 1, a, 0, n, 1, c, 0, n)
    expect(c[0]).toBe(n) // Σ 1 · 1 over n terms
    expect(c[n * n - 1]).toBe(n)
    expect(sharedArena()!.usage().used).toBe(used)
    expect(s.memory.buffer).toBe(buffer) // the memory did not grow
  })
})

describe('stage once the arena has reserved', () => {
  it('borrows an arena block, and when the arena is full asks the scopes to give their pool back first, once', () => {
    const memory = new api.Memory({ initial: 1 })
    const free = [false]
    let pooled = true // whether the scopes' pool holds blocks a reclaim gives back
    const calls: string[] = []
    const s = {
      memory,
      top: 0, // nothing above the regions: every call borrows
      lend: (bytes: number) => {
        calls.push(`lend ${bytes}`)
        return free[0] ? 4096 : -1
      },
      giveBack: (at: number) => calls.push(`give back ${at}`),
      lent: -1,
      reclaim: () => {
        calls.push('reclaim')
        free[0] = pooled
      },
    }
    expect(stage(s, 256)).toBe(4096)
    unstage(s)
    expect(stage(s, 256)).toBe(4096) // room now: no second reclaim
    unstage(s)
    expect(calls).toEqual(['lend 256', 'reclaim', 'lend 256', 'give back 4096', 'lend 256', 'give back 4096'])
    free[0] = false
    pooled = false
    expect(stage(s, 256)).toBe(-1) // still full after the reclaim: the caller runs its JavaScript loop
    unstage(s)
    expect(calls.slice(6)).toEqual(['lend 256', 'reclaim', 'lend 256'])
  })
})
