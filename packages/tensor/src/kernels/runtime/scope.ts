/**
 * Scopes: who owns the float32 results made inside an autograd transform, and what happens to them when
 * it returns.
 *
 * A transform (`valueAndGrad`, `grad`, `jvp`, … of @gd/autograd; each step of @gd/train's `fit`) runs its
 * function inside a scope ({@link withScope}). While a scope is open, `allocate('float32', n)` with
 * `n ≥ ARENA_MIN` hands out a block of the arena (`./arena.ts`) that the scope records, so the kernels read
 * and write the result where it lies. When the scope closes, each block it recorded is
 *
 * - *escaping* (reachable from the tree the transform returns, through a tensor's storage; views share
 *   their base's block): moved to the parent scope if there is one, else copied once into a JavaScript
 *   array that every escaping tensor over the block is pointed at, and the block goes back to the pool;
 * - *not escaping*: returned to a pool of exact (64-byte aligned) sizes that the next step asks for
 *   again, and every tensor over it is released: reading it throws the scope's message, never garbage.
 *
 * A scope whose result holds values an enclosing transform traced cannot know what that transform's tape
 * saved: it moves all its blocks to its parent. A scope whose function throws releases everything.
 *
 * Scopes nest like calls (a stack), but each has an explicit parent, so that a run-long owner (fit's run
 * scope, opened with {@link openScope}) can be the parent of a step scope without being on the stack
 * across an `await`. {@link outsideScopes} runs code whose allocations the collector owns (caches kept
 * across calls). {@link useScopes} switches the whole mechanism (on unless `GD_SCOPES=0` in Node).
 *
 * Allocation: the pool's bucket of that size first, then the arena's free list; when the arena is full,
 * every pooled block goes back to the free list and the arena is asked again; when it is still full, a
 * JavaScript array is used and counted as a fallback, with one warning per program.
 * @module
 */
import { fail, func, isPlainObject, optional, readOptions, string, type Check } from '@gd/check'
import { ARENA_MIN, wasmState, type Arena } from '../registry.js'
import { tensorsIn } from '../../internal/tensorsIn.js'
import { tracing } from '../../internal/trace.js'
import { existingArena, sharedArena } from './arena.js'
import { LAYOUT_END } from './layout.generated.js'
import { sharedMemory, traffic } from './memory.js'
import { ownership, type Owned } from './owner.js'
import type { Tensor } from '../../tensor.js'

/** Block alignment in bytes (the arena's). */
const ALIGN = 64

/** One arena block a scope owns. */
interface Block extends Owned {
  readonly view: Float32Array
  readonly at: number
  readonly bytes: number
  owner: Scope | null
  /** Set while a close walks the escaping tree. */
  escapes: boolean
}

/**
 * An owner of arena blocks: opened by {@link withScope} for the length of a call, or by {@link openScope}
 * for longer (a run), and closed by {@link closeScope}. Opaque outside this module.
 */
export interface Scope {
  /** Names the transform in the released-tensor message (`valueAndGrad`). */
  readonly label: string
  /** What the released-tensor message advises (`return it as aux to keep it`). */
  readonly advice: string
  /** Where escaping blocks go when it closes (null: copied out to the JavaScript heap). */
  readonly parent: Scope | null
}

interface ScopeState extends Scope {
  blocks: Block[]
  open: boolean
}

/** How {@link closeScope} treats the blocks of a scope. */
export type CloseMode = 'release' | 'keepAll' | 'releaseAll'

/** Options of {@link withScope} and {@link openScope}. */
export interface ScopeOptions {
  /** The scope escaping blocks move to; the innermost open scope unless said otherwise (null: none). */
  parent?: Scope | null
  /** The advice of the released-tensor message; `return it from the function to keep it` unless said otherwise. */
  advice?: string
}

/** Whether scopes are on; read from the environment at the first use (see {@link useScopes}). */
let enabled: boolean | undefined
/** The innermost scope on the stack (where allocations go), or null. */
let current: ScopeState | null = null
let depth = 0
/** Every open scope, for blocks of scopes off the stack's parent chain (a run scope between steps). */
const opened = new Set<ScopeState>()
/**
 * The blocks scopes own or have pooled, by byte address (a Map of numbers: a WeakMap keyed by each block's
 * array cost a microsecond a block). A block leaving the scopes (to the collector, or back to the free
 * list) leaves it too, so an arena array no scope owns never finds a stale record.
 */
