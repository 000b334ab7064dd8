// The live part of "Keep and move your model" (guide/keep-and-move.md): a model trained in the page is written as
// safetensors and read back, exported to ONNX and run in ONNX Runtime Web next to @gd's own forward pass.
import { noGrad } from '@gd/autograd'
import type { Layer } from '@gd/nn'
import { Tensor } from '@gd/tensor'
import { loadSafetensors, saveSafetensors } from '@gd/io'
import { exportOnnx } from '@gd/onnx'

/** The largest |@gd − ONNX Runtime| the page accepts: float32 rounding of logits of size ~10 is ~1e-6. */
export const TOLERANCE = 1e-4

/** Where the site serves ONNX Runtime Web (apps/docs/ort/fetch.sh puts the files in public/vendor/ort/). */
export const ORT_FILES = {
  module: 'vendor/ort/ort.wasm.bundle.min.mjs',
  wasm: 'vendor/ort/ort-wasm-simd-threaded.wasm',
}

/** A tree's tensors under the dotted names safetensors gives them (`0.w`, `2.b`), in the tree's order. */
export function namedLeaves(tree: unknown, prefix = ''): [string, Tensor][] {
  if (tree instanceof Tensor) return [[prefix, tree]]
  if (tree === null || typeof tree !== 'object') return []
  return Object.entries(tree).flatMap(([key, value]) => namedLeaves(value, prefix === '' ? key : `${prefix}.${key}`))
}

// #region safetensors
const bytesOf = (t: Tensor) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i])

/** One tensor of the readback: its name, shape and dtype in the file, and whether every bit came back. */
export interface ReadbackRow {
  name: string
  shape: number[]
  dtype: string
  identical: boolean
}

/** Writes `params` as safetensors and reads the bytes back, comparing every tensor bit for bit. */
export function safetensorsRoundTrip(params: unknown): { bytes: Uint8Array; rows: ReadbackRow[] } {
  const bytes = saveSafetensors(params as never, { metadata: { written_by: '@gd/io, in the browser' } })
  const { tree, dtypes } = loadSafetensors(bytes, { like: params as never })
  const back = new Map(namedLeaves(tree))
  const rows = namedLeaves(params).map(([name, t]) => {
    const again = back.get(name)
    return {
      name,
      shape: [...t.shape],
      dtype: dtypes[name] ?? '?',
      identical: again !== undefined && again.dtype === t.dtype && sameBytes(bytesOf(again), bytesOf(t)),
    }
  })
  return { bytes, rows }
}
// #endregion safetensors

// #region ort
/** The part of ONNX Runtime Web's API the page uses (the package is not a dependency: it loads at run time). */
export interface OrtTensor {
  readonly data: unknown
  readonly dims: readonly number[]
}
export interface OrtSession {
  readonly inputNames: readonly string[]
  readonly outputNames: readonly string[]
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>
}
export interface Ort {
  env: { wasm: { numThreads: number; wasmPaths: { wasm: string } }; versions: { web?: string } }
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor
  InferenceSession: { create(model: Uint8Array, options: { executionProviders: string[] }): Promise<OrtSession> }
}

/**
 * Loads ONNX Runtime Web from the site (`base` is the site's root URL), on one thread, with its Wasm binary
 * at an explicit path. Resolves to null when the site does not serve it (apps/docs/ort/fetch.sh not run).
 */
export async function loadOrt(base: string): Promise<Ort | null> {
  const url = (file: string) => new URL(file, base).href
  const found = await fetch(url(ORT_FILES.module), { method: 'HEAD' }).then(
    (r) => r.ok && !(r.headers.get('content-type') ?? '').includes('html'),
    () => false,
  )
  if (!found) return null
  const ort = (await import(/* @vite-ignore */ url(ORT_FILES.module))) as Ort
  ort.env.wasm.numThreads = 1 // no worker threads: they would need a cross-origin-isolated page
  ort.env.wasm.wasmPaths = { wasm: url(ORT_FILES.wasm) }
  return ort
}

/** @gd's logits and ONNX Runtime's for the same rows, and the largest difference between them. */
export interface OrtComparison {
  gd: Float32Array
  ort: Float32Array
  dims: number[]
  maxDifference: number
  /** The output's shape when the same session runs the first row alone: the batch axis is dynamic. */
  singleDims: number[]
  inputName: string
  outputName: string
}

/**
 * Exports `model` with `params` to ONNX (dynamic batch), runs the file in ONNX Runtime Web on `x`
 * ([rows, features]) and compares its output with @gd's forward pass in inference mode.
 */
export async function runInOrt(
  ort: Ort,
  onnx: Uint8Array,
  model: Layer<any, any>,
  params: unknown,
  x: Tensor,
): Promise<OrtComparison> {
  const session = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'] })
  const [inputName = 'input'] = session.inputNames
  const [outputName = 'output'] = session.outputNames
  const input = new ort.Tensor('float32', Float32Array.from(x.data as Float32Array), x.shape)
  const result = (await session.run({ [inputName]: input }))[outputName]!
  const theirs = result.data as Float32Array
  const ours = noGrad(() => model.apply(params, x)).value.data as Float32Array
  let maxDifference = ours.length === theirs.length ? 0 : Infinity
  for (let i = 0; i < ours.length; i++) maxDifference = Math.max(maxDifference, Math.abs(ours[i]! - theirs[i]!))
  // the same file on one row: the batch axis is not fixed at export
  const features = x.shape[1]!
  const first = Float32Array.from((x.data as Float32Array).subarray(0, features))
  const single = (await session.run({ [inputName]: new ort.Tensor('float32', first, [1, features]) }))[outputName]!
  return {
    gd: ours,
    ort: theirs,
    dims: [...result.dims],
    maxDifference,
    singleDims: [...single.dims],
    inputName,
    outputName,
  }
}
// #endregion ort

/** The ONNX file of `model` for one example of `inputShape` (the batch axis stays dynamic). */
export const toOnnx = (model: Layer<any, any>, params: unknown, inputShape: number[]): Uint8Array =>
  exportOnnx(model, params, { inputShape })
