/**
 * The loops behind every elementwise op: map one tensor, or combine two (or three) under NumPy
 * broadcasting, reading views through their strides without copying them first.
 * @module
 */
import { allocate, promoteTypes, type DType, type Storage } from './dtype.js'
import { tensorArg, tensorLikeArg } from './internal/args.js'
import { ownership } from './kernels/runtime/owner.js'
import { deferHook } from './internal/deferHook.js'
import { FUSE_MIN, markOwned } from './internal/deferredLeaves.js'
import { broadcastShapes, sizeOf, type Shape } from './shape.js'
import { forReplay, Tensor } from './tensor.js'
import { kernel, traceConstant, tracing } from './internal/trace.js'

/**
 * A tensor, or a plain JavaScript number. A number is weakly typed, as in JAX: it takes a float
 * tensor's dtype (it never widens float32 to float64) and an int32 tensor's when int32 holds it. An int32
 * or bool tensor met with a number that int32 cannot hold (fractional, non-finite or beyond ±2³¹)
 * gives a float32 result instead (JAX's default float; a float64 tensor stays float64):
 * `mul(int32, 0.5)` is float32 and `mul(int32, 2)` stays int32.
 */
export type TensorLike = Tensor | number

/** Wraps a number as a scalar tensor of `dtype`; passes tensors through (the caller checked `x`). @internal */
export function asTensor(x: TensorLike, dtype: DType, op = 'asTensor', key = 'x'): Tensor {
  if (typeof tensorLikeArg(op, key, x) !== 'number') return x as Tensor
  const s = allocate(dtype, 1)
  s[0] = x as number
  traceConstant(s)
  return new Tensor(s, [], dtype)
}

/**
 * A whole-array loop for one op. Hot ops pass their own (a separate function per op keeps each loop
 * monomorphic, so V8 inlines the arithmetic instead of calling a closure per element).
 * @internal
 */
export type UnaryLoop = (src: Storage, out: Storage) => void

/**
 * A whole-array loop for a binary op over `n` elements: out[i] = A[oa + i·sa] ∘ B[ob + i·sb], with
 * each step 1 (contiguous) or 0 (a scalar operand).
 * @internal
 */
export type BinaryLoop = (
  out: Storage,
  A: Storage,
  oa: number,
  sa: number,
  B: Storage,
  ob: number,
  sb: number,
  n: number,
) => void

/**
 * out[i] = fn(t[i]) into fresh storage of `dtype` (or of `dtype(t)`), through `loop` when the op has
 * one; checks first that `t` is a tensor.
 * @internal
 */
export function mapUnary(
  op: string,
  t: Tensor,
  dtype: DType | ((t: Tensor) => DType),
  fn: (x: number) => number,
  loop?: UnaryLoop,
): Tensor {
  tensorArg(op, 'x', t)
  if (typeof dtype === 'function') dtype = dtype(t)
  let out: Storage
  if (dtype === 'float32') {
    const n = t.size
    // every path below writes each element (a scope's block is not zero-filled first: see allocateUnfilled)
    const owned = ownership.alloc !== null ? ownership.alloc(n, false) : null
    if (owned !== null) out = owned
    else {
      // no scope owns the result: a long one is deferred when it can be (see deferred.ts)
      const later = n >= FUSE_MIN && deferHook.unary !== null && tracing.trace === null ? deferHook.unary(op, t) : null
      if (later !== null) return later
      out = markOwned(new Float32Array(n))
    }
  } else out = allocate(dtype, t.size)
  const y = out
  const x = forReplay(t)
  kernel(
    y,
    () => {
      if (!x.isContiguous) stridedUnary(y, x, fn, loop)
      else {
        const src = x.data
        if (loop !== undefined) loop(src, y)
        else for (let i = 0; i < y.length; i++) y[i] = fn(src[i]!)
      }
    },
    true,
  )
  return new Tensor(out, t.shape, dtype)
}

/** Elements per block of a strided view fed to an op's loop: copied into a scratch array that stays in L2. */
const BLOCK = 16384

