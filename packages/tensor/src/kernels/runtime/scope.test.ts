import { beforeAll, describe, expect, it } from 'vitest'
import {
  add,
  contiguous,
  exp,
  initWasm,
  matmul,
  mul,
  ones,
  reshape,
  slice,
  sum,
  tensor,
  type Tensor,
} from '../../index.js'
import { memoryStats } from '../../memoryStats.js'
import { existingArena } from './arena.js'
import {
  closeScope,
  openScope,
  outsideScopes,
  releaseOwned,
  scopeBlockOf,
  scopesOn,
  useScopes,
  withScope,
} from './scope.js'

const inArena = (t: Tensor): boolean => existingArena()!.holds(t._storage)
const released = (label: string, how = 'returned', advice = 'return it from the function to keep it') =>
  `${label}: this tensor was an intermediate of ${label} and was released when it ${how}; ${advice}`

beforeAll(async () => {
  await initWasm()
  useScopes(true)
})

describe('withScope', () => {
  it('gives float32 results of ARENA_MIN elements or more arena blocks, and smaller ones JavaScript arrays', () => {
    let big: Tensor | undefined
    let small: Tensor | undefined
    withScope(
      'step',
      () => {
        big = ones([64])
        small = ones([63])
        expect(inArena(big)).toBe(true)
        expect(inArena(small)).toBe(false)
        expect(inArena(ones([64], { dtype: 'float64' }))).toBe(false)
      },
      () => null,
    )
    expect(inArena(small!)).toBe(false)
    expect(small!.data[0]).toBe(1)
    expect(() => big!.data).toThrow(released('step'))
  })

  it('releases intermediates (every read throws the message) and keeps the result, copied out at the top', () => {
    let kept: Tensor | undefined
    const x = tensor(Array.from({ length: 256 }, (_, i) => i / 256))
    const before = memoryStats().releasedBlocks
    const y = withScope(
      'valueAndGrad',
      () => {
        kept = exp(x)
        return add(mul(kept, 2), 1) // 2·eˣ + 1
      },
      (r) => r,
      { advice: 'return it as aux to keep it' },
    )
    const message = released('valueAndGrad', 'returned', 'return it as aux to keep it')
    expect(() => kept!.storage).toThrow(message)
    expect(() => kept!.data).toThrow(message)
    expect(() => kept!.item()).toThrow(message)
    expect(() => kept!.toArray()).toThrow(message)
    expect(() => String(kept)).toThrow(message)
    expect(() => add(kept!, 1)).toThrow(message)
    expect(inArena(y)).toBe(false)
    expect(y.data[0]).toBe(3) // 2·e⁰ + 1
    expect(y.data[255]).toBeCloseTo(2 * Math.exp(255 / 256) + 1, 5)
    expect(memoryStats().releasedBlocks - before).toBe(3) // exp, mul and y's block once y was copied out
  })

  it('keeps views of an escaping block, with their offsets, and copies each block once', () => {
    const copied = memoryStats().copiedBytes
    const out = withScope(
      'grad',
      () => {
        const base = reshape(tensor(Array.from({ length: 128 }, (_, i) => i)), [2, 64])
        const row = slice(base, [1, 0], [1, 64]) // a view at offset 64
        const flat = contiguous(row) // contiguous at an offset: a view of a view of the block's array
        return { base, row, flat }
      },
      (r) => r,
    )
    expect(memoryStats().copiedBytes - copied).toBe(128 * 4)
    expect(out.base.data[127]).toBe(127)
    expect(out.row.data[0]).toBe(64)
    expect(out.flat.data[63]).toBe(127)
    expect(out.base._storage).toBe(out.row._storage) // still one array for the two
  })

  it("skips a tensor of an older copy of @gd/tensor (branded, without the scopes' __owner) in what escapes", () => {
    const old = { __gdTensor: true, shape: [1] } // what such a copy's tensor shows a walker
    const kept = withScope(
      'grad',
      () => ({ old, y: exp(ones([256])) }),
      (r) => r,
    )
    expect(kept.old).toBe(old)
    expect(kept.y.data[0]).toBeCloseTo(Math.E, 6)
  })

  it('moves escaping blocks to the parent, which releases them when they do not escape it in turn', () => {
    let inner: Tensor | undefined
    let innerIntermediate: Tensor | undefined
    const outer = withScope(
      'outer',
      () => {
        inner = withScope(
          'inner',
          () => {
            innerIntermediate = mul(ones([100]), 3)
            return add(innerIntermediate, 1)
          },
          (r) => r,
        )
        expect(inArena(inner)).toBe(true) // moved to the parent, not copied
        expect(inner.data[0]).toBe(4)
        expect(() => innerIntermediate!.data).toThrow(released('inner'))
        return sum(inner)
      },
      (r) => r,
    )
    expect(outer.item()).toBe(400)
    expect(() => inner!.data).toThrow(released('outer'))
  })

  it("moves every block to the parent when escaping says 'all' (an enclosing transform may read them)", () => {
    let saved: Tensor | undefined
    const total = withScope(
      'outer',
      () => {
        withScope(
          'inner',
          () => {
            saved = mul(ones([128]), 2)
            return null
          },
          () => 'all',
        )
        return sum(saved!)
      },
      (r) => r,
    )
    expect(total.item()).toBe(256)
    expect(() => saved!.data).toThrow(released('outer'))
  })

  it('releases everything when the function throws, rethrows, and leaves its inputs intact', () => {
    const x = ones([256])
    let made: Tensor | undefined
    const scopedBefore = memoryStats().scopedBytes
    expect(() =>
      withScope(
        'jvp',
        () => {
          made = mul(x, 2)
          throw new Error('boom')
        },
        (r) => r,
      ),
    ).toThrow('boom')
    expect(() => made!.data).toThrow(released('jvp', 'threw'))
    expect(x.data[255]).toBe(1)
    expect(memoryStats().scopedBytes).toBe(scopedBefore)
    expect(memoryStats().openScopes).toBe(0)
  })

  it('reuses pooled blocks: a loop keeps usedBytes flat and never falls back', () => {
    const w = tensor(
      Array.from({ length: 64 * 64 }, (_, i) => ((i % 7) - 3) / 8),
      { shape: [64, 64] },
    )
    const step = () =>
      withScope(
        'step',
        () => sum(exp(matmul(mul(w, 0.5), w))),
        (r) => r,
      )
    const first = step().item()
    const used = memoryStats().usedBytes
    const pooled = memoryStats().pooledBytes
    for (let i = 0; i < 2000; i++) expect(step().item()).toBe(first)
    expect(memoryStats().usedBytes).toBe(used)
    expect(memoryStats().pooledBytes).toBe(pooled)
    expect(memoryStats().fallbacks).toBe(0)
  })

  it('gives results the same values, bit for bit, with scopes on and off', () => {
    const w = tensor(
      Array.from({ length: 96 * 80 }, (_, i) => Math.sin(i)),
      { shape: [96, 80] },
    )
    const f = () =>
      withScope(
        'step',
        () => exp(matmul(w, reshape(w, [80, 96]))),
        (r) => r,
      ).data
    const on = f()
    const restore = useScopes(false)
    const off = f()
    restore()
    expect(on).toEqual(off)
  })

  it('lets outsideScopes build what outlives the transform (a cache)', () => {
    let cache: Tensor | undefined
    withScope(
      'step',
      () => {
        cache = outsideScopes(() => mul(ones([512]), 7))
        return null
      },
      () => null,
    )
    expect(inArena(cache!)).toBe(false)
    expect(cache!.data[511]).toBe(7)
  })

  it('does nothing with scopes off', () => {
    const restore = useScopes(false)
    expect(scopesOn()).toBe(false)
    let t: Tensor | undefined
    withScope(
      'step',
      () => {
        t = ones([1024])
      },
      () => null,
    )
    restore()
    expect(inArena(t!)).toBe(false)
    expect(t!.data[0]).toBe(1)
  })

  it('checks its arguments', () => {
    expect(() =>
      withScope(
        3 as never,
        () => 1,
        () => null,
      ),
    ).toThrow('withScope: label must be a string, got 3')
    expect(() => withScope('s', 1 as never, () => null)).toThrow('withScope: fn must be a function, got 1')
    expect(() => withScope('s', () => 1, {} as never)).toThrow('withScope: escaping must be a function, got {}')
    expect(() =>
      withScope(
        's',
        () => 1,
        () => null,
        { parnt: null } as never,
      ),
    ).toThrow('withScope: unknown option parnt, expected one of parent, advice; did you mean parent?')
    expect(() =>
      withScope(
        's',
        () => 1,
        () => null,
        { parent: {} as never },
      ),
    ).toThrow('withScope: parent must be a scope made by openScope, got {}')
  })
})

