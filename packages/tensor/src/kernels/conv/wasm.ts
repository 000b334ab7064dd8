/**
 * float32 conv2d (forward and both gradients) and max/average pooling (forward and backward) on
 * WebAssembly SIMD128 (source: `assembly/conv.ts`, bytes: `./module.generated.ts`), with the contracts of
 * the JavaScript kernels in `./reference.ts` and `../pool/reference.ts`.
 *
 * The module carries its own copy of the gemm, so a convolution runs im2col, the product and col2im
 * in one memory: the unfolded columns (kernel area × the input, the biggest array of a convolution)
 * never cross to JavaScript. What does cross is the operands and the result, in chunks of samples
 * (or planes, for pooling) of about {@link CHUNK} floats, so the memory stays small and each chunk is
 * still in cache when the kernel reads it. The filter (and for its gradient, the accumulated result)
 * stays in the memory for the whole call. These buffers live in the staging area of the memory
 * every kernel family shares (`../runtime/memory.ts`; the module's own region holds its gemm's
 * panels), which grows to what the largest call needed (a chunk, the filter and one sample's
 * columns) until the arena reserves, then borrows arena blocks for bigger calls; past what a 32-bit
 * memory can hold, the JavaScript kernel runs instead. Operands already in the shared memory (arena
 * arrays) are read, and results written, where they lie: only the columns use the staging area then.
 *
 * Results: pooling is bit-identical to the JavaScript kernels (max pooling moves values; average
 * pooling sums and divides in float64 as they do). Convolutions sum in float32 where the JavaScript
 * gemm sums in float64, so they differ in the last bits, within the gemm's float32 error bound.
 * @module
 */
import type { Window2d } from '../../window2d.js'
import { convBackwardFilter, convBackwardInput, convForward, type Conv2dKernel, type Conv2dShape } from './reference.js'
import type { FloatArray } from '../gemm/reference.js'
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from '../pool/reference.js'
import { convWasmHex } from './module.generated.js'
import { load, loadSync } from '../runtime/load.js'
import { stage, traffic, unstage, type SharedMemory } from '../runtime/memory.js'

/** The exports of the compiled module; pointers are byte addresses. */
interface ConvExports {
  workspaceEnd(): number
  setWindow(
    height: number,
    width: number,
    kernelH: number,
    kernelW: number,
    strideH: number,
    strideW: number,
    dilationH: number,
    dilationW: number,
    padTop: number,
    padLeft: number,
    outH: number,
    outW: number,
  ): void
  convForward(batch: number, c: number, o: number, groups: number, x: number, w: number, y: number, cols: number): void
  convBackwardInput(
    batch: number,
    c: number,
    o: number,
    groups: number,
    dy: number,
    w: number,
    dx: number,
    cols: number,
  ): void
  convBackwardFilter(
    batch: number,
    c: number,
    o: number,
    groups: number,
    x: number,
    dy: number,
    dw: number,
    cols: number,
  ): void
  maxPool(planes: number, x: number, y: number): void
  maxPoolBackward(planes: number, dy: number, x: number, dx: number): void
  avgPool(planes: number, x: number, y: number): void
  avgPoolBackward(planes: number, dy: number, dx: number): void
}

/** The Wasm kernels, each with the signature and contract of the JavaScript one it replaces. */
export interface ConvKernels {
  convForward: Conv2dKernel
  convBackwardInput: Conv2dKernel
  convBackwardFilter: Conv2dKernel
  maxPool2d: typeof maxPoolForward
  maxPool2dBackward: typeof maxPoolBackward
  avgPool2d: typeof avgPoolForward
  avgPool2dBackward: typeof avgPoolBackward
}

/** Floats of operands and results per chunk (1 MiB: the chunk just copied in is still in L2). */
export const CHUNK = 262144 // 2¹⁸, a literal so that bundlers can drop it unused

