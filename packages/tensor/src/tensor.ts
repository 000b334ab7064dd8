import { complaint, fail, optional, readOptions } from '@gd/check'
import { dtypeCheck } from './internal/checks.js'
import { allocate, dtypes, type DType, type Storage, type StorageOf } from './dtype.js'
import { checkShape, formatList, MAX_ELEMENTS, rowMajor, sizeOf, type Shape } from './shape.js'
import { ownership, type Owned } from './kernels/runtime/owner.js'
import { gatherHook } from './kernels/rows/gatherHook.js'
import { markOwned } from './internal/deferredLeaves.js'
import { kernel, traceConstant, tracing } from './internal/trace.js'

/** Nested arrays of numbers or booleans, as accepted by {@link tensor} and returned by `toArray`. */
export type NestedArray = number | boolean | readonly NestedArray[]

/**
 * The base of {@link Tensor}, for what Node's `console.log` and `util.inspect` print: the tensor's
 * `toString()` (dtype, shape, values), not its fields. A class of its own because a method under a
 * computed key such as `Symbol.for(…)` keeps its class in every bundle; this one is a few bytes, and a
 * bundle that never uses `Tensor` still drops it.
 *
 * @example
 * ```ts
 * import { inspect } from 'node:util'
 * import { arange } from '@gd/tensor'
 * inspect(arange(10)) // 'Tensor(float32, [10]) [0, 1, 2, ..., 7, 8, 9]'
 * ```
 */
class Printable {
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString()
  }
}

/**
 * An immutable n-dimensional array.
 *
 * Elements live in a typed array (`storage`) that views may share: `reshape`, `transpose`,
 * `expandDims` and `squeeze` return views that copy nothing, described by `shape`, `strides`
 * and `offset`. Nothing is ever disposed by hand.
 *
 * Lifetimes: outside the autograd transforms the garbage collector owns all memory. Inside one
 * (`valueAndGrad`, `grad`, `jvp`, `hvp`, … of @gd/autograd, and each step of @gd/train's `fit`), with
 * the Wasm kernels loaded, a float32 result of 64 elements or more is born in the WebAssembly memory the
 * kernels share, where they read and write it without copies; when the transform returns, what it returns (values, aux,
 * gradients, and views of them) is kept and every other tensor made inside it is released, its memory
 * reused by the next call. Reading a released tensor (`storage`, `data`, `item`, `toArray`, printing,
 * any op) throws `valueAndGrad: this tensor was an intermediate of valueAndGrad and was released when
 * it returned; return it as aux (hasAux: true) to keep it`, never garbage. A raw array taken from a tensor inside a
 * transform (`data`, `storage`) must not be kept past the transform's return: copy it (`data.slice()`).
 * Outside transforms, with the Wasm kernels loaded, a float32 elementwise result of 65,536 elements or more
 * may be deferred: its values, the same bits as computed at once, are computed when first read, together
 * with the chain of such ops it was made from.
 *
 * Treat a tensor as a value. Ops never write into their inputs, and user code must not write
 * into `storage` or `data` either.
 *
 * @example
 * ```ts
 * import { tensor } from '@gd/tensor'
 * const t = tensor([[1, 2], [3, 4]])
 * t.shape // [2, 2]
 * t.dtype // 'float32'
 * t.toArray() // [[1, 2], [3, 4]]
 * ```
 */
export class Tensor<D extends DType = DType> extends Printable {
  /** Element type. */
  readonly dtype: D
  /** Dimensions, outermost first. */
  readonly shape: Shape
  /** Step in `storage`, in elements, for one move along each dimension. */
  readonly strides: readonly number[]
  /** Index in `storage` of the first element. */
  readonly offset: number
  /**
   * The storage (see {@link Tensor.storage}); moved only by the scopes when a kept result leaves the arena. On a
   * deferred result, an accessor that reads `storage` (see DEFERRED_FIELD). @internal
   */
  _storage: StorageOf<D>
  /** Number of elements. */
  readonly size: number
  /** The scope block the storage lies in (see `kernels/runtime/scope.ts`), or null. */
  #block: Owned | null
  /** A deferred elementwise result not computed yet (see `deferred.ts`), or null. */
  #pending: Pending | null
  /** A deferred result's values once computed, or null (for every other tensor). */
  #computed: StorageOf<D> | null