/**
 * out = fn(t) for a non-contiguous `t`, read through its strides in one pass instead of copying it
 * whole first: the view is copied a block at a time into scratch that stays in L2, and the block is
 * mapped by the op's loop (or `fn`): the same loop, so the same bits, as on a contiguous copy. Every
 * block is at least BLOCK / 2 long when there are several (the last two share what is left), so a
 * loop that switches to its Wasm kernel from some length (`ELEMENTWISE_MIN`, 64) switches on every
 * block exactly when it would on the whole.
 */
function stridedUnary(out: Storage, t: Tensor, fn: (x: number) => number, loop?: UnaryLoop): void {
  const { shape, steps } = mergedView(t)
  const last = shape.length - 1
  const src = t.storage
  const inner = shape[last]!
  const step = steps[last]!
  const index = new Array<number>(last).fill(0)
  const n = out.length
  const scratch = allocate(t.dtype, Math.min(n, BLOCK))
  let p = t.offset // start of the current row
  let j = 0 // position in it
  for (let o = 0; o < n;) {
    const left = n - o
    const len = blockLength(left)
    for (let k = 0; k < len;) {
      const take = Math.min(len - k, inner - j)
      gather(scratch, src, p + j * step, step, k, take)
      k += take
      j += take
      if (j < inner) continue
      j = 0
      for (let d = last - 1; d >= 0; d--) {
        index[d]!++
        p += steps[d]!
        if (index[d]! < shape[d]!) break
        p -= steps[d]! * shape[d]!
        index[d] = 0
      }
    }
    const x = scratch.subarray(0, len)
    const y = out.subarray(o, o + len)
    if (loop !== undefined) loop(x, y)
    else for (let k = 0; k < len; k++) y[k] = fn(x[k]!)
    o += len
  }
}

/** `t`'s shape and strides without its size-1 dimensions, each dimension folded into the one before when they step as one. */
function mergedView(t: Tensor): { shape: number[]; steps: number[] } {
  const shape: number[] = []
  const steps: number[] = []
  for (let d = 0; d < t.rank; d++) {
    const n = t.shape[d]!
    const st = t.strides[d]!
    if (n === 1) continue
    const k = shape.length - 1
    if (k >= 0 && steps[k] === st * n) {
      shape[k]! *= n
      steps[k] = st
    } else {
      shape.push(n)
      steps.push(st)
    }
  }
  return { shape, steps }
}

/**
 * out = fn(a, b) under broadcasting, into fresh storage of `dtype`.
 * @internal
 */
export function mapBinary(
  op: string,
  a: Tensor,
  b: Tensor,
  dtype: DType,
  fn: (x: number, y: number) => number,
  loop?: BinaryLoop,
): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape)
  const n = sizeOf(shape)
  let out: Storage
  if (dtype === 'float32') {
    // every path below writes each element (a scope's block is not zero-filled first: see allocateUnfilled)
    const owned = ownership.alloc !== null ? ownership.alloc(n, false) : null
    if (owned !== null) out = owned
    else {
      // no scope owns the result: a long one is deferred when it can be (see deferred.ts)
      const later =
        n >= FUSE_MIN && deferHook.binary !== null && tracing.trace === null
          ? deferHook.binary(op, a, b, shape, n)
          : null
      if (later !== null) return later
      out = markOwned(new Float32Array(n))
    }
  } else out = allocate(dtype, n)
  if (n === 0) {
    traceConstant(out)
    return new Tensor(out, shape, dtype)
  }
  const y = out
  const A = forReplay(a)
  const B = forReplay(b)
  kernel(y, () => binaryInto(y, shape, A, B, fn, loop), true)
  return new Tensor(out, shape, dtype)
}

