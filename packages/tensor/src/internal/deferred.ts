/**
 * Deferred elementwise chains. Outside any scope, with the Wasm elementwise kernels loaded, a float32
 * unary or binary op (those with a Wasm kernel: neg, square, sqrt, exp, log, tanh, sigmoid, relu, add,
 * sub, mul, div, reluGrad) whose result has at least {@link FUSE_MIN} elements, and whose inputs are
 * deferred results, arrays @gd allocated (see `deferredLeaves.ts`) or scalars, returns a tensor without
 * values: its shape and dtype are known and every argument was checked, but nothing is computed until its
 * storage is first read. Then the chain behind it (at most {@link MAX_CHAIN} ops) runs block by block
 * through the module's slots: each block of the first input is copied in once, every op's kernel runs on
 * it in the slots, and only the last op's block is copied out, into one fresh array. The kernels are the
 * eager path's, in the same order, on the same float32 values, so the bits are the eager path's too; what
 * changes is that a chain of k ops allocates one result instead of k, and copies each block in and out once.
 * @module
 */
import { BINARY, UNARY } from '../kernels/elementwise/ops.generated.js'
import { elementwiseKernels, type ChainKernel, type ChainStep, type ElementwiseKernels } from '../kernels/registry.js'
import { captureOf, isOwned, markOwned, type Captured } from './deferredLeaves.js'
import { deferredTensor, type Pending, type Tensor } from '../tensor.js'
import type { Shape } from '../shape.js'

/** Ops in one deferred chain at most: a longer chain computes its input first (so a loop never builds a long one). */
export const MAX_CHAIN = 8

/** Where an op's full-size input comes from: an array @gd allocated (its capture, at an offset), or a deferred op. */
type Source = { captured: Captured; offset: number } | { node: Node }

/** One deferred op: its kernel, its inputs and, once computed, nothing (it lets go of them). */
class Node implements Pending {
  constructor(
    readonly n: number,
    readonly kernel: ChainKernel,
    /** The op's code in UNARY or BINARY. */
    readonly code: number,
    readonly binary: boolean,
    /** The running value: the chain's input, or the previous op. */
    public input: Source | null,
    /** A binary op's other full-size operand, or null when it is `scalar`. */
    public operand: { captured: Captured; offset: number } | null,
    readonly scalar: number,
    /** The running value is the right operand (`b` of `a ∘ b`). */
    readonly right: boolean,
    /** Ops from the chain's input to this one, this one included. */
    readonly depth: number,
  ) {}

  /** Ops made from this one while it was deferred (only they can read `done`). */
  children = 0
  /** Once computed, when it has children: its result, which they start from. */
  done: Captured | null = null

  compute(): Float32Array {
    // the ops from the chain's input to this one, first op first (iterative: chains are short, but never recursive)
    const nodes: Node[] = []
    let source: Source | null = null
    for (let at: Node = this; ;) {
      nodes.push(at)
      source = at.input!
      if (!('node' in source)) break
      const done = source.node.done
      if (done !== null) {
        source = { captured: done, offset: 0 }
        break
      }
      at = source.node
    }
    const steps: ChainStep[] = []
    for (let i = nodes.length - 1; i >= 0; i--) {
      const s = nodes[i]!
      const o = s.operand
      steps.push({
        code: s.code,
        binary: s.binary,
        operand: o === null ? null : o.captured.values.subarray(o.offset, o.offset + this.n),
        scalar: s.scalar,
        right: s.right,
      })
    }
    const x = source as { captured: Captured; offset: number }
    const out = new Float32Array(this.n) // the collector's, even when read inside a scope
    this.kernel.chain(x.captured.values.subarray(x.offset, x.offset + this.n), steps, out)
    // its tensor holds the values from now on, and ops made from it start from them: let go of the inputs
    this.input = null
    this.operand = null
    markOwned(out)
    if (this.children > 0) this.done = captureOf(out)
    return out
  }
}

/**
 * `t`'s deferred computation, or null; null too for a tensor of another copy of this module that predates
 * deferred results (branded, but without `__pending`).
 */