  /**
   * Wraps existing storage; most code should call {@link tensor} or a creation function instead.
   * The storage is not copied. Everything is checked first: `dtype` is a {@link DType}, `storage`
   * the typed array of that dtype, `shape` non-negative integers (at most {@link MAX_ELEMENTS}
   * elements), `strides` one integer per dimension, `offset` a non-negative integer, and every
   * element the view can reach lies inside `storage`.
   *
   * @throws Error `Tensor: shape [2,3] with strides [3,1] and offset 0 reads elements 0..5, outside storage of length 4`.
   * @example
   * ```ts
   * import { Tensor } from '@gd/tensor'
   * new Tensor(new Float32Array([1, 2, 3, 4]), [2, 2], 'float32').toArray() // [[1, 2], [3, 4]]
   * new Tensor(new Float32Array(4), [2, 3], 'float32')
   * // throws 'Tensor: shape [2,3] with strides [3,1] and offset 0 reads elements 0..5, outside storage of length 4'
   * ```
   */
  constructor(storage: StorageOf<D>, shape: Shape, dtype: D, strides?: readonly number[], offset = 0) {
    super()
    const fn = 'Tensor'
    // a deferred result (see deferredTensor) has no storage yet
    const pending = nextPending
    nextPending = null
    // One pass, no copies: this runs for every tensor an op makes.
    if (!dtypes.includes(dtype)) dtypeCheck(fn, 'dtype', dtype)
    const cls = storageClass[dtype]!
    if (!(storage instanceof cls)) fail(fn, 'storage', `a ${cls.name} for dtype ${dtype}`, storage)
    const rank = Array.isArray(shape) ? shape.length : -1
    let size = rank < 0 ? NaN : 1
    for (let i = 0; i < rank; i++) {
      const d = shape[i]!
      size = Number.isSafeInteger(d) && d >= 0 ? size * d : NaN
    }
    if (!(size <= MAX_ELEMENTS)) checkShape(fn, shape) // throws the message that fits
    if (!Number.isSafeInteger(offset) || offset < 0) fail(fn, 'offset', 'a non-negative integer', offset)
    // (row-major strides by default: the shape was checked just above)
    strides ??= rowMajor(shape)
    let first = offset
    let last = offset
    let ok = Array.isArray(strides) && strides.length === rank
    for (let i = 0; ok && i < rank; i++) {
      const st = strides[i]!
      ok = Number.isSafeInteger(st)
      const span = (shape[i]! - 1) * st
      if (span < 0) first += span
      else last += span
    }
    if (!ok) fail(fn, 'strides', `${rank} integers (one per dimension of ${formatList(shape)})`, strides)
    if (size > 0 && (first < 0 || last >= storage.length) && pending === null) {
      throw new Error(
        `${fn}: shape ${formatList(shape)} with strides ${formatList(strides)} and offset ${offset} reads elements ` +
          `${first}..${last}, outside storage of length ${storage.length}`,
      )
    }
    const replay = replaying
    replaying = false
    if (tracing.trace !== null && !replay) tracing.trace.made(storage, this)
    this._storage = storage
    this.#block =
      ownership.find !== null && cls === Float32Array && !replay ? ownership.find(storage as Float32Array) : null
    this.#pending = pending
    this.#computed = null
    // a deferred result's `_storage` computes it too: a deep equality or a copy of the object's fields sees values
    if (pending !== null) Object.defineProperty(this, '_storage', DEFERRED_FIELD)
    this.shape = shape
    this.dtype = dtype
    this.strides = strides
    this.offset = offset
    this.size = size
  }

  /**
   * Backing storage, possibly shared with other views. Read-only by contract.
   *
   * @throws Error when the tensor was an intermediate of an autograd transform and was released when
   *   the transform returned (see the class's lifetimes).
   */
  get storage(): StorageOf<D> {
    if (this.#pending !== null) this.#compute()
    const b = this.#block
    if (b !== null && b.released !== null) throw new Error(b.released)
    // (a deferred result's `_storage` is an accessor that reads this getter: its values are in #computed)
    return this.#computed ?? this._storage
  }

  /** Computes a deferred result into its own array, which becomes the storage. */
  #compute(): void {
    this.#computed = this.#pending!.compute() as StorageOf<D>
    this.#pending = null
  }

  /** The deferred computation of this result, or null once computed (or for any other tensor). @internal */
  __pending(): Pending | null {
    return this.#pending
  }

  /** The scope block of the storage, or null. @internal */
  __owner(): Owned | null {
    return this.#block
  }

  /**
   * Makes the tensor read as released with `message`, whatever its storage: an intermediate of a recorded trace,
   * whose array later replays write again (see `internal/record.ts`). @internal
   */
  __release(message: string): void {
    this.#block = { released: message, owner: null } as Owned
  }