const byAt = new Map<number, Block>()
/** The arena's buffer once a scope took a block (it never changes after the arena reserved). */
let arenaBuffer: ArrayBufferLike | null = null
/** Pooled block addresses by exact aligned size. */
const pool = new Map<number, number[]>()
const counts = { pooled: 0, owned: 0, released: 0, fallbacks: 0, copiedOut: 0 }
/** While a trace is recorded ({@link holdReleased}), the blocks released meanwhile, kept out of the pool. */
let held: Block[] | null = null
let warned = false
/**
 * Blocks whose scope closed with no parent while an enclosing transform could still read them, freed when
 * collected; made at the first such block, so that loading this module does no work (a bundle that only
 * reaches the Tensor class keeps none of the scopes).
 */
let orphans: FinalizationRegistry<number> | null | undefined

function orphanage(): FinalizationRegistry<number> | null {
  if (orphans === undefined) {
    orphans =
      typeof FinalizationRegistry === 'function'
        ? new FinalizationRegistry<number>((at) => sharedArena()?.give(at))
        : null
  }
  return orphans
}

function isOn(): boolean {
  return (enabled ??= defaultOn())
}

function defaultOn(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  return env?.GD_SCOPES !== '0'
}

const scopeCheck: Check<Scope> = (fn, key, value) =>
  isPlainObject(value) && typeof (value as { open?: unknown }).open === 'boolean'
    ? (value as unknown as Scope)
    : fail(fn, key, 'a scope made by openScope', value)
const parentCheck: Check<Scope | null> = (fn, key, value) => (value === null ? null : scopeCheck(fn, key, value))
const scopeSpec = { parent: /* @__PURE__ */ optional(parentCheck), advice: /* @__PURE__ */ optional(string) }

/** An arena tests put in place of the shared one (a small one, to fill it). */
let testArena: Arena | null = null

/** The arena when the Wasm kernels are on here (allowed, and a family loaded), else null. */
function arenaForScopes(): Arena | null {
  if (!wasmState.allowed || !(wasmState.elementwise || wasmState.gemm)) return null
  return testArena ?? sharedArena()
}

/**
 * Makes the scopes take their blocks from `arena` (null: the shared one again), after giving the pool's
 * blocks back to the arena in use; for tests of a full arena. Not exported from the package. @internal
 */
export function useArenaForTests(arena: Arena | null): void {
  const old = arenaForScopes()
  if (old !== null) flushPool(old)
  testArena = arena
  arenaBuffer = null
  warned = false
}

function alloc(n: number, fill = true): Float32Array | null {
  const s = current
  if (s === null || n < ARENA_MIN) return null
  const arena = arenaForScopes()
  if (arena === null) return null
  const bytes = Math.ceil((n * 4) / ALIGN) * ALIGN
  const bucket = pool.get(bytes)
  let at = bucket !== undefined && bucket.length > 0 ? bucket.pop()! : -1
  if (at >= 0) counts.pooled -= bytes
  else {
    at = arena.take(bytes)
    if (at < 0) {
      flushPool(arena)
      at = arena.take(bytes)
    }
    if (at < 0) return fallback(arena, bytes)
  }
  arenaBuffer = arena.memory.buffer
  const view = new Float32Array(arenaBuffer, at, n)
  // a pooled or freed block holds old values: zeroed unless the caller writes every element (allocateUnfilled)
  if (fill) view.fill(0)
  const block: Block = { view, at, bytes, owner: s, released: null, escapes: false }
  byAt.set(at, block)
  s.blocks.push(block)
  counts.owned += bytes
  return view
}

function fallback(arena: Arena, bytes: number): null {
  counts.fallbacks++
  if (!warned) {
    warned = true
    const { reserved, used } = arena.usage()
    console.warn(
      `@gd/tensor: the WebAssembly arena is full (${used} of ${reserved} bytes in use, ${bytes} more asked): ` +
        'results made inside transforms now use ordinary arrays, which the kernels copy in and out. What fills it ' +
        'is arrays placed with toWasmMemory and optimizer states that are still referenced (the collector frees ' +
        'them only when it runs), or one transform that makes more than the arena holds; memoryStats() shows it.',
    )
  }
  return null
}

function flushPool(arena: Arena): void {
  for (const bucket of pool.values()) {
    for (const at of bucket) {
      byAt.delete(at)
      arena.give(at)
    }
  }
  pool.clear()
  counts.pooled = 0
}