function pendingOf(t: Tensor): Pending | null {
  return typeof t.__pending === 'function' ? t.__pending() : null
}

/** The Wasm kernels a chain needs, when they are loaded and allowed. */
function chainKernel(): ChainKernel | null {
  const k = elementwiseKernels() as (ElementwiseKernels & Partial<ChainKernel>) | null
  return k !== null && typeof k.chain === 'function' ? (k as ChainKernel) : null
}

/**
 * Where a full-size float32 input `t` of `n` elements can be read from later, or null (it cannot: the op runs now).
 * Reads a plain tensor's storage (which throws for a released one), never a deferred one's.
 */
function sourceOf(t: Tensor, n: number): Source | null {
  if (t.dtype !== 'float32' || t.size !== n) return null
  const p = pendingOf(t)
  if (p instanceof Node) {
    if (p.depth < MAX_CHAIN) return { node: p }
  } else if (p !== null || !t.isContiguous) return null
  const s = t.storage // a deferred input at the end of a long chain is computed here
  return isOwned(s) ? { captured: captureOf(s as Float32Array), offset: t.offset } : null
}

/** Counts a new op made from `node`, and returns the new op's depth. */
function follow(node: Node): number {
  node.children++
  return node.depth + 1
}

/** The UNARY or BINARY code of `op`, or -1 (no Wasm kernel). */
function codeOf(table: Readonly<Record<string, number>>, op: string): number {
  return Object.prototype.hasOwnProperty.call(table, op) ? table[op]! : -1
}

/**
 * `op(t)` deferred, or null (run it now): called by `mapUnary` for a float32 result of FUSE_MIN elements or
 * more when no scope owns it, after its argument checks.
 * @internal
 */
export function deferUnary(op: string, t: Tensor): Tensor | null {
  const code = codeOf(UNARY, op)
  const kernel = code < 0 ? null : chainKernel()
  const input = kernel === null ? null : sourceOf(t, t.size)
  if (input === null) return null
  const depth = 'node' in input ? follow(input.node) : 1
  return deferredTensor(t.shape, new Node(t.size, kernel!, code, false, input, null, 0, false, depth))
}

/**
 * `a op b` deferred, or null (run it now): called by `mapBinary` for a float32 result of FUSE_MIN elements or
 * more, of `shape`, when no scope owns it, after its argument and shape checks. One operand may be a scalar (a
 * one-element tensor, read now); a full-size one must be contiguous. When both are deferred, `b` is computed first.
 * @internal
 */
export function deferBinary(op: string, a: Tensor, b: Tensor, shape: Shape, n: number): Tensor | null {
  const code = codeOf(BINARY, op)
  const kernel = code < 0 || a.dtype !== 'float32' || b.dtype !== 'float32' ? null : chainKernel()
  if (kernel === null) return null
  // a released operand throws now, a's message first, as the eager path reads them (a deferred one cannot be released)
  if (pendingOf(a) === null) void a.storage
  if (pendingOf(b) === null) void b.storage
  const scalarA = a.size === 1
  const scalarB = b.size === 1
  // the running value is a deferred operand if there is one (a's when both are), else a
  const right = scalarA || (pendingOf(b) !== null && pendingOf(a) === null)
  const other = right ? a : b
  // the other operand is read from an array or is a scalar: a deferred one is computed now (and with it the
  // running value, when it is the same tensor: mul(y, y))
  if (pendingOf(other) !== null) void other.storage
  const acc = sourceOf(right ? b : a, n)
  if (acc === null) return null
  let operand: { captured: Captured; offset: number } | null = null
  let scalar = 0
  if (scalarA || scalarB) scalar = other.storage[other.offset]!
  else {
    const s = sourceOf(other, n)
    if (s === null || 'node' in s) return null
    operand = s
  }
  const depth = 'node' in acc ? follow(acc.node) : 1
  return deferredTensor(shape, new Node(n, kernel, code, true, acc, operand, scalar, right, depth))
}