  /**
   * Points the tensor at `storage`, owned by the collector from now on: a copy of its block, or (a recording's view
   * of an input, see `internal/record.ts`) the next call's array of the same layout. @internal
   */
  __move(storage: StorageOf<D>): void {
    this._storage = storage
    this.#block = null
  }

  /**
   * Marks tensors, so that a tensor made by another copy of this module is still recognised. A plain
   * name, not a symbol: a computed member would keep the class in bundles that never use it. @internal
   */
  get __gdTensor(): true {
    return true
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length
  }

  /** True when elements are laid out in row-major order with no gaps (offset may be non-zero). */
  get isContiguous(): boolean {
    let expected = 1
    for (let i = this.shape.length - 1; i >= 0; i--) {
      const d = this.shape[i]!
      if (d !== 1 && this.strides[i] !== expected) return false
      expected *= d
    }
    return true
  }

  /**
   * The elements in row-major order, as a typed array of exactly `size` elements.
   * Shares memory with the tensor when it is contiguous (do not write into it), else a fresh copy.
   * Inside an autograd transform the shared array may lie in a block the transform releases when it
   * returns: keep a copy (`data.slice()`), not the array, past the transform.
   *
   * @example
   * ```ts
   * import { tensor, transpose } from '@gd/tensor'
   * transpose(tensor([[1, 2], [3, 4]])).data // Float32Array [1, 3, 2, 4]
   * ```
   */
  get data(): StorageOf<D> {
    if (tracing.trace !== null) tracing.trace.read(this.storage)
    if (this.isContiguous) {
      const s = this.storage
      if (this.offset === 0 && s.length === this.size) return s
      return s.subarray(this.offset, this.offset + this.size) as StorageOf<D>
    }
    return gatherStrided(this)
  }

  /**
   * The single element of a one-element tensor, as a number (bool gives 0 or 1).
   *
   * @throws Error when the tensor does not hold exactly one element.
   * @example
   * ```ts
   * import { scalar } from '@gd/tensor'
   * scalar(3).item() // 3
   * ```
   */
  item(): number {
    const s = this.storage // a released tensor says so first
    if (tracing.trace !== null) tracing.trace.read(s)
    if (this.size !== 1) {
      throw new Error(`item: tensor must hold exactly one element, got shape ${formatList(this.shape)}`)
    }
    return s[this.offset]!
  }

  /**
   * The elements as nested arrays (a plain number for a scalar; booleans for dtype `bool`).
   *
   * @example
   * ```ts
   * import { tensor } from '@gd/tensor'
   * tensor([[1, 2], [3, 4]], { dtype: 'int32' }).toArray() // [[1, 2], [3, 4]]
   * ```
   */
  toArray(): NestedArray {
    const flat = this.data
    const asBool = this.dtype === 'bool'
    const build = (dim: number, start: number): NestedArray => {
      if (dim === this.shape.length) return asBool ? flat[start] === 1 : flat[start]!
      const n = this.shape[dim]!
      const step = sizeOf(this.shape.slice(dim + 1))
      const out: NestedArray[] = new Array(n)
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, start + i * step)
      return out
    }
    return build(0, 0)
  }

  /**
   * A readable summary: dtype, shape and the values to 5 significant digits; a dimension longer
   * than 6 shows its first 3 and last 3 entries around `...`, as NumPy abbreviates.
   *
   * @example
   * ```ts
   * import { tensor } from '@gd/tensor'
   * String(tensor([[1, 2.5], [1 / 3, -0]])) // 'Tensor(float32, [2, 2]) [[1, 2.5], [0.33333, 0]]'
   * ```
   */
  override toString(): string {
    const flat = this.data
    const show = (x: number): string => (this.dtype === 'bool' ? String(x === 1) : String(Number(x.toPrecision(5))))
    const build = (dim: number, start: number): string => {
      if (dim === this.shape.length) return show(flat[start]!)
      const n = this.shape[dim]!
      const step = sizeOf(this.shape.slice(dim + 1))
      const parts: string[] = []
      for (let i = 0; i < n; i++) {
        if (n > 6 && i === 3) {
          parts.push('...')
          i = n - 3
        }
        parts.push(build(dim + 1, start + i * step))
      }
      return `[${parts.join(', ')}]`
    }
    return `Tensor(${this.dtype}, [${this.shape.join(', ')}]) ${build(0, 0)}`
  }
}

/** A deferred result's computation (see `deferred.ts`): `compute` returns its values in a fresh array. @internal */
export interface Pending {
  compute(): Float32Array
}

/**
 * `_storage` of a deferred result, as the class field is (enumerable) but read through `storage`, which computes
 * it first. One getter for all of them, so that they share one shape (a getter per tensor gave each its own,
 * and the collector a full collection every few chains).
 */