describe('openScope, closeScope and releaseOwned', () => {
  it('owns what steps keep until it closes; releaseOwned frees a replaced tree now', () => {
    const run = openScope('fit', { parent: null, advice: 'keep it in what fit returns' })
    const step = (p: Tensor) =>
      withScope(
        'fit step',
        () => add(p, 1),
        (r) => r,
        { parent: run },
      )
    const p0 = outsideScopes(() => ones([256]))
    const p1 = step(p0)
    const p2 = step(p1)
    expect(inArena(p1) && inArena(p2)).toBe(true)
    releaseOwned({ params: [p1] }, run)
    expect(() => p1.data).toThrow(released('fit', 'returned', 'keep it in what fit returns'))
    expect(p2.data[0]).toBe(3)
    closeScope(run, { params: p2 })
    expect(inArena(p2)).toBe(false)
    expect(p2.data[255]).toBe(3)
    expect(() => closeScope(run, null)).toThrow('closeScope: the scope fit is already closed')
    expect(() => closeScope(run, null, 'all' as never)).toThrow(
      `closeScope: mode must be 'release', 'keepAll' or 'releaseAll', got "all"`,
    )
    expect(() =>
      withScope(
        's',
        () => 1,
        () => null,
        { parent: run },
      ),
    ).toThrow('s: the parent scope fit is closed')
  })
})