function find(storage: Float32Array): Owned | null {
  // JavaScript arrays have small offsets (reading `buffer` would make V8 give a small one a buffer object)
  const at = storage.byteOffset
  if (at < LAYOUT_END) return null
  const known = byAt.get(at)
  if (known !== undefined && known.view === storage) return known
  if (storage.buffer !== arenaBuffer) return null
  if (known !== undefined) return known // a view from the block's start
  if (counts.owned === 0) return null
  // A view made from a block's array (`data` of a contiguous tensor at an offset): search the owners,
  // innermost first, most recent block first.
  for (let s: ScopeState | null = current; s !== null; s = s.parent as ScopeState | null) {
    for (let i = s.blocks.length - 1; i >= 0; i--) {
      const b = s.blocks[i]!
      if (at >= b.at && at < b.at + b.bytes) return b
    }
  }
  for (const s of opened) {
    for (const b of s.blocks) if (at >= b.at && at < b.at + b.bytes) return b
  }
  return null
}

function install(): void {
  if (ownership.alloc === null) {
    ownership.alloc = alloc
    ownership.find = find
    // a call whose staging borrows an arena block finds room in the pool too
    const shared = sharedMemory()
    if (shared !== null) {
      shared.reclaim = () => {
        const arena = existingArena()
        if (arena !== null) flushPool(arena)
      }
    }
  }
}

/**
 * Opens a scope without entering it: a run-long owner whose blocks outlive any one call (fit's run
 * scope). Enter it for a call with `withScope(label, fn, escaping, { parent: scope })`, which makes a
 * child whose escaping blocks it adopts; close it with {@link closeScope}.
 *
 * @example
 * ```ts
 * import { closeScope, openScope } from '@gd/tensor/internal'
 * const run = openScope('fit', { parent: null, advice: 'keep it in the state fit returns' })
 * closeScope(run, null)
 * ```
 */
export function openScope(label: string, options: ScopeOptions = {}): Scope {
  string('openScope', 'label', label)
  const o = readOptions('openScope', options, scopeSpec)
  return makeScope(label, o.parent === undefined ? current : o.parent, o.advice)
}

function makeScope(label: string, parent: Scope | null, advice: string | undefined): ScopeState {
  install()
  if (parent !== null && !(parent as ScopeState).open) {
    throw new Error(`${label}: the parent scope ${parent.label} is closed`)
  }
  const s: ScopeState = {
    label,
    advice: advice ?? 'return it from the function to keep it',
    parent,
    blocks: [],
    open: true,
  }
  opened.add(s)
  return s
}

/**
 * Runs `fn` inside a new innermost scope and closes it: blocks reachable from `escaping(result)` (a tree
 * of tensors, plain objects and arrays; anything else is skipped) move to the parent or, at the top,
 * are copied out to the JavaScript heap; every other block the scope recorded goes back to the pool and
 * its tensors are released. `escaping` may return `'all'` (the result holds values an enclosing
 * transform traced): every block moves to the parent. If `fn` throws, everything is released and the
 * error is rethrown. With scopes off ({@link useScopes}), just calls `fn`.
 *
 * @example
 * ```ts
 * import { withScope } from '@gd/tensor/internal'
 * import { add, mul, ones } from '@gd/tensor'
 * const kept = withScope('step', () => add(mul(ones([256]), 2), 1), (r) => r)
 * kept.data[0] // 3: the intermediate mul(…) was released, the result kept
 * ```
 */
export function withScope<T>(
  label: string,
  fn: () => T,
  escaping: (result: T) => unknown,
  options: ScopeOptions = {},
): T {
  string('withScope', 'label', label)
  func('withScope', 'fn', fn)
  func('withScope', 'escaping', escaping)
  const o = readOptions('withScope', options, scopeSpec)
  if (!isOn()) return fn()
  const scope = makeScope(label, o.parent === undefined ? current : o.parent, o.advice)
  const saved = current
  current = scope
  depth++
  let result: T
  try {
    result = fn()
  } catch (e) {
    current = saved
    depth--
    close(scope, null, 'releaseAll', 'threw')
    throw e
  }
  current = saved
  depth--
  let tree: unknown
  try {
    tree = escaping(result)
  } catch (e) {
    close(scope, null, 'keepAll', 'returned')
    throw e
  }
  close(scope, tree === 'all' ? null : tree, tree === 'all' ? 'keepAll' : 'release', 'returned')
  return result
}