const DEFERRED_FIELD = {
  get(this: Tensor): Storage {
    return this.storage
  },
  enumerable: true,
  configurable: true,
}

/** The pending computation the next constructed tensor takes (set only by deferredTensor). */
let nextPending: Pending | null = null

/** The next constructed tensor is a kernel call's own view for replays (set only by forReplay). */
let replaying = false

/**
 * `t` itself, or while a trace is recorded (see `internal/trace.ts`) a tensor over the same elements that no
 * scope's release reaches: what a kept kernel call reads from, since a replay runs after the transform that
 * made `t` released it. Refuses a tensor a scope still owns that the trace does not know (an intermediate
 * of an enclosing transform, which that transform may release and reuse between replays).
 */
export function forReplay<T extends Tensor>(t: T): T {
  const trace = tracing.trace
  if ((t as { __gdTensor?: unknown } | null)?.__gdTensor !== true) fail('forReplay', 't', 'a Tensor', t)
  if (trace === null) return t
  const s = t.storage
  if (typeof t.__owner === 'function' && t.__owner() !== null && !trace.known.has(s)) trace.refuseOwned()
  replaying = true
  const view = new Tensor(s, t.shape, t.dtype, t.strides, t.offset) as T
  trace.inputViews.get(s)?.push(view) // (an input's: a replay may point it at another array)
  return view
}

/** An empty placeholder storage of deferred results: nothing reads it (the getter computes the values first). */
const NOT_YET = new Float32Array(0)

/**
 * A contiguous float32 tensor of `shape` whose values `pending` computes when its storage is first read
 * (see `deferred.ts`). @internal
 */
export function deferredTensor(shape: Shape, pending: Pending): Tensor<'float32'> {
  nextPending = pending
  return new Tensor(NOT_YET, shape, 'float32')
}

/**
 * Copies a strided view into fresh row-major storage. Size-1 dimensions are dropped and dimensions
 * that step as one are folded together first; then the two innermost run as plain nested loops and
 * the multi-index of the outer ones moves once per matrix, so a transposed or head-split view (rows
 * of 16 floats: attention's [B, T, H, D] read as [B, H, T, D]) copies at loop speed.
 */
function gatherStrided<D extends DType>(t: Tensor<D>): StorageOf<D> {
  const out = unfilled(t)
  gatherInto(t, out)
  return out
}

/** Storage for `t`'s elements that the caller writes in full (a scope's block is not zero-filled first: see allocateUnfilled). */
function unfilled<D extends DType>(t: Tensor<D>): StorageOf<D> {
  return ((t.dtype === 'float32' && ownership.alloc?.(t.size, false)) || allocate(t.dtype, t.size)) as StorageOf<D>
}

/**
 * A row-major copy of `t`'s elements, as `data` of a strided view makes it, which a trace (see `internal/trace.ts`)
 * keeps as a kernel call: what view ops that must copy (`reshape` of a transposed view, `contiguous`) call. @internal
 */
export function stridedCopy<D extends DType>(t: Tensor<D>): StorageOf<D> {
  const out = unfilled(t)
  const x = forReplay(t)
  kernel(out, () => gatherInto(x, out), true)
  return out
}

/** Writes every element of `t` into `out`, in row-major order. */
function gatherInto<D extends DType>(t: Tensor<D>, out: StorageOf<D>): void {
  const src0 = t.storage
  if (t.size === 0) return
  const shape: number[] = []
  const strides: number[] = []
  for (let d = 0; d < t.rank; d++) {
    const n = t.shape[d]!
    const st = t.strides[d]!
    const k = shape.length - 1
    if (n === 1) continue
    if (k >= 0 && strides[k] === st * n) {
      shape[k]! *= n
      strides[k] = st
    } else {
      shape.push(n)
      strides.push(st)
    }
  }
  const rank = shape.length
  if (rank === 0) {
    out[0] = src0[t.offset]!
    return
  }
  // a float32 view of an arena array into an arena array: the fused rows module's gather, when it has loaded
  const gather = t.dtype === 'float32' ? gatherHook.kernel : null
  if (gather && gather(src0 as Float32Array, t.offset, shape, strides, out as Float32Array)) return
  const run = shape[rank - 1]!
  const step = strides[rank - 1]!
  const rows = rank > 1 ? shape[rank - 2]! : 1
  const rowStep = rank > 1 ? strides[rank - 2]! : 0
  const outer = Math.max(rank - 2, 0)
  const index = new Array<number>(outer).fill(0)
  let base = t.offset
  for (let o = 0; o < t.size;) {
    for (let r = 0, s0 = base; r < rows; r++, s0 += rowStep, o += run) {
      if (step === 1) for (let j = 0; j < run; j++) out[o + j] = src0[s0 + j]!
      else for (let j = 0, s = s0; j < run; j++, s += step) out[o + j] = src0[s]!
    }
    for (let d = outer - 1; d >= 0; d--) {
      index[d]!++
      base += strides[d]!
      if (index[d]! < shape[d]!) break
      base -= strides[d]! * shape[d]!
      index[d] = 0
    }
  }
}