/**
 * Compiles and instantiates the module synchronously; null when this engine cannot run it.
 *
 * @example
 * ```ts
 * import { loadWasmConvSync } from './wasm.js'
 * const conv = loadWasmConvSync() // ConvKernels for Float32Array operands, or null
 * ```
 */
export function loadWasmConvSync(): ConvKernels | null {
  return loadSync(convWasmHex, convFrom)
}

/**
 * Compiles and instantiates the module asynchronously; null when this engine cannot run it.
 *
 * @example
 * ```ts
 * import { loadWasmConv } from './wasm.js'
 * const conv = await loadWasmConv()
 * ```
 */
export async function loadWasmConv(): Promise<ConvKernels | null> {
  return load(convWasmHex, convFrom)
}

function align16(bytes: number): number {
  return (bytes + 15) & ~15
}

function check(op: string, ...arrays: FloatArray[]): void {
  for (const a of arrays) {
    if (!(a instanceof Float32Array)) {
      throw new Error(
        `wasm ${op}: operands must be Float32Array, got ${arrays.map((x) => x.constructor.name).join(', ')}`,
      )
    }
  }
}

/** Wraps an instance's exports as {@link ConvKernels} for Float32Array operands. */
function convFrom(exports: ConvExports, shared: SharedMemory): ConvKernels {
  const memory = shared.memory
  let heap = new Float32Array(memory.buffer)

  /**
   * Lays out buffers of the given float counts one after another in the staging area (see `stage`;
   * the caller calls `unstage(shared)` when done); returns their float indices into the heap, or null
   * when the memory cannot provide that much.
   */
  function layout(...counts: number[]): number[] | null {
    let bytes = 0
    for (const n of counts) bytes = align16(bytes + n * 4)
    const base = stage(shared, bytes)
    if (base < 0) return null
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer)
    const at: number[] = []
    let end = base
    for (const n of counts) {
      at.push(end >> 2)
      end = align16(end + n * 4)
    }
    return at
  }

  function setWindow(g: Window2d): void {
    exports.setWindow(
      g.height,
      g.width,
      g.kernelH,
      g.kernelW,
      g.strideH,
      g.strideW,
      g.dilationH,
      g.dilationW,
      g.padTop,
      g.padLeft,
      g.outH,
      g.outW,
    )
  }

  /** Items (samples or planes) per chunk when each takes `floats` floats of operands and results. */
  function chunkOf(items: number, floats: number): number {
    return Math.max(1, Math.min(items, Math.floor(CHUNK / Math.max(1, floats))))
  }

  /**
   * One convolution entry point: `a` is streamed in by sample (`aPer` floats each), `w` (`wLen`
   * floats) is copied once, and `out` is streamed out by sample (`outPer` floats each).
   */
  function conv(
    s: Conv2dShape,
    a: FloatArray,
    aPer: number,
    w: FloatArray,
    wLen: number,
    out: FloatArray,
    outPer: number,
    run: (k: number, a: number, w: number, out: number, cols: number) => void,
  ): boolean {
    const g = s.window
    const depth = (s.channels / s.groups) * g.kernelH * g.kernelW
    const nb = chunkOf(s.batch, aPer + outPer)
    // operands in the shared memory (arena arrays) are read, and the result written, where they lie
    const [aIn, wIn, outIn] = [a, w, out].map((x) => x.buffer === memory.buffer)
    const at = layout(wIn ? 0 : wLen, depth * g.outH * g.outW, aIn ? 0 : nb * aPer, outIn ? 0 : nb * outPer)
    if (at === null) return false
    const [wAt, colsAt, aAt, outAt] = at as [number, number, number, number]
    setWindow(g)
    if (!wIn) heap.set(w.subarray(0, wLen), wAt)
    const wp = wIn ? w.byteOffset : wAt << 2
    let copied = wIn ? 0 : wLen
    for (let n0 = 0; n0 < s.batch; n0 += nb) {
      const k = Math.min(nb, s.batch - n0)
      if (!aIn) heap.set(a.subarray(n0 * aPer, (n0 + k) * aPer), aAt)
      const ap = aIn ? a.byteOffset + n0 * aPer * 4 : aAt << 2
      run(k, ap, wp, outIn ? out.byteOffset + n0 * outPer * 4 : outAt << 2, colsAt << 2)
      if (!outIn) out.set(heap.subarray(outAt, outAt + k * outPer), n0 * outPer)
    }
    copied += s.batch * ((aIn ? 0 : aPer) + (outIn ? 0 : outPer))
    traffic.bytes += copied * 4
    unstage(shared)
    return true
  }

  /**
   * One pooling entry point over `planes` planes: `ins` are streamed in by plane (`inPer[j]` floats
   * each, the last one, when `accumulate`, being the output, read and written), `out` is written back.
   */
  function pool(
    planes: number,
    g: Window2d,
    ins: FloatArray[],
    inPer: number[],
    out: FloatArray,
    outPer: number,
    accumulate: boolean,
    run: (k: number, ptrs: number[]) => void,
  ): boolean {
    const per = inPer.reduce((s, n) => s + n, 0) + (accumulate ? 0 : outPer)
    const nb = chunkOf(planes, per)
    // operands in the shared memory (arena arrays) are read, and the result written, where they lie
    const arrays = accumulate ? ins : [...ins, out]
    const pers = accumulate ? inPer : [...inPer, outPer]
    const here = arrays.map((x) => x.buffer === memory.buffer)
    const at = layout(...pers.map((n, j) => (here[j] ? 0 : nb * n)))
    if (at === null) return false
    const last = arrays.length - 1
    setWindow(g)
    let copied = 0
    for (let p0 = 0; p0 < planes; p0 += nb) {
      const k = Math.min(nb, planes - p0)
      const ptrs = arrays.map((x, j) => {
        if (here[j]) return x.byteOffset + p0 * pers[j]! * 4
        if (j < ins.length) {
          heap.set(x.subarray(p0 * pers[j]!, (p0 + k) * pers[j]!), at[j]!)
          copied += k * pers[j]!
        }
        return at[j]! << 2
      })
      run(k, ptrs)
      if (!here[last]) {
        out.set(heap.subarray(at[last]!, at[last]! + k * outPer), p0 * outPer)
        copied += k * outPer
      }
    }
    traffic.bytes += copied * 4
    unstage(shared)
    return true
  }

  const groupsOf = (s: Conv2dShape): [number, number, number] => [s.channels, s.outChannels, s.groups]
  const sizes = (s: Conv2dShape) => {
    const g = s.window
    return {
      plane: g.height * g.width,
      outPlane: g.outH * g.outW,
      wLen: s.outChannels * (s.channels / s.groups) * g.kernelH * g.kernelW,
    }
  }

  return {
    convForward(x, w, s, y) {
      check('convForward', x, w, y)
      const { plane, outPlane, wLen } = sizes(s)
      const [c, o, groups] = groupsOf(s)
      const ok = conv(s, x, c * plane, w, wLen, y, o * outPlane, (k, xp, wp, yp, cols) =>
        exports.convForward(k, c, o, groups, xp, wp, yp, cols),
      )
      if (!ok) convForward(x, w, s, y) // past what a 32-bit memory holds: the JavaScript kernel
    },
    convBackwardInput(dy, w, s, dx) {
      check('convBackwardInput', dy, w, dx)
      const { plane, outPlane, wLen } = sizes(s)
      const [c, o, groups] = groupsOf(s)
      const ok = conv(s, dy, o * outPlane, w, wLen, dx, c * plane, (k, dyp, wp, dxp, cols) =>
        exports.convBackwardInput(k, c, o, groups, dyp, wp, dxp, cols),
      )
      if (!ok) convBackwardInput(dy, w, s, dx)
    },
    convBackwardFilter(x, dy, s, dw) {
      check('convBackwardFilter', x, dy, dw)
      const { plane, outPlane, wLen } = sizes(s)
      const [c, o, groups] = groupsOf(s)
      const ok = convFilter(s, x, c * plane, dy, o * outPlane, dw, wLen, c, o, groups)
      if (!ok) convBackwardFilter(x, dy, s, dw)
    },
    maxPool2d(x, planes, g, y) {
      check('maxPool2d', x, y)
      const ok = pool(planes, g, [x], [g.height * g.width], y, g.outH * g.outW, false, (k, [xp, yp]) =>
        exports.maxPool(k, xp!, yp!),
      )
      if (!ok) maxPoolForward(x, planes, g, y)
    },
    maxPool2dBackward(dy, x, planes, g, dx) {
      check('maxPool2dBackward', dy, x, dx)
      const plane = g.height * g.width
      const ok = pool(planes, g, [dy, x, dx], [g.outH * g.outW, plane, plane], dx, plane, true, (k, [dyp, xp, dxp]) =>
        exports.maxPoolBackward(k, dyp!, xp!, dxp!),
      )
      if (!ok) maxPoolBackward(dy, x, planes, g, dx)
    },
    avgPool2d(x, planes, g, y) {
      check('avgPool2d', x, y)
      const ok = pool(planes, g, [x], [g.height * g.width], y, g.outH * g.outW, false, (k, [xp, yp]) =>
        exports.avgPool(k, xp!, yp!),
      )
      if (!ok) avgPoolForward(x, planes, g, y)
    },
    avgPool2dBackward(dy, planes, g, dx) {
      check('avgPool2dBackward', dy, dx)
      const plane = g.height * g.width
      const ok = pool(planes, g, [dy, dx], [g.outH * g.outW, plane], dx, plane, true, (k, [dyp, dxp]) =>
        exports.avgPoolBackward(k, dyp!, dxp!),
      )
      if (!ok) avgPoolBackward(dy, planes, g, dx)
    },
  }

  /** The filter gradient: x and dy stream in by sample, dw accumulates in the module. */
  function convFilter(
    s: Conv2dShape,
    x: FloatArray,
    xPer: number,
    dy: FloatArray,
    dyPer: number,
    dw: FloatArray,
    wLen: number,
    c: number,
    o: number,
    groups: number,
  ): boolean {
    const g = s.window
    const depth = (s.channels / s.groups) * g.kernelH * g.kernelW
    const nb = chunkOf(s.batch, xPer + dyPer)
    // operands in the shared memory (arena arrays) are read, and dw accumulated into, where they lie
    const [xIn, dyIn, dwIn] = [x, dy, dw].map((a) => a.buffer === memory.buffer)
    const at = layout(dwIn ? 0 : wLen, depth * g.outH * g.outW, xIn ? 0 : nb * xPer, dyIn ? 0 : nb * dyPer)
    if (at === null) return false
    const [dwAt, colsAt, xAt, dyAt] = at as [number, number, number, number]
    setWindow(g)
    const dwp = dwIn ? dw.byteOffset : dwAt << 2
    if (dwIn) dw.fill(0, 0, wLen)
    else heap.fill(0, dwAt, dwAt + wLen)
    for (let n0 = 0; n0 < s.batch; n0 += nb) {
      const k = Math.min(nb, s.batch - n0)
      if (!xIn) heap.set(x.subarray(n0 * xPer, (n0 + k) * xPer), xAt)
      if (!dyIn) heap.set(dy.subarray(n0 * dyPer, (n0 + k) * dyPer), dyAt)
      const xp = xIn ? x.byteOffset + n0 * xPer * 4 : xAt << 2
      const dyp = dyIn ? dy.byteOffset + n0 * dyPer * 4 : dyAt << 2
      exports.convBackwardFilter(k, c, o, groups, xp, dyp, dwp, colsAt << 2)
    }
    if (!dwIn) dw.set(heap.subarray(dwAt, dwAt + wLen))
    traffic.bytes += ((dwIn ? 0 : wLen) + s.batch * ((xIn ? 0 : xPer) + (dyIn ? 0 : dyPer))) * 4
    unstage(shared)
    return true
  }
}