/**
 * Closes a scope opened by {@link openScope}: `mode` `'release'` keeps the blocks reachable from
 * `escaping` (moved to the parent, or copied out at the top) and releases the rest; `'keepAll'` moves
 * every block to the parent; `'releaseAll'` releases every block (a failed run).
 *
 * @example
 * ```ts
 * import { closeScope, openScope } from '@gd/tensor/internal'
 * const run = openScope('fit', { parent: null })
 * closeScope(run, null, 'releaseAll')
 * ```
 */
export function closeScope(scope: Scope, escaping: unknown, mode: CloseMode = 'release'): void {
  scopeCheck('closeScope', 'scope', scope)
  if (mode !== 'release' && mode !== 'keepAll' && mode !== 'releaseAll') {
    fail('closeScope', 'mode', "'release', 'keepAll' or 'releaseAll'", mode)
  }
  if (!(scope as ScopeState).open) throw new Error(`closeScope: the scope ${scope.label} is already closed`)
  close(scope as ScopeState, escaping, mode, 'returned')
}

/**
 * Releases now the blocks of `tree`'s tensors that `scope` owns (the parameters a run replaced with new
 * ones); the tensors read as released from then on. Blocks of other scopes, and JavaScript arrays, are
 * left alone.
 *
 * @example
 * ```ts
 * import { closeScope, openScope, releaseOwned } from '@gd/tensor/internal'
 * const run = openScope('fit', { parent: null })
 * releaseOwned({ w: [] }, run) // nothing of run's in it
 * closeScope(run, null)
 * ```
 */
export function releaseOwned(tree: unknown, scope: Scope): void {
  scopeCheck('releaseOwned', 'scope', scope)
  const s = scope as ScopeState
  const mine = new Set<Block>()
  tensorsIn(tree, (t) => {
    const b = blockOf(t)
    if (b !== null && b.owner === s) mine.add(b)
  })
  if (mine.size === 0) return
  const message = releasedMessage(s, 'returned')
  s.blocks = s.blocks.filter((b) => !mine.has(b) || (release(b, message), false))
}

/**
 * The scope block that `t`'s storage lies in, while a scope owns it: an opaque token, the same for every
 * tensor over that block (views and copies of its array), so that two trees can be compared for shared
 * storage. Null when no scope owns the storage: a JavaScript array, an arena array the collector owns
 * (`toWasmMemory`, a block whose scope closed with no parent), or a released block.
 *
 * @throws Error `scopeBlockOf: t must be a Tensor, got …`.
 * @example
 * ```ts
 * import { scopeBlockOf } from '@gd/tensor/internal'
 * import { tensor } from '@gd/tensor'
 * scopeBlockOf(tensor([1, 2])) // null: an ordinary array
 * ```
 */
export function scopeBlockOf(t: Tensor): object | null {
  const branded = (t as { __gdTensor?: unknown } | null)?.__gdTensor === true && typeof t.__owner === 'function'
  if (!branded) fail('scopeBlockOf', 't', 'a Tensor', t)
  const b = t.__owner() as Block | null
  return b !== null && b.owner !== null ? b : null
}

/**
 * Runs `fn` with allocations owned by the collector, whatever scopes are open: for what @gd's own code
 * keeps across calls (a causal mask or a positional table built lazily inside a forward pass).
 *
 * @example
 * ```ts
 * import { outsideScopes } from '@gd/tensor/internal'
 * import { ones } from '@gd/tensor'
 * const cache = outsideScopes(() => ones([1024])) // never released by a transform
 * ```
 */
export function outsideScopes<T>(fn: () => T): T {
  func('outsideScopes', 'fn', fn)
  const saved = current
  // nor does a trace being recorded keep what it computes: a cache is read where it lies by every replay
  const trace = tracing.trace
  current = null
  tracing.trace = null
  try {
    return fn()
  } finally {
    current = saved
    tracing.trace = trace
  }
}

/**
 * Switches scopes on or off for everything opened from now on (on unless the environment variable
 * `GD_SCOPES` is `0`). Returns a function that restores the previous setting.
 *
 * @example
 * ```ts
 * import { useScopes } from '@gd/tensor/internal'
 * const restore = useScopes(false)
 * restore()
 * ```
 */