/** out = a ∘ b over the broadcast `shape` (every element written), the path chosen by the operands' layouts. */
function binaryInto(
  out: Storage,
  shape: Shape,
  a: Tensor,
  b: Tensor,
  fn: (x: number, y: number) => number,
  loop?: BinaryLoop,
): void {
  const n = out.length
  const aFull = a.isContiguous && a.size === n
  const bFull = b.isContiguous && b.size === n
  if (loop !== undefined && (aFull || a.size === 1) && (bFull || b.size === 1)) {
    loop(out, a.storage, a.offset, aFull ? 1 : 0, b.storage, b.offset, bFull ? 1 : 0, n)
  } else if (aFull && bFull) {
    const A = a.storage
    const B = b.storage
    const oa = a.offset
    const ob = b.offset
    for (let i = 0; i < n; i++) out[i] = fn(A[oa + i]!, B[ob + i]!)
  } else if (b.size === 1 && a.isContiguous && a.size === n) {
    const A = a.storage
    const oa = a.offset
    const y = b.storage[b.offset]!
    for (let i = 0; i < n; i++) out[i] = fn(A[oa + i]!, y)
  } else if (a.size === 1 && b.isContiguous && b.size === n) {
    const B = b.storage
    const ob = b.offset
    const x = a.storage[a.offset]!
    for (let i = 0; i < n; i++) out[i] = fn(x, B[ob + i]!)
  } else {
    stridedBinary(out, shape, a, b, fn, loop)
  }
}

/**
 * The general case: walk the output in row-major order, moving each input by its strides. Adjacent
 * dimensions that both inputs step through as one (contiguous, or broadcast along both) are merged
 * first, so a bias broadcast over the height and width of an NCHW batch becomes one long row per
 * channel. Each operand that is not already laid out as the output is then copied, a block at a time,
 * into contiguous scratch that stays in L2, and each block goes through the op's loop in one call
 * (ops without a loop call `fn` per element): a column broadcast such as `[128, 10] − [128, 1]`, a
 * transposed operand or a per-channel bias costs one call per block, not a closure call per element
 * (~8 ns each) or a loop call per short row (1.3-1.6 ms for [n, 16, 64] + [1, 16, 1] against 0.3 ms).
 * The loop does the same arithmetic on each element as `fn`, so the bits are the same; blocks are
 * cut as in stridedUnary.
 */
function stridedBinary(
  out: Storage,
  full: Shape,
  a: Tensor,
  b: Tensor,
  fn: (x: number, y: number) => number,
  loop: BinaryLoop = (y, A, oa, sa, B, ob, sb, n) => {
    for (let i = 0; i < n; i++) y[i] = fn(A[oa + i * sa]!, B[ob + i * sb]!)
  },
): void {
  const { shape, sa, sb } = merged(full, broadcastStrides(a, full), broadcastStrides(b, full))
  const rank = shape.length
  const last = rank - 1
  const inner = shape[last]!
  const ia = sa[last]!
  const ib = sb[last]!
  const A = a.storage
  const B = b.storage
  const n = out.length
  // an operand already laid out as the output (the [128, 10] of a column broadcast) is read where it lies
  const aFull = a.isContiguous && a.size === n
  const bFull = b.isContiguous && b.size === n
  const xa = aFull ? A : scratch(A, 0)
  const xb = bFull ? B : scratch(B, 1)
  const index = new Array<number>(rank).fill(0)
  let pa = a.offset // start of the current row in A
  let pb = b.offset // and in B
  let j = 0 // position in the row
  for (let o = 0; o < n;) {
    const left = n - o
    const len = blockLength(left)
    for (let k = 0; k < len;) {
      const take = Math.min(len - k, inner - j)
      if (!aFull) gather(xa, A, pa + j * ia, ia, k, take)
      if (!bFull) gather(xb, B, pb + j * ib, ib, k, take)
      k += take
      j += take
      if (j < inner) continue
      j = 0
      for (let d = last - 1; d >= 0; d--) {
        index[d]!++
        pa += sa[d]!
        pb += sb[d]!
        if (index[d]! < shape[d]!) break
        pa -= sa[d]! * shape[d]!
        pb -= sb[d]! * shape[d]!
        index[d] = 0
      }
    }
    const y = len === n ? out : out.subarray(o, o + len)
    loop(y, xa, aFull ? a.offset + o : 0, 1, xb, bFull ? b.offset + o : 0, 1, len)
    o += len
  }
}