/** Options accepted by creation functions. */
export interface CreateOptions<D extends DType = DType> {
  /** Element type; `float32` unless said otherwise. */
  dtype?: D
}

/**
 * Creates a tensor from nested arrays, a typed array or a number.
 *
 * Nested arrays must be rectangular. A typed array is copied; its shape defaults to one dimension.
 * The dtype defaults to `float32` (`bool` for nested booleans); an explicit `dtype` converts the
 * values as its typed array does (0.5 becomes 0 in int32). Options are read strictly (`dtype`, `shape`).
 *
 * @throws Error for ragged arrays, non-numeric entries, a `shape` that does not match the data (or
 *   holds more than {@link MAX_ELEMENTS} elements), or an unknown option.
 * @example
 * ```ts
 * import { tensor } from '@gd/tensor'
 * tensor([[1, 2, 3], [4, 5, 6]]).shape // [2, 3]
 * tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] }).dtype // 'float64'
 * tensor([true, false]).dtype // 'bool'
 * ```
 */
export function tensor<D extends DType = 'float32'>(
  values: NestedArray | Storage,
  options: CreateOptions<D> & { shape?: readonly number[] } = {},
): Tensor<D> {
  const o = readOptions('tensor', options, {
    dtype: optional(dtypeCheck),
    shape: optional<Shape>((fn, key, v) => checkShape(fn, v as Shape, key)),
  })
  let flat: ArrayLike<number | boolean>
  let shape: number[]
  let inferred: DType = 'float32'
  if (ArrayBuffer.isView(values)) {
    if (values instanceof DataView || values instanceof BigInt64Array || values instanceof BigUint64Array) {
      fail('tensor', 'values', 'nested arrays, a number, a boolean or a typed array of numbers', values)
    }
    flat = values
    shape = [values.length]
    inferred = values instanceof Float64Array ? 'float64' : values instanceof Int32Array ? 'int32' : 'float32'
  } else {
    shape = inferShape(values)
    flat = flatten(values, shape)
    if (flat.length > 0 && typeof flat[0] === 'boolean') inferred = 'bool'
  }
  if (o.shape !== undefined) {
    if (sizeOf(o.shape) !== flat.length) {
      throw new Error(
        `tensor: shape ${formatList(o.shape)} holds ${sizeOf(o.shape)} elements but ${flat.length} values were given`,
      )
    }
    shape = [...o.shape]
  }
  checkShape('tensor', shape)
  const dtype = (o.dtype ?? inferred) as D
  const storage = allocate(dtype, flat.length)
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]!
    storage[i] = typeof v === 'boolean' ? (v ? 1 : 0) : v
  }
  traceConstant(storage)
  // a copy no one else holds: deferred chains may read it later (see deferredLeaves.ts)
  return new Tensor(markOwned(storage), shape, dtype)
}

/** The typed array class of each dtype. */
const storageClass: Record<string, typeof Float32Array | typeof Float64Array | typeof Int32Array | typeof Uint8Array> =
  {
    float32: Float32Array,
    float64: Float64Array,
    int32: Int32Array,
    bool: Uint8Array,
  }

function inferShape(values: NestedArray): number[] {
  const shape: number[] = []
  let v: NestedArray = values
  while (Array.isArray(v)) {
    shape.push(v.length)
    v = (v as readonly NestedArray[])[0] as NestedArray
    if (v === undefined) break
  }
  return shape
}

function flatten(values: NestedArray, shape: readonly number[]): (number | boolean)[] {
  const out: (number | boolean)[] = []
  const walk = (v: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw complaint('tensor', `values${path}`, 'must be a number or a boolean', v)
      }
      out.push(v)
      return
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw complaint(
        'tensor',
        `values${path}`,
        `must be an array of ${shape[dim]} entries (nested arrays must be rectangular)`,
        v,
      )
    }
    for (let i = 0; i < v.length; i++) walk(v[i] as NestedArray, dim + 1, `${path}[${i}]`)
  }
  walk(values, 0, '')
  return out
}