export function useScopes(on: boolean): () => void {
  if (typeof on !== 'boolean') fail('useScopes', 'on', 'a boolean', on)
  const saved = isOn()
  enabled = on
  return () => {
    enabled = saved
  }
}

/**
 * Whether scopes are on (see {@link useScopes}).
 *
 * @example
 * ```ts
 * import { scopesOn } from '@gd/tensor/internal'
 * typeof scopesOn() // 'boolean'
 * ```
 */
export function scopesOn(): boolean {
  return isOn()
}

function releasedMessage(s: Scope, how: 'returned' | 'threw'): string {
  return `${s.label}: this tensor was an intermediate of ${s.label} and was released when it ${how}; ${s.advice}`
}

function close(s: ScopeState, escaping: unknown, mode: CloseMode, how: 'returned' | 'threw'): void {
  s.open = false
  opened.delete(s)
  const blocks = s.blocks
  s.blocks = []
  if (blocks.length === 0) return
  const parent = s.parent as ScopeState | null
  if (mode === 'keepAll') {
    for (const b of blocks) adopt(b, parent)
    return
  }
  const message = releasedMessage(s, how)
  if (mode === 'releaseAll') {
    for (const b of blocks) release(b, message)
    return
  }
  // Mark what escapes; at the top, remember the tensors to point at the copies.
  const movers: Tensor[] = []
  tensorsIn(escaping, (t) => {
    const b = blockOf(t)
    if (b === null || b.owner !== s) return
    b.escapes = true
    if (parent === null) movers.push(t)
  })
  if (parent === null && movers.length > 0) {
    const copies = new Map<Block, Float32Array>()
    for (const t of movers) {
      const b = blockOf(t)
      if (b === null) continue // moved already (it appeared twice)
      let copy = copies.get(b)
      if (copy === undefined) {
        copies.set(b, (copy = b.view.slice()))
        counts.copiedOut += b.view.byteLength
        traffic.bytes += b.view.byteLength
      }
      const own = t._storage as Float32Array
      const from = (own.byteOffset - b.at) / 4
      t.__move(own === b.view ? copy : copy.subarray(from, from + own.length))
    }
  }
  for (const b of blocks) {
    if (b.escapes && parent !== null) {
      b.escapes = false
      adopt(b, parent)
    } else release(b, message)
  }
}

/**
 * The scope block of `t`'s storage, or null; null too for a tensor of another copy of this module that
 * predates the scopes (branded, but without `__owner`): no scope made its storage.
 */
function blockOf(t: Tensor): Block | null {
  return typeof t.__owner === 'function' ? (t.__owner() as Block | null) : null
}

/** Moves a block to `parent`; with no parent, to the collector (freed when its array is collected). */
function adopt(b: Block, parent: ScopeState | null): void {
  if (parent !== null && parent.open) {
    b.owner = parent
    parent.blocks.push(b)
    return
  }
  b.owner = null
  counts.owned -= b.bytes
  byAt.delete(b.at)
  orphanage()?.register(b.view, b.at)
}

function release(b: Block, message: string): void {
  b.released = message
  b.owner = null
  b.escapes = false
  counts.owned -= b.bytes
  counts.released++
  if (held !== null) held.push(b)
  else toPool(b)
}

/** Puts a released block in the pool of its size. */
function toPool(b: Block): void {
  counts.pooled += b.bytes
  const bucket = pool.get(b.bytes)
  if (bucket === undefined) pool.set(b.bytes, [b.at])
  else bucket.push(b.at)
}

/**
 * Keeps the blocks released from now on out of the pool until the returned function is called: then they
 * go to the pool (`keep` false) or to the collector, freed once their arrays are unreachable (`keep` true:
 * a recorded trace's kernel calls write them again at each replay, see `internal/record.ts`). Their tensors
 * read as released either way. @internal
 */
export function holdReleased(): (keep: boolean) => void {
  const saved = held
  const mine: Block[] = (held = [])
  return (keep) => {
    held = saved
    for (const b of mine) {
      if (!keep) toPool(b)
      else {
        byAt.delete(b.at)
        orphanage()?.register(b.view, b.at)
      }
    }
  }
}

/** Counters for {@link memoryStats}. @internal */
export function scopeCounts(): {
  pooled: number
  owned: number
  released: number
  fallbacks: number
  copiedOut: number
  depth: number
} {
  return { ...counts, depth }
}