/** The next block's length when `left` elements remain: BLOCK, or the rest in one or two even parts (never a sliver). */
function blockLength(left: number): number {
  return left <= BLOCK ? left : left < BLOCK + BLOCK / 2 ? Math.ceil(left / 2) : BLOCK
}

/** x[k..k+take) = src[s], src[s + step], …; a value broadcast along the row (a per-channel bias) is one native fill. */
function gather(x: Storage, src: Storage, s: number, step: number, k: number, take: number): void {
  if (step === 0) x.fill(src[s]!, k, k + take)
  else for (let q = k; q < k + take; q++, s += step) x[q] = src[s]!
}

/** Two scratch arrays per storage class for stridedBinary, kept between calls (a fresh pair costs more than a short op). */
const scratches = new Map<unknown, Storage[]>()

/** Scratch `which` (0 or 1) of `like`'s class, BLOCK long: plain JavaScript memory, never an arena block. */
function scratch(like: Storage, which: number): Storage {
  const make = like.constructor as new (n: number) => Storage
  let pair = scratches.get(make)
  if (pair === undefined) scratches.set(make, (pair = [new make(BLOCK), new make(BLOCK)]))
  return pair[which]!
}

/** `shape` with each dimension folded into the next when both stride lists step through the pair as one. */
function merged(
  shape: Shape,
  sa: readonly number[],
  sb: readonly number[],
): { shape: number[]; sa: number[]; sb: number[] } {
  const m = { shape: shape.slice(0, 1), sa: sa.slice(0, 1), sb: sb.slice(0, 1) }
  for (let d = 1; d < shape.length; d++) {
    const k = m.shape.length - 1
    const n = shape[d]!
    if (m.sa[k] === sa[d]! * n && m.sb[k] === sb[d]! * n) {
      m.shape[k]! *= n
      m.sa[k] = sa[d]!
      m.sb[k] = sb[d]!
    } else {
      m.shape.push(n)
      m.sa.push(sa[d]!)
      m.sb.push(sb[d]!)
    }
  }
  return m
}

/** The storage of `t` broadcast to `shape`, contiguous. @internal */
export function expandTo(t: Tensor, shape: Shape): Storage {
  if (t.size === sizeOf(shape) && t.rank === shape.length) return t.data
  return new Tensor(t.storage, shape, t.dtype, broadcastStrides(t, shape), t.offset).data
}

/**
 * The result dtype of two operands: the wider of two tensors' dtypes; a plain number is weakly typed
 * (see {@link TensorLike}): it takes the tensor's dtype unless that is int32 or bool and cannot hold
 * the number exactly, and then the result is float32. @internal
 */
export function resultType(a: TensorLike, b: TensorLike): DType {
  if (typeof a !== 'number' && typeof b !== 'number') {
    // (a tensor's dtype is valid: promoteTypes' checks are only needed when the two differ)
    return a.dtype === b.dtype ? a.dtype : promoteTypes(a.dtype, b.dtype)
  }
  if (typeof a !== 'number') return weak(a.dtype, b as number)
  if (typeof b !== 'number') return weak(b.dtype, a as number)
  return 'float32'
}

/** The dtype a tensor of `dtype` and the number `x` compute in. */
function weak(dtype: DType, x: number): DType {
  if (dtype === 'bool' && (x === 0 || x === 1)) return 'bool'
  if (dtype === 'bool' || dtype === 'int32') return (x | 0) === x ? 'int32' : 'float32'
  return dtype
}

/**
 * Strides that read `t` as if broadcast to `shape` (0 along broadcast dimensions). The caller has
 * checked that the shapes broadcast.
 */
export function broadcastStrides(t: Tensor, shape: Shape): number[] {
  const lead = shape.length - t.rank
  return shape.map((_, i) => (i < lead || t.shape[i - lead] === 1 ? 0 : t.strides[i - lead]!))
}