describe('scopeBlockOf', () => {
  it('names the block a scope owns, the same for its views, and null once no scope owns it', () => {
    const run = openScope('fit', { parent: null })
    const [a, b] = withScope(
      'step',
      () => [add(ones([256]), 1), add(ones([256]), 2)],
      (r) => r,
      { parent: run },
    )
    const token = scopeBlockOf(a)
    expect(token).not.toBeNull()
    expect(scopeBlockOf(reshape(a, [16, 16]))).toBe(token) // a view shares its base's block
    expect(scopeBlockOf(b)).not.toBeNull()
    expect(scopeBlockOf(b)).not.toBe(token)
    expect(scopeBlockOf(ones([256]))).toBeNull() // outside scopes: a JavaScript array
    releaseOwned([a], run)
    expect(scopeBlockOf(a)).toBeNull() // released
    closeScope(run, [b])
    expect(scopeBlockOf(b)).toBeNull() // copied out to the JavaScript heap
    expect(b.data[0]).toBe(3)
    expect(() => scopeBlockOf({ shape: [2] } as never)).toThrow('scopeBlockOf: t must be a Tensor, got')
  })
})

describe('a full arena', () => {
  it('gives the pool back to the free list, then falls back to JavaScript arrays with one warning', async () => {
    const { arenaIn } = await import('./arena.js')
    const { LAYOUT_END } = await import('./layout.generated.js')
    const { useArenaForTests } = await import('./scope.js')
    const memory = new (globalThis as any).WebAssembly.Memory({ initial: Math.ceil(LAYOUT_END / 65536) })
    const arena = arenaIn(memory, LAYOUT_END, [64 * 1024]) // 128000 bytes once page-aligned: 31 blocks of 1024 floats
    const warnings: string[] = []
    const warn = console.warn
    console.warn = (m: string) => warnings.push(m)
    useArenaForTests(arena)
    const before = memoryStats().fallbacks
    try {
      // 79 blocks of 1024 floats, then 29 of 1000 (another size: the pool of the first size must go back)
      const run = (n: number, count: number) =>
        withScope(
          'step',
          () => sum(Array.from({ length: count }, (): Tensor => ones([n])).reduce((a, b) => add(a, b))),
          (r) => r,
        )
      expect(run(1024, 40).item()).toBe(40 * 1024) // 40 ones, 39 sums: 79 blocks asked, 31 fit
      const fallbacks = memoryStats().fallbacks
      expect(arena.usage().reserved).toBe(128000)
      expect(fallbacks - before).toBe(79 - 31)
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(
        /^@gd\/tensor: the WebAssembly arena is full \(126976 of 128000 bytes in use, 4096 more asked\)/,
      )
      expect(run(1000, 15).item()).toBe(15 * 1000) // 29 blocks of 4032 bytes: they fit once the pool is flushed
      expect(memoryStats().fallbacks).toBe(fallbacks)
      expect(warnings).toHaveLength(1)
      // an array the collector owns, placed where a pooled block was, is no scope's: never released
      useArenaForTests(null) // gives the pool back to the small arena
      const placed = arena.alloc(1024)!
      placed.fill(2)
      const t = new (await import('../../tensor.js')).Tensor(placed, [1024], 'float32')
      expect(t.data[1023]).toBe(2)
    } finally {
      console.warn = warn
      useArenaForTests(null)
    }
  })
})
